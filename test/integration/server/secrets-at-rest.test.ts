import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../main/embedded/sandbox';
import { openDatabase } from '../../../server/store/sqlite/db';
import { channel, RawClient, startTestServer } from './helpers';

const HS_SECRET = 'hs256-shared-secret-that-must-not-leak-0001';
const PASSWORD = 'basic-password-that-must-not-leak';
const API_KEY = 'api-key-that-must-not-leak-0001';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  delete process.env.SB_TEST_SECRETS_KEY;
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sb-secrets-'));
  dirs.push(d);
  return d;
};

const mode = (file: string): number => statSync(file).mode & 0o777;
/** Every byte SQLite keeps: the database, its WAL and shared-memory index. */
const storeBytes = (dir: string): Buffer => Buffer.concat(['switchboard.db', 'switchboard.db-wal', 'switchboard.db-shm'].map((f) => join(dir, f)).filter(existsSync).map((f) => readFileSync(f)));

const token = (sub: string, secret = HS_SECRET) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('5m').sign(new TextEncoder().encode(secret));

async function loginWithToken(url: string, sub: string): Promise<'welcome' | number> {
  const c = new RawClient(url);
  await c.opened;
  c.send({ type: 'hello', clientId: sub, token: await token(sub) });
  const r = await Promise.race([c.next('welcome').then(() => 'welcome' as const), c.closed.then((x) => x.code)]);
  c.close();
  await c.closed;
  return r;
}

const SECURITY = [
  { name: 'hs', type: 'jwt' as const, algorithm: 'HS256' as const, secret: HS_SECRET },
  { name: 'basic', type: 'basic' as const, username: 'u', password: PASSWORD, clientIds: ['*'] },
  { name: 'key', type: 'apikey' as const, key: API_KEY, clientIds: ['*'] },
];

