import { request } from 'node:http';
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf, OPERATOR, startHarness, VIEWER, type Harness } from './helpers';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A GET from a chosen loopback source address (fetch cannot pick one). */
function getFrom(base: string, path: string, token: string, localAddress: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/admin/v1${path}`, { localAddress, headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? (JSON.parse(text) as unknown) : undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('admin API abuse', () => {
  it('answers 429 to an address past its 401 limit, before looking at its token; other addresses are unaffected; both are counted', async () => {
    h = await startHarness({ authLimits: { maxFailures: 20, windowSeconds: 60, blockSeconds: 60 } });
    const base = h.server.adminUrl!;
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await getFrom(base, '/server', `wrong-token-guess-${i}-xxxxxxxx`, '127.0.0.2')).status);
    expect(statuses).toEqual([...Array<number>(20).fill(401), ...Array<number>(5).fill(429)]);

    const blocked = await getFrom(base, '/server', OPERATOR, '127.0.0.2');
    expect(blocked.status).toBe(429);
    expect(errorOf(blocked.json)).toMatchObject({ code: 'SB_ERR_RATE_LIMITED', message: expect.stringMatching(/retry in \d+ s$/) });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);

    const other = await getFrom(base, '/server', OPERATOR, '127.0.0.1');
    expect(other.status).toBe(200);
    expect((other.json as { auth: unknown }).auth).toMatchObject({ adminUnauthorized: 20, adminRateLimited: 6 });
  });

  it("keeps the audit log within audit.maxRows under a viewer's 5,000 forbidden POSTs, and the database file small", async () => {
    const maxRows = 1000;
    h = await startHarness({}, { audit: { maxRows, maxAgeDays: 30 } });
    const body = { name: 'viewer-made', address: 'ws://127.0.0.1:0/v', pad: 'p'.repeat(4000) };
    const N = 5000;
    for (let i = 0; i < N; i += 50) {
      const wave = await Promise.all(Array.from({ length: 50 }, () => h!.api('POST', '/channels', { token: VIEWER, body })));
      expect(wave.every((r) => r.status === 403)).toBe(true);
    }
    const db = new Database(h.dbFile, { readonly: true, fileMustExist: true });
    try {
      const { n, newest } = db.prepare('SELECT COUNT(*) AS n, MAX(id) AS newest FROM audit').get() as { n: number; newest: number };
      expect(n).toBeLessThanOrEqual(maxRows);
      expect(n).toBeGreaterThanOrEqual(maxRows * 0.9);
      // The newest rows are the ones kept.
      expect(newest).toBeGreaterThanOrEqual(N);
    } finally {
      db.close();
    }
    // 5,000 rows with their bodies were 23 MB; the bounded table stays well under 1 MB of database file.
    expect(statSync(h.dbFile).size).toBeLessThan(1024 * 1024);
    expect((await h.api('GET', '/audit?limit=1')).status).toBe(200);
  }, 120_000);
});
