import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../../protocol/close-codes';
import { ErrorCode } from '../../../protocol/errors';
import { channel, RawClient, startTestServer, type TestServer } from './helpers';

const HS_SECRET = 'a-very-secret-shared-key-0123456789';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

async function hsToken(claims: { iss?: string; aud?: string }, secret = HS_SECRET): Promise<string> {
  let j = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m');
  if (claims.iss) j = j.setIssuer(claims.iss);
  if (claims.aud) j = j.setAudience(claims.aud);
  return j.sign(new TextEncoder().encode(secret));
}
async function rsToken(claims: { iss?: string; aud?: string }): Promise<string> {
  let j = new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuedAt().setExpirationTime('5m');
  if (claims.iss) j = j.setIssuer(claims.iss);
  if (claims.aud) j = j.setAudience(claims.aud);
  return j.sign(await importPKCS8(privateKey, 'RS256'));
}

/** Resolves 'welcome' or the close code. */
async function attempt(url: string, creds: Record<string, unknown>): Promise<'welcome' | number> {
  const c = new RawClient(url);
  await c.opened;
  c.send({ type: 'hello', clientId: 'sec', ...creds });
  const r = await Promise.race([c.next('welcome').then(() => 'welcome' as const), c.closed.then((x) => x.code)]);
  c.close();
  return r;
}

describe('security definitions', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      security: [
        { name: 'basic', type: 'basic', username: 'alice', password: 'correct horse' },
        { name: 'key', type: 'apikey', key: 'k-0123456789abcdef' },
        { name: 'hs', type: 'jwt', algorithm: 'HS256', secret: HS_SECRET, issuer: 'sb-tests', audience: 'switchboard' },
        { name: 'rs', type: 'jwt', algorithm: 'RS256', publicKey, issuer: 'sb-tests', audience: 'switchboard' },
      ],
      channels: [channel('basic', { security: 'basic' }), channel('key', { security: 'key' }), channel('hs', { security: 'hs' }), channel('rs', { security: 'rs' })],
    });
  });
  afterAll(() => t.stop());

  it('basic: accepts the right password, rejects a wrong one or user with 4003', async () => {
    const url = t.server.channelUrl('basic');
    expect(await attempt(url, { username: 'alice', password: 'correct horse' })).toBe('welcome');
    expect(await attempt(url, { username: 'alice', password: 'wrong' })).toBe(CloseCode.AuthFailed);
    expect(await attempt(url, { username: 'bob', password: 'correct horse' })).toBe(CloseCode.AuthFailed);
    expect(await attempt(url, {})).toBe(CloseCode.AuthFailed);
  });

  it('apikey: accepts the key, rejects another', async () => {
    const url = t.server.channelUrl('key');
    expect(await attempt(url, { apiKey: 'k-0123456789abcdef' })).toBe('welcome');
    expect(await attempt(url, { apiKey: 'k-0123456789abcdeX' })).toBe(CloseCode.AuthFailed);
  });

  it('jwt HS256: checks signature, issuer and audience', async () => {
    const url = t.server.channelUrl('hs');
    expect(await attempt(url, { token: await hsToken({ iss: 'sb-tests', aud: 'switchboard' }) })).toBe('welcome');
    expect(await attempt(url, { token: await hsToken({ iss: 'other', aud: 'switchboard' }) })).toBe(CloseCode.AuthFailed);
    expect(await attempt(url, { token: await hsToken({ iss: 'sb-tests', aud: 'other' }) })).toBe(CloseCode.AuthFailed);
    expect(await attempt(url, { token: await hsToken({ iss: 'sb-tests', aud: 'switchboard' }, 'another-secret-of-enough-length') })).toBe(CloseCode.AuthFailed);
  });

  it('jwt RS256: checks signature, issuer and audience', async () => {
    const url = t.server.channelUrl('rs');
    expect(await attempt(url, { token: await rsToken({ iss: 'sb-tests', aud: 'switchboard' }) })).toBe('welcome');
    expect(await attempt(url, { token: await rsToken({ iss: 'evil', aud: 'switchboard' }) })).toBe(CloseCode.AuthFailed);
    expect(await attempt(url, { token: await rsToken({ iss: 'sb-tests', aud: 'nope' }) })).toBe(CloseCode.AuthFailed);
    expect(await attempt(url, { token: await hsToken({ iss: 'sb-tests', aud: 'switchboard' }) })).toBe(CloseCode.AuthFailed);
  });

  it('never returns secrets and reports usedBy', async () => {
    const all = (await t.server.security.list());
    const text = JSON.stringify(all);
    expect(text).not.toContain('correct horse');
    expect(text).not.toContain('k-0123456789abcdef');
    expect(text).not.toContain(HS_SECRET);
    expect(text).not.toContain('BEGIN PUBLIC KEY');
    expect((await t.server.security.get('basic'))).toMatchObject({ type: 'basic', username: 'alice', hasSecret: true, usedBy: ['basic'] });
    expect((await t.server.security.get('hs'))).toMatchObject({ algorithm: 'HS256', issuer: 'sb-tests', audience: 'switchboard' });
  });

  it('refuses to delete a definition in use, and a password change takes effect at once', async () => {
    await expect(t.server.security.remove('basic')).rejects.toMatchObject({ code: ErrorCode.SecurityInUse });
    await t.server.security.update('basic', { password: 'new password' });
    const url = t.server.channelUrl('basic');
    expect(await attempt(url, { username: 'alice', password: 'correct horse' })).toBe(CloseCode.AuthFailed);
    expect(await attempt(url, { username: 'alice', password: 'new password' })).toBe('welcome');
  });

  it('rejects bad definitions naming the field, and unknown security on a channel', async () => {
    await expect(t.server.security.create({ name: 'x', type: 'jwt', algorithm: 'RS256' })).rejects.toMatchObject({ code: ErrorCode.Validation, field: 'publicKey' });
    await expect(t.server.security.create({ name: 'x', type: 'jwt', algorithm: 'RS256', publicKey: 'not a pem' })).rejects.toMatchObject({ code: ErrorCode.Validation, field: 'publicKey' });
    await expect(t.server.security.update('key', { username: 'zed' })).rejects.toMatchObject({ code: ErrorCode.Validation, field: 'username' });
    await expect(t.server.channels.create({ name: 'c2', address: 'ws://127.0.0.1:0/c2', security: 'missing' })).rejects.toMatchObject({ code: ErrorCode.Validation, field: 'security' });
    await expect(t.server.channels.create({ name: 'c3', address: 'ws://127.0.0.1:0/c3', service: 'missing' })).rejects.toMatchObject({ code: ErrorCode.Validation, field: 'service' });
    expect((await t.server.channels.get('c2'))).toBeUndefined();
    expect((await t.server.security.get('x'))).toBeUndefined();
  });
});
