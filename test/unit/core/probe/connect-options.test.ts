import { describe, expect, it } from 'vitest';
import { ProbeSessionConfigInput } from '../../../../protocol/console/probe';
import { dialOptionsOf, handshakeEntries, redactHeaders, redactUrl } from '../../../../main/core/probe/connect-options';
import { liftUrlSecrets } from '../../../../main/core/probe/session-secrets';
import { stripSecrets } from '../../../../main/core/probe/persist';

const cfg = (extra: Record<string, unknown>) => ProbeSessionConfigInput.parse({ name: 'n', url: 'wss://example.test/ws?x=1', ...extra });

describe('dialOptionsOf', () => {
  it('maps query, headers, auth, origin, limits and subprotocols to plain dialer options', () => {
    const o = dialOptionsOf(cfg({ query: [{ name: 'a', value: 'b c' }], subprotocols: ['p1'], origin: 'https://o.test', auth: { type: 'basic', username: 'u' }, limits: { maxMessageBytes: 1234 } }), { authSecret: 'pw' });
    expect(o).toMatchObject({ url: 'wss://example.test/ws?x=1', query: [['a', 'b c']], subprotocols: ['p1'], origin: 'https://o.test', auth: { type: 'basic', username: 'u', password: 'pw' }, maxPayload: 1234, handshakeTimeoutMs: 10_000, autoPong: false });
    expect(dialOptionsOf(cfg({ auth: { type: 'api-key', header: 'X-Key' } }), { authSecret: 'k' }).auth).toEqual({ type: 'api-key', header: 'X-Key', value: 'k' });
  });

  it('fills secret headers and query values from the store, naming a missing one', () => {
    const c = cfg({ headers: [{ name: 'Cookie', value: 'typed' }, { name: 'X-Plain', value: 'p' }], query: [{ name: 'token', secret: true }] });
    expect(c.headers).toEqual([{ name: 'Cookie', value: 'typed', secret: true }, { name: 'X-Plain', value: 'p', secret: false }]);
    const stored = stripSecrets(c);
    expect(stored.headers).toEqual([{ name: 'Cookie', secret: true }, { name: 'X-Plain', value: 'p', secret: false }]);
    const o = dialOptionsOf(stored, { params: { headers: { cookie: 'sid=1' }, query: { token: 't0k' } } });
    expect(o.headers).toEqual({ Cookie: 'sid=1', 'X-Plain': 'p' });
    expect(o.query).toEqual([['token', 't0k']]);
    expect(() => dialOptionsOf(stored, { params: { headers: {}, query: { token: 't' } } })).toThrow(expect.objectContaining({ info: expect.objectContaining({ field: 'config.headers.0.value' }) }));
  });

  it('maps TLS for wss:// only and names the field of an unreadable file', () => {
    const o = dialOptionsOf(cfg({ tls: { ca: 'CA-PEM', cert: 'C', ignoreCertErrors: true } }), { tlsKey: 'KEY', tlsPassphrase: 'pp' });
    expect(o.tls).toEqual({ ca: 'CA-PEM', cert: 'C', key: 'KEY', passphrase: 'pp', insecure: true });
    expect(dialOptionsOf(cfg({ url: 'ws://plain.test/', tls: { ca: 'CA' } }), {}).tls).toBeUndefined();
    expect(() => dialOptionsOf(cfg({ tls: { caPath: '/nonexistent/ca.pem' } }), {})).toThrow(expect.objectContaining({ info: expect.objectContaining({ field: 'config.tls.caPath' }) }));
  });
});

