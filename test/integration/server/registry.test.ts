import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/errors';
import type { ConnectionInfo, ConnectionListQuery } from '../../../protocol/admin-connections';
import { channel, connectAndLogin, RawClient, startTestServer, type TestServer } from './helpers';

describe('registry', () => {
  let t: TestServer;
  const clients: RawClient[] = [];
  beforeAll(async () => {
    t = await startTestServer({ channels: [channel('one'), channel('two')], trustedProxies: ['127.0.0.1'] });
    const ids = ['alpha-1', 'alpha-2', 'alpha-10', 'beta-1', 'beta-2', 'gamma', 'alpha-11'];
    for (const [i, id] of ids.entries()) clients.push(await connectAndLogin(t.server.channelUrl(i % 2 ? 'two' : 'one'), id, { clientName: `Name ${id.toUpperCase()}` }));
    // One connection still awaiting login, via a "proxy".
    const waiting = new RawClient(t.server.channelUrl('one'), { headers: { 'X-Forwarded-For': '203.0.113.7' } });
    await waiting.opened;
    clients.push(waiting);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.stop();
  });

  const list = (q: Partial<ConnectionListQuery>) => t.server.connections.list({ limit: 100, ...q });
  const ids = (items: ConnectionInfo[]) => items.map((i) => i.clientId);

  it('orders by (clientId, connectionId) with connections awaiting login first', async () => {
    const r = (await list({}));
    expect(r.total).toBe(8);
    expect(ids(r.items)).toEqual([null, 'alpha-1', 'alpha-10', 'alpha-11', 'alpha-2', 'beta-1', 'beta-2', 'gamma']);
  });

  it('filters by exact clientId, clientId prefix, channel and q', async () => {
    expect(ids((await list({ clientId: 'alpha-1' })).items)).toEqual(['alpha-1']);
    expect((await list({ clientId: 'alpha*' }))).toMatchObject({ total: 4 });
    expect(ids((await list({ clientId: 'beta-*' })).items)).toEqual(['beta-1', 'beta-2']);
    expect((await list({ clientId: '*' })).total).toBe(7);
    expect((await list({ clientId: 'zzz*' }))).toEqual({ items: [], total: 0, nextCursor: null });
    expect(ids((await list({ channel: 'two' })).items)).toEqual(['alpha-2', 'beta-1', 'gamma']);
    expect(ids((await list({ q: 'name beta' })).items)).toEqual(['beta-1', 'beta-2']);
    expect((await list({ q: '127.0.0.1' })).total).toBe(8);
    expect(ids((await list({ clientId: 'alpha*', channel: 'one' })).items)).toEqual(['alpha-1', 'alpha-10', 'alpha-11']);
  });

  it('paginates with an opaque cursor, without gaps or repeats', async () => {
    for (const q of [{}, { clientId: 'alpha*' }, { channel: 'one' }]) {
      const all = (await list(q)).items.map((i) => i.connectionId);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = (await list({ ...q, limit: 3, ...(cursor ? { cursor } : {}) }));
        expect(page.total).toBe(all.length);
        seen.push(...page.items.map((i) => i.connectionId));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(all);
    }
    await expect(list({ cursor: 'garbage' })).rejects.toMatchObject({ code: ErrorCode.Validation, field: 'cursor' });
  });

  it('fills every ConnectionInfo field; X-Forwarded-For only from a trusted proxy', async () => {
    const r = (await list({ clientId: 'gamma' })).items[0]!;
    expect(r).toMatchObject({ clientName: 'Name GAMMA', channel: 'two', state: 'logged-in', remoteAddress: '127.0.0.1', localAddress: '127.0.0.1', serverName: 'test-server', pid: process.pid, forwardedFor: null, subscriptions: 0 });
    expect(r.remotePort).toBeGreaterThan(0);
    expect(r.localPort).toBe((await t.server.channels.get('two'))!.boundPort);
    expect(r.msgsIn).toBe(1);
    expect(r.msgsOut).toBe(1);
    expect(r.bytesIn).toBeGreaterThan(10);
    expect(r.loggedInAt).not.toBeNull();
    expect(Date.parse(r.expiresAt!)).toBeGreaterThan(Date.now());
    const waiting = (await list({})).items[0]!;
    expect(waiting).toMatchObject({ clientId: null, state: 'awaiting-login', forwardedFor: '203.0.113.7', expiresAt: null, loggedInAt: null });
  });
});

describe('registry times', () => {
  it('keeps lastSeenAt and expiresAt current (formatted ISO strings are reused only while unchanged)', async () => {
    const t = await startTestServer({ channels: [channel('one', { tokenTtl: 600 })] });
    const c = await connectAndLogin(t.server.channelUrl('one'), 'talker');
    try {
      const get = async () => (await t.server.connections.list({ clientId: 'talker', limit: 1 })).items[0]!;
      const before = (await get());
      expect((await get())).toEqual(before);
      expect(Date.parse(before.expiresAt!) - Date.parse(before.lastSeenAt)).toBe(600_000);
      const seen = Date.parse(before.lastSeenAt);
      while (Date.now() <= seen) {
        // lastSeen has millisecond resolution: let the clock tick before the client talks again.
      }
      c.send({ type: 'request', id: 'r1', data: 1 });
      await c.next('response');
      const after = (await get());
      expect(Date.parse(after.lastSeenAt)).toBeGreaterThan(seen);
      expect(Date.parse(after.expiresAt!) - Date.parse(after.lastSeenAt)).toBe(600_000);
      expect(after.loggedInAt).toBe(before.loggedInAt);
      await t.server.channels.update('one', { tokenTtl: 900 });
      const longer = (await get());
      expect(longer.lastSeenAt).toBe(after.lastSeenAt);
      expect(Date.parse(longer.expiresAt!) - Date.parse(longer.lastSeenAt)).toBe(900_000);
    } finally {
      c.close();
      await t.stop();
    }
  });
});

describe('untrusted proxies', () => {
  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const t = await startTestServer({ channels: [channel('one')], trustedProxies: ['10.9.9.9'] });
    const c = new RawClient(t.server.channelUrl('one'), { headers: { 'X-Forwarded-For': '203.0.113.7' } });
    await c.hello('x');
    expect((await t.server.connections.list({ limit: 10 })).items[0]!.forwardedFor).toBeNull();
    c.close();
    await t.stop();
  });
});

describe('reverse DNS', () => {
  it('never delays the welcome, and reports remoteFqdn with a connection.updated once resolved', async () => {
    const expected = await import('node:dns/promises').then((d) => d.reverse('127.0.0.1').then((n) => n[0] ?? null, () => null));
    const t = await startTestServer({ channels: [channel('one')], reverseDns: { enabled: true, timeoutMs: 1000 } });
    try {
      const fqdnEvent = new Promise<string | null>((resolve) => {
        t.server.events.subscribe((e) => { if (e.type === 'connection.updated' && e.connection.remoteFqdn) resolve(e.connection.remoteFqdn); });
        if (expected === null) setTimeout(() => resolve(null), 1200);
      });
      const t0 = Date.now();
      const c = await connectAndLogin(t.server.channelUrl('one'), 'dns');
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(await fqdnEvent).toBe(expected);
      const { connectionId } = await c.next('welcome');
      expect((await t.server.connections.get(connectionId))!.remoteFqdn).toBe(expected);
      c.close();
    } finally {
      await t.stop();
    }
  });
});
