import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../../protocol/close-codes';
import { ErrorCode } from '../../../protocol/errors';
import { channel, RawClient, startTestServer, type TestServer } from './helpers';

const HS_SECRET = 'a-very-secret-shared-key-0123456789';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

type Claims = { iss?: string; aud?: string; sub?: string; extra?: Record<string, unknown> };
async function hsToken(claims: Claims, secret = HS_SECRET): Promise<string> {
  let j = new SignJWT(claims.extra ?? {}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m');
  if (claims.iss) j = j.setIssuer(claims.iss);
  if (claims.aud) j = j.setAudience(claims.aud);
  j = j.setSubject(claims.sub ?? 'sec');
  return j.sign(new TextEncoder().encode(secret));
}
async function rsToken(claims: Claims): Promise<string> {
  let j = new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuedAt().setExpirationTime('5m');
  if (claims.iss) j = j.setIssuer(claims.iss);
  if (claims.aud) j = j.setAudience(claims.aud);
  j = j.setSubject(claims.sub ?? 'sec');
  return j.sign(await importPKCS8(privateKey, 'RS256'));
}

/** Resolves 'welcome' or the close code and reason. */
async function attemptAs(url: string, clientId: string, creds: Record<string, unknown>): Promise<'welcome' | { code: number; reason: string }> {
  const c = new RawClient(url);
  await c.opened;
  c.send({ type: 'hello', clientId, ...creds });
  const r = await Promise.race([c.next('welcome').then(() => 'welcome' as const), c.closed]);
  c.close();
  await c.closed;
  return r;
}
async function attempt(url: string, creds: Record<string, unknown>): Promise<'welcome' | number> {
  const r = await attemptAs(url, 'sec', creds);
  return r === 'welcome' ? r : r.code;
}

describe('security definitions', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      security: [
        { name: 'basic', type: 'basic', username: 'alice', password: 'correct horse', clientIds: ['*'] },
        { name: 'key', type: 'apikey', key: 'k-0123456789abcdef', clientIds: ['*'] },
        { name: 'hs', type: 'jwt', algorithm: 'HS256', secret: HS_SECRET, issuer: 'sb-tests', audience: 'switchboard' },
        { name: 'rs', type: 'jwt', algorithm: 'RS256', publicKey, issuer: 'sb-tests', audience: 'switchboard' },
        { name: 'tills', type: 'apikey', key: 'k-tills-0123456789', clientIds: ['till-*', 'kiosk'] },
        { name: 'staff', type: 'basic', username: 'bob', password: 'bob password', clientIds: ['bob-*'] },
        { name: 'cid', type: 'jwt', algorithm: 'HS256', secret: HS_SECRET, clientIdClaim: 'client_id', clientIds: ['app-*'] },
        { name: 'open-jwt', type: 'jwt', algorithm: 'HS256', secret: HS_SECRET, clientIdClaim: null, clientIds: ['svc-*'] },
      ],
      loginLimits: { maxFailures: 1000 },
      channels: [
        channel('basic', { security: 'basic' }), channel('key', { security: 'key' }), channel('hs', { security: 'hs' }), channel('rs', { security: 'rs' }),
        channel('tills', { security: 'tills' }), channel('staff', { security: 'staff' }), channel('cid', { security: 'cid' }), channel('open-jwt', { security: 'open-jwt' }),
      ],
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
    expect(await attempt(url, { token: await rsToken({ iss: 'sb-tests', aud: 'switchboard', sub: 'other' }) })).toBe(CloseCode.AuthFailed);
    expect(await attempt(url, { token: await rsToken({ iss: 'evil', aud: 'switchboard' }) })).toBe(CloseCode.AuthFailed);
    expect(await attempt(url, { token: await rsToken({ iss: 'sb-tests', aud: 'nope' }) })).toBe(CloseCode.AuthFailed);
    expect(await attempt(url, { token: await hsToken({ iss: 'sb-tests', aud: 'switchboard' }) })).toBe(CloseCode.AuthFailed);
  });

  it('a credential cannot claim a client ID outside its pattern: 4003 naming the rule, no secret in the reason', async () => {
    const tills = t.server.channelUrl('tills');
    expect(await attemptAs(tills, 'till-7', { apiKey: 'k-tills-0123456789' })).toBe('welcome');
    expect(await attemptAs(tills, 'kiosk', { apiKey: 'k-tills-0123456789' })).toBe('welcome');
    const outside = await attemptAs(tills, 'payroll', { apiKey: 'k-tills-0123456789' });
    expect(outside).toEqual({ code: CloseCode.AuthFailed, reason: 'authentication failed: client ID not allowed for these credentials (security clientIds)' });
    // Wrong credentials say nothing about the rule, whatever the client ID.
    expect(await attemptAs(tills, 'payroll', { apiKey: 'k-tills-wrong-56789' })).toEqual({ code: CloseCode.AuthFailed, reason: 'authentication failed' });

    const staff = t.server.channelUrl('staff');
    expect(await attemptAs(staff, 'bob-laptop', { username: 'bob', password: 'bob password' })).toBe('welcome');
    const r = await attemptAs(staff, 'alice-laptop', { username: 'bob', password: 'bob password' });
    expect(r).toMatchObject({ code: CloseCode.AuthFailed, reason: expect.stringContaining('client ID not allowed') });
    expect(JSON.stringify(r)).not.toContain('bob password');
  });

  it('jwt: the client ID must equal the sub claim by default, or the configured claim, and match clientIds', async () => {
    const hs = t.server.channelUrl('hs');
    const good = { iss: 'sb-tests', aud: 'switchboard' };
    expect(await attemptAs(hs, 'user-1', { token: await hsToken({ ...good, sub: 'user-1' }) })).toBe('welcome');
    const stolen = await attemptAs(hs, 'user-2', { token: await hsToken({ ...good, sub: 'user-1' }) });
    expect(stolen).toEqual({ code: CloseCode.AuthFailed, reason: "authentication failed: client ID does not match the token's sub claim" });

    const cid = t.server.channelUrl('cid');
    expect(await attemptAs(cid, 'app-9', { token: await hsToken({ extra: { client_id: 'app-9' } }) })).toBe('welcome');
    expect(await attemptAs(cid, 'app-8', { token: await hsToken({ extra: { client_id: 'app-9' } }) })).toMatchObject({ code: CloseCode.AuthFailed, reason: expect.stringContaining('client_id claim') });
    expect(await attemptAs(cid, 'app-9', { token: await hsToken({}) })).toMatchObject({ code: CloseCode.AuthFailed, reason: expect.stringContaining('client_id claim') });
    expect(await attemptAs(cid, 'web-1', { token: await hsToken({ extra: { client_id: 'web-1' } }) })).toMatchObject({ code: CloseCode.AuthFailed, reason: expect.stringContaining('not allowed') });

    const open = t.server.channelUrl('open-jwt');
    expect(await attemptAs(open, 'svc-a', { token: await hsToken({ sub: 'anything' }) })).toBe('welcome');
    expect(await attemptAs(open, 'user-a', { token: await hsToken({ sub: 'user-a' }) })).toMatchObject({ code: CloseCode.AuthFailed });
  });

  it('shows the claim rules, changes them by PATCH, and refuses a basic or apikey definition without one', async () => {
    expect(await t.server.security.get('tills')).toMatchObject({ clientIds: ['till-*', 'kiosk'] });
    expect(await t.server.security.get('hs')).toMatchObject({ clientIds: ['*'], clientIdClaim: 'sub' });
    expect(await t.server.security.get('open-jwt')).toMatchObject({ clientIdClaim: null });
    await t.server.security.update('tills', { clientIds: ['payroll'] });
    const tills = t.server.channelUrl('tills');
    expect(await attemptAs(tills, 'payroll', { apiKey: 'k-tills-0123456789' })).toBe('welcome');
    expect(await attemptAs(tills, 'till-7', { apiKey: 'k-tills-0123456789' })).toMatchObject({ code: CloseCode.AuthFailed });
    await expect(t.server.security.create({ name: 'nokey', type: 'apikey', key: 'k-0123456789' } as never)).rejects.toMatchObject({ code: ErrorCode.Validation, field: 'clientIds', message: expect.stringContaining('["*"] allows any') });
    await expect(t.server.security.update('tills', { clientIds: [] })).rejects.toMatchObject({ code: ErrorCode.Validation, field: 'clientIds' });
    await expect(t.server.security.update('tills', { clientIdClaim: 'sub' })).rejects.toMatchObject({ code: ErrorCode.Validation, field: 'clientIdClaim' });
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
