import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { HERE, RawClient } from './helpers';

const BIN = join(HERE, '../../../bin/switchboard-server.mjs');
const PASSWORD = 'logged-password-must-not-appear';
const WRONG = ['wrong-password-one-xyz', 'wrong-password-two-xyz'];
const API_KEY = 'logged-api-key-must-not-appear';
const HS_SECRET = 'logged-hs-secret-must-not-appear-0123';
const ADMIN_TOKEN = 'admin-operator-token-must-not-appear';
const GUESS = 'admin-token-guess-must-not-appear';

async function hello(url: string, frame: Record<string, unknown>): Promise<'welcome' | number> {
  const c = new RawClient(url);
  await c.opened;
  c.send({ type: 'hello', ...frame });
  const r = await Promise.race([c.next('welcome').then(() => 'welcome' as const), c.closed.then((x) => x.code)]);
  c.close();
  await c.closed;
  return r;
}

describe('server log (pino, stderr)', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('logs hellos and failed logins (once per address per interval) with every credential redacted', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-log-'));
    const cfg = join(dir, 'switchboard.yaml');
    writeFileSync(cfg, stringify({
      name: 'log-test', dataDir: './data', logLevel: 'debug',
      admin: { port: 0, tokens: [{ name: 'ops', token: ADMIN_TOKEN, role: 'operator' }] },
      reverseDns: { enabled: false },
      loginLimits: { maxFailures: 100, logIntervalSeconds: 3600 },
      security: [
        { name: 'staff', type: 'basic', username: 'alice', password: PASSWORD, clientIds: ['*'] },
        { name: 'keys', type: 'apikey', key: API_KEY, clientIds: ['*'] },
        { name: 'sso', type: 'jwt', algorithm: 'HS256', secret: HS_SECRET },
      ],
      channels: [
        { name: 'staff', address: 'ws://127.0.0.1:0/staff', security: 'staff' },
        { name: 'keys', address: 'ws://127.0.0.1:0/keys', security: 'keys' },
        { name: 'sso', address: 'ws://127.0.0.1:0/sso', security: 'sso' },
      ],
    }));
    const child = spawn(process.execPath, [BIN, '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const urls = await new Promise<Record<string, string>>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!out.includes('ready')) return;
        resolve(Object.fromEntries([...out.matchAll(/^(admin|channel (\w+)) (\S+)$/gm)].map((m) => [m[2] ?? 'admin', m[3]!])));
      });
      void exited.then((code) => reject(new Error(`exited early (${code}): ${out}${err}`)));
    });

    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('sso-user').setExpirationTime('5m').sign(new TextEncoder().encode(HS_SECRET));
    expect(await hello(urls.staff!, { clientId: 'a', username: 'alice', password: WRONG[0] })).toBe(4003);
    expect(await hello(urls.staff!, { clientId: 'a', username: 'alice', password: WRONG[1] })).toBe(4003);
    expect(await hello(urls.keys!, { clientId: 'k', apiKey: `${API_KEY}-wrong` })).toBe(4003);
    expect(await hello(urls.staff!, { clientId: 'a', username: 'alice', password: PASSWORD })).toBe('welcome');
    expect(await hello(urls.keys!, { clientId: 'k', apiKey: API_KEY })).toBe('welcome');
    expect(await hello(urls.sso!, { clientId: 'sso-user', token: jwt })).toBe('welcome');
    expect((await fetch(`${urls.admin!}/server`, { headers: { authorization: `Bearer ${GUESS}` } })).status).toBe(401);
    expect((await fetch(`${urls.admin!}/server`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = err.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // Something was logged about each hello and each failure, so the checks below have something to check.
    const hellos = lines.filter((l) => l.msg === 'hello');
    expect(hellos).toHaveLength(6);
    expect(hellos.every((l) => typeof l.at === 'string' && l.level === 'debug' && l.scope === 'server')).toBe(true);
    expect(hellos.map((l) => (l.hello as Record<string, unknown>).password ?? (l.hello as Record<string, unknown>).apiKey ?? (l.hello as Record<string, unknown>).token)).toEqual(Array<string>(6).fill('[redacted]'));
    // Three failed logins from 127.0.0.1 within the log interval: one line, the others counted in the next.
    expect(lines.filter((l) => l.msg === 'failed login')).toEqual([expect.objectContaining({ level: 'warn', scope: 'server.login', address: '127.0.0.1', channel: 'staff', clientId: 'a', failure: 'credentials', notLoggedSinceLast: 0 })]);
    expect(lines.filter((l) => l.msg === 'admin request with an unknown or missing token')).toEqual([expect.objectContaining({ address: '127.0.0.1', path: '/admin/v1/server' })]);
    for (const s of [PASSWORD, ...WRONG, API_KEY, HS_SECRET, jwt, ADMIN_TOKEN, GUESS]) expect(err, s).not.toContain(s);
  }, 60_000);
});