describe('redaction', () => {
  it('redacts credentials and secret entries in logged headers, keeping the scheme', () => {
    expect(redactHeaders({ Authorization: 'Bearer abc', 'proxy-authorization': 'Basic xyz', 'X-A': ['1', '2'], Cookie: 'sid=1', 'X-Mine': 'v' }, new Set(['x-mine']))).toEqual([
      { name: 'Authorization', value: 'Bearer ••••' },
      { name: 'proxy-authorization', value: 'Basic ••••' },
      { name: 'X-A', value: '1, 2' },
      { name: 'Cookie', value: '••••' },
      { name: 'X-Mine', value: '••••' },
    ]);
  });

  it('redacts secret and credential-like query values in URLs', () => {
    expect(redactUrl('wss://h.test/p?a=1&mine=2&access_token=3', new Set(['mine']))).toBe('wss://h.test/p?a=1&mine=••••&access_token=••••');
    expect(redactUrl('wss://h.test/p?a=1', new Set())).toBe('wss://h.test/p?a=1');
  });

  it('keeps the unredacted request apart from the logged one', () => {
    const c = cfg({ headers: [{ name: 'X-Tenant', value: 't', secret: true }], query: [{ name: 'q', value: 'v', secret: true }] });
    const h = handshakeEntries({ url: 'wss://example.test/ws?x=1&q=v', headers: { 'X-Tenant': 't', Host: 'example.test' }, subprotocols: [] }, c);
    expect(h.logged).toEqual({ url: 'wss://example.test/ws?x=1&q=••••', headers: [{ name: 'X-Tenant', value: '••••' }, { name: 'Host', value: 'example.test' }] });
    expect(h.raw.url).toBe('wss://example.test/ws?x=1&q=v');
    expect(h.raw.headers[0]).toEqual({ name: 'X-Tenant', value: 't' });
  });

  it('lifts credentials typed into the URL into secret query entries', () => {
    const c = liftUrlSecrets(cfg({ url: 'wss://h.test/p?room=1&access_token=abc', query: [{ name: 'x', value: 'y' }] }));
    expect(c.url).toBe('wss://h.test/p?room=1');
    expect(c.query).toEqual([{ name: 'access_token', value: 'abc', secret: true }, { name: 'x', value: 'y', secret: false }]);
  });
});

describe('contract rules for secret entries and pairing presets', () => {
  it('requires a value for plain entries and unique header names', () => {
    const r = ProbeSessionConfigInput.safeParse({ name: 'n', url: 'ws://h/', headers: [{ name: 'X-A' }] });
    expect(!r.success && r.error.issues[0]?.path.join('.')).toBe('headers.0.value');
    const d = ProbeSessionConfigInput.safeParse({ name: 'n', url: 'ws://h/', headers: [{ name: 'X-A', value: '1' }, { name: 'x-a', value: '2' }] });
    expect(!d.success && d.error.issues[0]?.path.join('.')).toBe('headers.1.name');
    const q = ProbeSessionConfigInput.safeParse({ name: 'n', url: 'ws://h/', query: [{ name: 'token', value: '1' }, { name: 'token', value: '2' }] });
    expect(!q.success && q.error.issues[0]?.message).toContain('unique name');
  });

  it('names presets and keeps old saved paths meaning what they meant', () => {
    expect(cfg({}).correlation).toEqual({ enabled: true, preset: 'switchboard', requestPath: 'id', replyPath: 'inReplyTo' });
    expect(cfg({ correlation: { preset: 'jsonrpc' } }).correlation).toEqual({ enabled: true, preset: 'jsonrpc', requestPath: 'id', replyPath: 'id' });
    expect(cfg({ correlation: { requestPath: 'meta.id', replyPath: 'meta.re' } }).correlation).toMatchObject({ preset: 'custom', requestPath: 'meta.id' });
    expect(cfg({ correlation: { requestPath: 'id', replyPath: 'inReplyTo' } }).correlation.preset).toBe('switchboard');
    const bad = ProbeSessionConfigInput.safeParse({ name: 'n', url: 'ws://h/', correlation: { preset: 'jsonrpc', replyPath: 'inReplyTo' } });
    expect(!bad.success && bad.error.issues[0]?.path.join('.')).toBe('correlation.replyPath');
  });
});
