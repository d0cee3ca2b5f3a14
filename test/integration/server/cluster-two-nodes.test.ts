import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionInfo, ConnectionListQuery } from '../../../protocol/admin-connections';
import { startServer, type RunningServer } from '../../../server/runtime';
import { CloseCode } from '../../../protocol/close-codes';
import { connectAndLogin, RawClient } from './helpers';

/**
 * The cluster registry's paging and filters against the shared Redis (own namespace), with two
 * nodes in this process: the whole cluster's rows through either node, in one order, one cursor.
 */
const REDIS = 'redis://127.0.0.1:6379';
const namespace = `test-${randomBytes(6).toString('hex')}`;
let dir: string;
const servers: RunningServer[] = [];
const clients: RawClient[] = [];

async function node(id: string): Promise<RunningServer> {
  const s = await startServer({
    name: id, mode: 'cluster', dataDir: join(dir, id), logLevel: 'silent', reverseDns: { enabled: false },
    admin: { enabled: false }, secretsKey: { file: join(dir, 'secrets.key') },
    cluster: { redis: { url: REDIS, namespace }, nodeId: id, heartbeatMs: 200, nodeTtlMs: 1000, registryFlushMs: 10 },
    channels: [{ name: 'red', address: 'ws://127.0.0.1:0/red' }, { name: 'blue', address: 'ws://127.0.0.1:0/blue' }, { name: 'swap', address: 'ws://127.0.0.1:0/swap', duplicateLogin: 'replace' }, { name: 'staff', address: 'ws://127.0.0.1:0/staff', security: 'staff' }],
    security: [{ name: 'staff', type: 'basic', username: 'alice', password: 'correct horse battery', clientIds: ['*'] }],
    loginLimits: { maxFailures: 3, windowSeconds: 60, blockSeconds: 60 },
  });
  servers.push(s);
  return s;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-cluster-reg-'));
  writeFileSync(join(dir, 'secrets.key'), randomBytes(32).toString('hex'), { mode: 0o600 });
  const a = await node('n1');
  const b = await node('n2');
  // 30 clients split over both nodes and both channels; client IDs chosen to interleave across nodes.
  for (let i = 0; i < 30; i++) {
    const s = i % 2 === 0 ? a : b;
    clients.push(await connectAndLogin(s.channelUrl(i % 3 === 0 ? 'blue' : 'red'), `dev-${String(i).padStart(2, '0')}`));
  }
  clients.push(await connectAndLogin(a.channelUrl('red'), 'other'));
});

afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await Promise.all(servers.map((s) => s.close()));
  const r = new Redis(REDIS);
  const keys = await r.keys(`{${namespace}}:*`);
  if (keys.length > 0) await r.del(...keys);
  r.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function pageAll(s: RunningServer, q: Omit<ConnectionListQuery, 'limit' | 'cursor'>, limit: number): Promise<{ rows: ConnectionInfo[]; totals: number[] }> {
  const rows: ConnectionInfo[] = [];
  const totals: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await s.connections.list({ ...q, limit, ...(cursor ? { cursor } : {}) });
    rows.push(...page.items);
    totals.push(page.total);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { rows, totals };
}

/** One wrong-password hello from 127.0.0.9: how the socket ended. */
async function wrongLogin(url: string, i: number): Promise<number> {
  const c = new RawClient(url, { localAddress: '127.0.0.9' });
  await c.opened;
  c.send({ type: 'hello', clientId: `guess-${i}`, username: 'alice', password: `guess ${i}` });
  return (await c.closed).code;
}