describe('secrets at rest', () => {
  it('creates the database, its WAL and the key file 0600, and stores no secret in plaintext', async () => {
    const dir = tempDir();
    const t = await startTestServer({ security: SECURITY, channels: [channel('hs', { security: 'hs' })] }, dir);
    // A PATCH of the secret too: the new one is sealed, the old one is not left in clear.
    await t.server.security.update('hs', { secret: `${HS_SECRET}-rotated` });
    await t.server.security.update('hs', { secret: HS_SECRET });
    expect(await loginWithToken(t.server.channelUrl('hs'), 'alice')).toBe('welcome');
    for (const f of ['switchboard.db', 'switchboard.db-wal', 'switchboard.db-shm', 'secrets.key']) expect(mode(join(dir, f)), f).toBe(0o600);
    await t.server.close();

    const bytes = storeBytes(dir);
    expect(bytes.length).toBeGreaterThan(4096);
    for (const s of [HS_SECRET, PASSWORD, API_KEY]) {
      expect(bytes.includes(Buffer.from(s)), s).toBe(false);
      expect(bytes.includes(Buffer.from(s.slice(0, 16))), `a prefix of ${s}`).toBe(false);
    }
    // The sealed form is what is there.
    expect(bytes.includes(Buffer.from('sbenc:v1:'))).toBe(true);

    // Restart on the same files: the key file is reused and the sealed secret opens.
    const again = await startTestServer({}, dir);
    try {
      expect(await loginWithToken(again.server.channelUrl('hs'), 'bob')).toBe('welcome');
    } finally {
      await again.stop();
    }
  });

  it('seals a plaintext secret an older version stored, leaving no copy in the file', async () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'switchboard.db'));
    const now = new Date().toISOString();
    db.prepare('INSERT INTO security_defs(name, type, public, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run('legacy', 'jwt', JSON.stringify({ algorithm: 'HS256' }), JSON.stringify({ secret: HS_SECRET }), now, now);
    db.prepare('INSERT INTO channels(name, config, created_at, updated_at) VALUES (?, ?, ?, ?)').run('legacy', JSON.stringify({ name: 'legacy', address: 'ws://127.0.0.1:0/legacy', active: true, service: 'echo', security: 'legacy', newTokenWaitTime: 5, tokenTtl: 3600, pingInterval: 30, pingsMissedThreshold: 2, maxMessageBytes: 1048576, allowSubscribe: ['*'], allowPublish: ['*'] }), now, now);
    db.prepare("INSERT INTO meta(key, value) VALUES ('config.seededAt', ?)").run(now);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    expect(storeBytes(dir).includes(Buffer.from(HS_SECRET))).toBe(true);

    const t = await startTestServer({}, dir);
    try {
      // Stored before claim rules: kept working (any client ID, no claim) and shown as such.
      expect(await t.server.security.get('legacy')).toMatchObject({ clientIds: ['*'], clientIdClaim: null });
      expect(await t.server.channels.get('legacy')).toMatchObject({ duplicateLogin: 'reject' });
      expect(await loginWithToken(t.server.channelUrl('legacy'), 'whoever')).toBe('welcome');
      expect(storeBytes(dir).includes(Buffer.from(HS_SECRET))).toBe(false);
    } finally {
      await t.server.close();
    }
    expect(storeBytes(dir).includes(Buffer.from(HS_SECRET))).toBe(false);
  });

  it('rotates keys: new key + previous opens and reseals; the old key alone then fails to start, naming the definition', async () => {
    const dir = tempDir();
    const k1 = join(dir, 'k1.key');
    const k2 = join(dir, 'k2.key');
    writeFileSync(k1, randomBytes(32).toString('hex'), { mode: 0o600 });
    writeFileSync(k2, randomBytes(32).toString('base64'), { mode: 0o600 });
    const first = await startTestServer({ secretsKey: { file: k1 }, security: [SECURITY[0]!], channels: [channel('hs', { security: 'hs' })] }, dir);
    await first.server.close();
    expect(existsSync(join(dir, 'secrets.key'))).toBe(false);

    const rotating = await startTestServer({ secretsKey: { file: k2, previous: [{ file: k1 }] } }, dir);
    expect(await loginWithToken(rotating.server.channelUrl('hs'), 'carol')).toBe('welcome');
    await rotating.server.close();

    const rotated = await startTestServer({ secretsKey: { file: k2 } }, dir);
    expect(await loginWithToken(rotated.server.channelUrl('hs'), 'dave')).toBe('welcome');
    await rotated.server.close();

    await expect(startTestServer({ secretsKey: { file: k1 } }, dir)).rejects.toThrow(/security definition "hs": sealed with key [0-9a-f]{12}, which is not configured/);
    process.env.SB_TEST_SECRETS_KEY = readFileSync(k2, 'utf8');
    const fromEnv = await startTestServer({ secretsKey: { env: 'SB_TEST_SECRETS_KEY' } }, dir);
    expect(await loginWithToken(fromEnv.server.channelUrl('hs'), 'erin')).toBe('welcome');
    await fromEnv.server.close();
  });

  it('refuses to start when the configured key is missing or malformed (fails closed)', async () => {
    const dir = tempDir();
    await expect(startTestServer({ secretsKey: { file: join(dir, 'nope.key') } }, dir)).rejects.toThrow(/secretsKey: cannot read .*nope\.key \(ENOENT\)/);
    await expect(startTestServer({ secretsKey: { env: 'SB_TEST_SECRETS_KEY' } }, dir)).rejects.toThrow(/environment variable SB_TEST_SECRETS_KEY is not set/);
    writeFileSync(join(dir, 'short.key'), 'abc');
    await expect(startTestServer({ secretsKey: { file: join(dir, 'short.key') } }, dir)).rejects.toThrow(/32 bytes/);
  });

  it("the console's sandbox keeps its database 0600 too", async () => {
    const dir = tempDir();
    const sandbox = await startSandbox({ dataDir: dir, clients: 0 });
    try {
      const db = join(dir, 'sandbox-server', 'switchboard.db');
      expect(mode(db)).toBe(0o600);
      expect(mode(join(dir, 'sandbox-server', 'secrets.key'))).toBe(0o600);
      expect(mode(join(dir, 'sandbox-server'))).toBe(0o700);
    } finally {
      await sandbox.close();
    }
  });
});
