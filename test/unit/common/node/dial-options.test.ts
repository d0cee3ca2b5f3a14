import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyDialFailure, DialError } from '../../../../common/node/dial-error';
import { DIAL_DEFAULTS, resolveDialOptions, type DialOptions } from '../../../../common/node/dial-options';
import { DialErrorCode } from '../../../../protocol/dial-codes';

const invalid = (o: DialOptions): DialError => {
  try {
    resolveDialOptions(o);
  } catch (err) {
    expect(err).toBeInstanceOf(DialError);
    expect((err as DialError).code).toBe('DIAL_INVALID_OPTIONS');
    return err as DialError;
  }
  throw new Error('expected DIAL_INVALID_OPTIONS');
};

describe('resolveDialOptions', () => {
  it('merges over the defaults: 10 s timeout, ws maxPayload, autoPong, deflate, no redirects', () => {
    const r = resolveDialOptions({ url: 'ws://h.test/x' });
    expect(r.timeoutMs).toBe(DIAL_DEFAULTS.handshakeTimeoutMs);
    expect(r.wsOptions).toMatchObject({ maxPayload: 100 * 1024 * 1024, autoPong: true, perMessageDeflate: true, followRedirects: false, headers: {} });
    expect(r.target).toBe('h.test:80');
    expect(resolveDialOptions({ url: 'wss://h.test/' }).target).toBe('h.test:443');
    expect(r.tls).toBeNull();
    expect(r.proxy).toBeNull();
  });

  it('appends query pairs (records or ordered pairs, repeats kept) after the URL’s own', () => {
    expect(resolveDialOptions({ url: 'ws://h/p?x=1', query: { a: 'b c' } }).url.toString()).toBe('ws://h/p?x=1&a=b+c');
    expect(resolveDialOptions({ url: 'ws://h/', query: [['k', '1'], ['k', '2']] }).url.search).toBe('?k=1&k=2');
  });

  it('builds the auth header and refuses a second Authorization, Origin or API-key header', () => {
    expect(resolveDialOptions({ url: 'ws://h/', auth: { type: 'basic', username: 'u', password: 'p' } }).headers).toEqual({ Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
    expect(resolveDialOptions({ url: 'ws://h/', auth: { type: 'bearer', token: 't' } }).headers).toEqual({ Authorization: 'Bearer t' });
    expect(resolveDialOptions({ url: 'ws://h/', auth: { type: 'api-key', header: 'X-Key', value: 'v' }, headers: { A: '1' } }).headers).toEqual({ A: '1', 'X-Key': 'v' });
    expect(invalid({ url: 'ws://h/', headers: { authorization: 'x' }, auth: { type: 'bearer', token: 't' } }).field).toBe('headers.Authorization');
    expect(invalid({ url: 'ws://h/', headers: { 'x-key': 'x' }, auth: { type: 'api-key', header: 'X-Key', value: 'v' } }).field).toBe('headers.X-Key');
    expect(invalid({ url: 'ws://h/', headers: { Origin: 'o' }, origin: 'https://o' }).field).toBe('headers.Origin');
    expect(invalid({ url: 'ws://h/', auth: { type: 'basic', username: 'a:b', password: '' } }).field).toBe('auth.username');
  });

  it('refuses headers the handshake owns, duplicates, bad names and CR/LF values', () => {
    expect(invalid({ url: 'ws://h/', headers: { 'Sec-WebSocket-Protocol': 'x' } }).message).toContain('set subprotocols instead');
    expect(invalid({ url: 'ws://h/', headers: { Upgrade: 'x' } }).field).toBe('headers.Upgrade');
    expect(invalid({ url: 'ws://h/', headers: { 'X-A': '1', 'x-a': '2' } }).message).toContain('given twice');
    expect(invalid({ url: 'ws://h/', headers: { 'bad name': '1' } }).field).toBe('headers.bad name');
    expect(invalid({ url: 'ws://h/', headers: { 'X-A': 'a\r\nInjected: 1' } }).message).toContain('CR, LF');
  });

  it('refuses bad URLs, subprotocols and limits, naming the option', () => {
    expect(invalid({ url: 'http://h/' }).field).toBe('url');
    expect(invalid({ url: 'nope' }).field).toBe('url');
    expect(invalid({ url: 'ws://h/#frag' }).field).toBe('url');
    expect(invalid({ url: 'ws://u:p@h/' }).message).toContain('use auth');
    expect(invalid({ url: 'ws://h/', subprotocols: ['a', 'a'] }).field).toBe('subprotocols.1');
    expect(invalid({ url: 'ws://h/', subprotocols: ['a b'] }).field).toBe('subprotocols.0');
    expect(invalid({ url: 'ws://h/', handshakeTimeoutMs: 0 }).field).toBe('handshakeTimeoutMs');
    expect(invalid({ url: 'ws://h/', handshakeTimeoutMs: 1.5 }).field).toBe('handshakeTimeoutMs');
    expect(invalid({ url: 'ws://h/', maxPayload: -1 }).field).toBe('maxPayload');
  });

  it('maps TLS options and refuses contradictory ones', () => {
    const r = resolveDialOptions({ url: 'wss://h/', tls: { ca: 'CA', cert: 'C', key: 'K', passphrase: 'P', servername: 's.test', insecure: true } });
    expect(r.tls).toEqual({ ca: 'CA', cert: 'C', key: 'K', passphrase: 'P', servername: 's.test', rejectUnauthorized: false });
    expect(r.wsOptions).toMatchObject({ ca: 'CA', rejectUnauthorized: false });
    expect(resolveDialOptions({ url: 'wss://h/', tls: {} }).tls).toEqual({ rejectUnauthorized: true });
    expect(invalid({ url: 'ws://h/', tls: { ca: 'CA' } }).field).toBe('tls');
    expect(invalid({ url: 'wss://h/', tls: { key: 'K' } }).field).toBe('tls.cert');
    expect(invalid({ url: 'wss://h/', tls: { cert: 'C' } }).field).toBe('tls.key');
    expect(invalid({ url: 'wss://h/', tls: { passphrase: 'P' } }).field).toBe('tls.passphrase');
  });

  it('accepts http:// CONNECT proxies only, with Basic proxy auth', () => {
    const r = resolveDialOptions({ url: 'ws://h/', proxy: { url: 'http://p.test:3128', username: 'u', password: 'p' } });
    expect(r.proxy?.url.host).toBe('p.test:3128');
    expect(r.proxy?.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(resolveDialOptions({ url: 'ws://h/', proxy: { url: 'http://p.test' } }).proxy?.authorization).toBeNull();
    expect(invalid({ url: 'ws://h/', proxy: { url: 'https://p.test' } }).field).toBe('proxy.url');
    expect(invalid({ url: 'ws://h/', proxy: { url: 'http://u:p@p.test' } }).field).toBe('proxy.url');
    expect(invalid({ url: 'ws://h/', proxy: { url: 'http://p.test', password: 'p' } }).field).toBe('proxy.password');
  });
});

describe('classifyDialFailure', () => {
  const ctx = { target: 'h.test:443', upgraded: false, viaProxy: false };
  const err = (code: string, message = code) => Object.assign(new Error(message), { code });

  it('maps Node and OpenSSL codes to one stable code each', () => {
    expect(classifyDialFailure(err('ENOTFOUND'), ctx)).toMatchObject({ code: 'DIAL_DNS', stage: 'connect', underlyingCode: 'ENOTFOUND' });
    expect(classifyDialFailure(err('EAI_AGAIN'), ctx).code).toBe('DIAL_DNS');
    expect(classifyDialFailure(err('ECONNREFUSED'), { ...ctx, viaProxy: true })).toMatchObject({ code: 'DIAL_REFUSED', stage: 'proxy' });
    for (const c of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO']) {
      expect(classifyDialFailure(err(c), ctx)).toMatchObject({ code: 'DIAL_TLS', stage: 'tls', underlyingCode: c });
    }
    expect(classifyDialFailure(err('ECONNRESET', 'socket hang up'), ctx).message).toContain('closed before the handshake was answered');
    expect(classifyDialFailure(err('EHOSTUNREACH'), ctx).code).toBe('DIAL_NETWORK');
    expect(classifyDialFailure(new Error('Invalid Sec-WebSocket-Accept header'), { ...ctx, upgraded: true }).code).toBe('DIAL_HANDSHAKE_INVALID');
    const already = new DialError('DIAL_PROXY_REFUSED', 'x', { stage: 'proxy' });
    expect(classifyDialFailure(already, ctx)).toBe(already);
  });

  it('every code is documented in docs/codes.md', () => {
    const doc = readFileSync(new URL('../../../../docs/codes.md', import.meta.url), 'utf8');
    expect(Object.values(DialErrorCode).filter((c) => !doc.includes(`\`${c}\``))).toEqual([]);
  });
});