describe('cluster registry (two nodes, shared Redis)', () => {
  it('does not start a node whose Redis cannot be reached, and says why', async () => {
    const t0 = performance.now();
    await expect(startServer({
      mode: 'cluster', dataDir: join(dir, 'never'), logLevel: 'silent', admin: { enabled: false }, secretsKey: { file: join(dir, 'secrets.key') },
      cluster: { redis: { url: 'redis://127.0.0.1:1', namespace } },
    })).rejects.toMatchObject({ code: 'SB_ERR_CLUSTER_UNAVAILABLE', field: 'cluster.redis.url' });
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('counts failed logins of one address over all nodes (limits in Redis)', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const codes = [await wrongLogin(a.channelUrl('staff'), 1), await wrongLogin(a.channelUrl('staff'), 2), await wrongLogin(b.channelUrl('staff'), 3)];
    expect(codes.every((c) => c !== CloseCode.LoginRateLimited)).toBe(true);
    // The fourth failure from that address, on the other node, is refused before its password is checked.
    const before = (await b.info()).auth!;
    expect(await wrongLogin(b.channelUrl('staff'), 4)).toBe(CloseCode.LoginRateLimited);
    const after = (await b.info()).auth!;
    expect(after.failedLogins - before.failedLogins).toBe(0);
    expect(after.loginsRateLimited - before.loginsRateLimited).toBe(1);
  });

  it('pages the whole cluster in (clientId, connectionId) order through either node', async () => {
    const want = [...Array.from({ length: 30 }, (_, i) => `dev-${String(i).padStart(2, '0')}`), 'other'];
    for (const s of servers) {
      let all = await pageAll(s, {}, 7);
      // Rows of the rate-limit test's closed sockets leave with the owner's next flush.
      for (let tries = 0; (all.rows.length !== 31 || all.totals.some((t) => t !== 31)) && tries < 200; tries++) {
        await new Promise((r) => setTimeout(r, 10));
        all = await pageAll(s, {}, 7);
      }
      expect(all.rows.map((r) => r.clientId)).toEqual(want);
      expect(new Set(all.totals)).toEqual(new Set([31]));
      expect(new Set(all.rows.map((r) => r.node))).toEqual(new Set(['n1', 'n2']));
    }
  });

  it('filters by exact client ID, prefix, channel and substring, with totals over all pages', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    expect((await a.connections.list({ clientId: 'dev-07', limit: 10 })).items.map((r) => `${r.clientId}@${r.node}`)).toEqual(['dev-07@n2']);
    const prefix = await pageAll(b, { clientId: 'dev-1*' }, 4);
    expect(prefix.rows.map((r) => r.clientId)).toEqual(Array.from({ length: 10 }, (_, i) => `dev-1${i}`));
    expect(prefix.totals.every((t) => t === 10)).toBe(true);
    const blue = await pageAll(a, { channel: 'blue' }, 3);
    expect(blue.rows.map((r) => r.clientId)).toEqual(Array.from({ length: 10 }, (_, i) => `dev-${String(i * 3).padStart(2, '0')}`));
    expect(blue.totals.every((t) => t === 10)).toBe(true);
    const q = await pageAll(b, { q: 'OTH' }, 5);
    expect(q.rows.map((r) => r.clientId)).toEqual(['other']);
    await expect(a.connections.list({ cursor: 'nope', limit: 5 })).rejects.toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'cursor' });
  });

  it('holds the duplicate-login policy across nodes: reject refuses a second login elsewhere, replace closes the first', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const first = await connectAndLogin(a.channelUrl('red'), 'dup-1');
    for (let tries = 0; (await b.connections.list({ clientId: 'dup-1', limit: 1 })).total === 0 && tries < 100; tries++) await new Promise((r) => setTimeout(r, 10));
    const second = new RawClient(b.channelUrl('red'));
    await second.opened;
    second.send({ type: 'hello', clientId: 'dup-1' });
    expect(await second.closed).toMatchObject({ code: CloseCode.DuplicateLogin });

    const old = await connectAndLogin(a.channelUrl('swap'), 'dup-2');
    for (let tries = 0; (await b.connections.list({ clientId: 'dup-2', limit: 1 })).total === 0 && tries < 100; tries++) await new Promise((r) => setTimeout(r, 10));
    const newer = await connectAndLogin(b.channelUrl('swap'), 'dup-2');
    expect(await old.closed).toMatchObject({ code: CloseCode.Replaced });
    first.ws.close(1000);
    newer.ws.close(1000);
    await Promise.all([first.closed, newer.closed]);
    for (let tries = 0; (await a.connections.list({ clientId: 'dup-*', limit: 1 })).total > 0 && tries < 100; tries++) await new Promise((r) => setTimeout(r, 10));
  });

  it('converges when two nodes change one channel at the same moment (the last row written wins everywhere)', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    for (let round = 0; round < 5; round++) {
      await Promise.all([a.channels.update('red', { pingInterval: 10 + round }), b.channels.update('red', { pingInterval: 50 + round })]);
      let same = false;
      for (let tries = 0; !same && tries < 200; tries++) {
        await new Promise((r) => setTimeout(r, 10));
        const [x, y] = await Promise.all([a.channels.get('red'), b.channels.get('red')]);
        same = x?.pingInterval === y?.pingInterval;
      }
      expect(same).toBe(true);
      expect([10 + round, 50 + round]).toContain((await a.channels.get('red'))?.pingInterval);
    }
  });

  it('removes a closed connection from every node\'s view, and a graceful stop removes a node\'s rows at once', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    clients.pop()!.ws.close(1000);
    let total = 31;
    for (let tries = 0; total !== 30 && tries < 200; tries++) {
      await new Promise((r) => setTimeout(r, 10));
      total = (await b.connections.list({ limit: 1 })).total;
    }
    expect(total).toBe(30);
    const one = (await a.connections.list({ clientId: 'dev-03', limit: 1 })).items[0]!;
    expect(await b.connections.get(one.connectionId)).toMatchObject({ clientId: 'dev-03', node: 'n2' });
    await b.close();
    servers.pop();
    expect((await a.connections.list({ limit: 100 })).items.every((r) => r.node === 'n1')).toBe(true);
    expect((await a.clusterNodes()).items.map((n) => n.nodeId)).toEqual(['n1']);
  });
});
