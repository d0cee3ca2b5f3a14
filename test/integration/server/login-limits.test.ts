import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../../protocol/close-codes';
import { channel, RawClient, startTestServer, type TestServer } from './helpers';

const GOOD = { username: 'alice', password: 'correct horse battery' };

/** One hello from `localAddress`: 'welcome' or the close, and how long it took from the hello. */
async function login(url: string, clientId: string, creds: Record<string, unknown>, localAddress = '127.0.0.1'): Promise<{ result: 'welcome' | { code: number; reason: string }; ms: number }> {
  const c = new RawClient(url, { localAddress });
  await c.opened;
  const t0 = performance.now();
  c.send({ type: 'hello', clientId, ...creds });
  const result = await Promise.race([c.next('welcome').then(() => 'welcome' as const), c.closed]);
  const ms = performance.now() - t0;
  c.close();
  await c.closed;
  return { result, ms };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('failed-login limits per address (loginLimits)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      security: [{ name: 'staff', type: 'basic', username: GOOD.username, password: GOOD.password, clientIds: ['*'] }],
      channels: [channel('staff', { security: 'staff' })],
      loginLimits: { maxFailures: 10, windowSeconds: 60, blockSeconds: 300 },
    });
  });
  afterAll(() => t.stop());

  it('600 wrong passwords from 127.0.0.2 are refused before scrypt after the 10th, and an honest login from 127.0.0.1 stays fast', async () => {
    const url = t.server.channelUrl('staff');
    const baseline = median([
      (await login(url, 'honest-0', GOOD)).ms,
      (await login(url, 'honest-1', GOOD)).ms,
      (await login(url, 'honest-2', GOOD)).ms,
    ]);
    const before = (await t.server.info()).auth!;

    // The attack: 600 wrong passwords, 50 in flight at a time, with an honest login in the middle.
    const codes = new Map<number, number>();
    let honestDuring: number | null = null;
    for (let wave = 0; wave < 12; wave++) {
      const attempts = Array.from({ length: 50 }, (_, i) => login(url, `guess-${wave}-${i}`, { username: 'alice', password: `guess ${wave}/${i}` }, '127.0.0.2'));
      if (wave === 6) {
        const honest = await login(url, 'honest-during', GOOD);
        expect(honest.result).toBe('welcome');
        honestDuring = honest.ms;
      }
      for (const r of await Promise.all(attempts)) {
        const code = r.result === 'welcome' ? 0 : r.result.code;
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }

    const after = (await t.server.info()).auth!;
    // Exactly ten guesses reached the password check; the other 590 were refused unchecked.
    expect(after.failedLogins - before.failedLogins).toBe(10);
    expect(after.loginsRateLimited - before.loginsRateLimited).toBe(590);
    expect(Object.fromEntries(codes)).toEqual({ [CloseCode.AuthFailed]: 10, [CloseCode.LoginRateLimited]: 590 });
    // The honest login did not queue behind 600 scrypt runs (the issue: 103 ms → 4.3 s, ×40).
    expect(honestDuring!).toBeLessThan(10 * Math.max(baseline, 20));

    // The blocked address is refused even with the right password, with a reason saying when to retry.
    const blocked = await login(url, 'alice-late', GOOD, '127.0.0.2');
    expect(blocked.result).toMatchObject({ code: CloseCode.LoginRateLimited, reason: expect.stringMatching(/^too many failed logins from this address; retry in \d+ s$/) });
    expect((await login(url, 'alice-other', GOOD)).result).toBe('welcome');
  });

  it('successes cost nothing: many honest logins from one address are never limited', async () => {
    const url = t.server.channelUrl('staff');
    for (let i = 0; i < 15; i++) expect((await login(url, `many-${i}`, GOOD, '127.0.0.3')).result).toBe('welcome');
  });
});
