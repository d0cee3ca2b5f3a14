import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionInfo } from '../../../../protocol/admin-connections';
import type { ConnectionsDelta } from '../../../../protocol/console/clusters';
import { consoleEvents } from '../../../../protocol/console/contract';
import { createConnectionTable, MergedTable, type ConnectionTable } from '../../../../main/core/clusters/merged-table';

function conn(id: string, extra: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return {
    connectionId: id, kind: 'inbound', node: 'n1', clientId: `client-${id}`, clientName: null, channel: 'demo', state: 'logged-in',
    remoteAddress: '127.0.0.1', remotePort: 50000, remoteFqdn: null, forwardedFor: null, localAddress: '127.0.0.1', localPort: 9000,
    serverName: 's', pid: 1, connectedAt: '2026-01-01T00:00:00.000Z', loggedInAt: '2026-01-01T00:00:00.000Z',
    lastSeenAt: '2026-01-01T00:00:00.000Z', expiresAt: null, msgsIn: 0, msgsOut: 0, bytesIn: 0, bytesOut: 0, subscriptions: 0, ...extra,
  };
}
const LOST = '2026-01-01T00:10:00.000Z';

describe('MergedTable (connections)', () => {
  let pushed: ConnectionsDelta[];
  let table: ConnectionTable;
  const tick = () => vi.advanceTimersByTime(50);
  const last = () => pushed[pushed.length - 1]!;
  beforeEach(() => {
    vi.useFakeTimers();
    pushed = [];
    table = createConnectionTable('c1', (d) => pushed.push(d), { batchMs: 50 });
  });
  afterEach(() => {
    table.dispose();
    vi.useRealTimers();
  });

  it('pushes at most once per batch window, coalescing changes', () => {
    table.replaceServer('s1', 'http://a', []);
    for (let i = 0; i < 100; i++) table.upsert('s1', 'http://a', conn(`x${i % 10}`, { msgsIn: i }));
    expect(pushed).toHaveLength(0);
    vi.advanceTimersByTime(49);
    expect(pushed).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]!.upserts).toHaveLength(10);
    // Last write wins within a batch.
    expect(pushed[0]!.upserts.find((r) => r.connectionId === 'x9')!.msgsIn).toBe(99);
    expect(consoleEvents['connections.delta'].safeParse(pushed[0]).success).toBe(true);
  });

  it('keys rows by node + connection id, and a live server’s rows are not stale', () => {
    table.replaceServer('s1', 'http://a', [conn('1', { node: 'n1' }), conn('2', { node: 'n2' })]);
    table.replaceServer('s2', 'http://b', [conn('1', { node: 'n3' })]);
    tick();
    expect(last().upserts.map((r) => [r.rowKey, r.serverId, r.serverUrl, r.staleSince])).toEqual([
      ['n1/1', 's1', 'http://a', null],
      ['n2/2', 's1', 'http://a', null],
      ['n3/1', 's2', 'http://b', null],
    ]);
  });

  it('turns upsert-then-close within one batch into just the removal with its code', () => {
    table.replaceServer('s1', 'http://a', [conn('a')]);
    tick();
    table.upsert('s1', 'http://a', conn('a', { msgsIn: 3 }));
    table.remove('s1', 'a', { code: 4005, reason: 'closed by administrator', initiator: 'server' });
    tick();
    expect(pushed[1]).toMatchObject({ seq: 2, upserts: [], removals: [{ rowKey: 'n1/a', code: 4005, reason: 'closed by administrator' }] });
    expect(table.size).toBe(0);
  });

  it('ignores removals of rows it never had', () => {
    table.remove('s1', 'ghost', { code: 1000, reason: '', initiator: 'client' });
    vi.advanceTimersByTime(100);
    expect(pushed).toHaveLength(0);
  });

  it('a row seen through two servers appears once and stays live while either is live', () => {
    table.replaceServer('s1', 'http://a', [conn('1')]);
    table.replaceServer('s2', 'http://b', [conn('1'), conn('2', { node: 'n2' })]);
    tick();
    expect(table.snapshot().rows.map((r) => r.rowKey).sort()).toEqual(['n1/1', 'n2/2']);
    expect(table.countFor('s1')).toBe(1);
    expect(table.countFor('s2')).toBe(2);

    table.serverLost('s1', LOST);
    tick();
    // Still reported by live s2: live, and now attributed to s2 (calls go to a live server).
    expect(table.snapshot().rows.find((r) => r.rowKey === 'n1/1')).toMatchObject({ serverId: 's2', staleSince: null });

    table.serverLost('s2', '2026-01-01T00:11:00.000Z');
    tick();
    const rows = table.snapshot().rows;
    expect(rows.map((r) => r.staleSince)).toEqual(['2026-01-01T00:11:00.000Z', '2026-01-01T00:11:00.000Z']);
  });

  it('a lost server’s rows go stale at once, with the moment it was lost, and only its rows', () => {
    table.replaceServer('s1', 'http://a', [conn('1'), conn('2')]);
    table.replaceServer('s2', 'http://b', [conn('3', { node: 'n2' })]);
    tick();
    table.serverLost('s1', LOST);
    tick();
    expect(last().upserts.map((r) => [r.rowKey, r.staleSince]).sort()).toEqual([['n1/1', LOST], ['n1/2', LOST]]);
    expect(last().removals).toEqual([]);
    expect(table.staleCount()).toBe(2);
    expect(table.snapshot().rows.find((r) => r.rowKey === 'n2/3')!.staleSince).toBeNull();
    // Losing it again changes nothing and pushes nothing.
    const before = pushed.length;
    table.serverLost('s1', '2026-01-01T00:12:00.000Z');
    tick();
    expect(pushed).toHaveLength(before);
  });

  it('a server that comes back replaces only its share: live again, unlisted rows leave with code 0', () => {
    table.replaceServer('s1', 'http://a', [conn('1'), conn('2')]);
    table.replaceServer('s2', 'http://b', [conn('9', { node: 'n2' })]);
    tick();
    table.serverLost('s1', LOST);
    tick();
    const n = pushed.length;
    table.replaceServer('s1', 'http://a', [conn('2'), conn('3')]);
    tick();
    expect(pushed).toHaveLength(n + 1);
    const d = last();
    expect(d.reset).toBeUndefined();
    expect(d.upserts.map((r) => [r.rowKey, r.staleSince]).sort()).toEqual([['n1/2', null], ['n1/3', null]]);
    expect(d.removals).toEqual([{ rowKey: 'n1/1', code: 0, reason: 'no longer listed by http://a after a re-sync', initiator: 'none' }]);
    expect(table.staleCount()).toBe(0);
    expect(table.snapshot().rows.map((r) => r.rowKey).sort()).toEqual(['n1/2', 'n1/3', 'n2/9']);
  });

  it('a re-sync keeps a row another server still reports', () => {
    table.replaceServer('s1', 'http://a', [conn('1')]);
    table.replaceServer('s2', 'http://b', [conn('1')]);
    table.replaceServer('s1', 'http://a', []);
    tick();
    expect(table.snapshot().rows).toMatchObject([{ rowKey: 'n1/1', serverId: 's2', staleSince: null }]);
  });

  it('dropServer removes only the rows no other server reports', () => {
    table.replaceServer('s1', 'http://a', [conn('1'), conn('2')]);
    table.replaceServer('s2', 'http://b', [conn('1')]);
    tick();
    table.dropServer('s1', { code: 0, reason: 'server left the profile', initiator: 'none' });
    tick();
    expect(last().removals).toEqual([{ rowKey: 'n1/2', code: 0, reason: 'server left the profile', initiator: 'none' }]);
    expect(table.snapshot().rows.map((r) => r.rowKey)).toEqual(['n1/1']);
  });

  it('snapshot carries the seq of the last push; seq increases by one per push', () => {
    table.replaceServer('s1', 'http://a', []);
    table.upsert('s1', 'http://a', conn('1'));
    tick();
    table.upsert('s1', 'http://a', conn('2'));
    tick();
    expect(pushed.map((d) => d.seq)).toEqual([1, 2]);
    expect(table.snapshot().seq).toBe(2);
  });

  it('builds no delta while nobody watches; a watcher starts from the snapshot', () => {
    let watched = false;
    const t = createConnectionTable('c3', (d) => pushed.push(d), { batchMs: 50, isWatched: () => watched });
    t.replaceServer('s1', 'http://a', [conn('1'), conn('2')]);
    t.requestReset();
    vi.advanceTimersByTime(200);
    expect(pushed).toHaveLength(0);
    watched = true;
    const snap = t.snapshot();
    expect(snap).toMatchObject({ seq: 0 });
    expect(snap.rows).toHaveLength(2);
    t.remove('s1', '1', { code: 1000, reason: 'bye', initiator: 'client' });
    tick();
    expect(pushed).toMatchObject([{ seq: 1, removals: [{ rowKey: 'n1/1', code: 1000 }] }]);
    t.dispose();
  });

  it('splits a big reset over consecutive pushes, one per window, each bounded', () => {
    const small = new MergedTable('c2', { keyOf: (c: ConnectionInfo) => c.connectionId, idOf: (c) => c.connectionId, toRow: (c, rowKey) => ({ ...c, rowKey }) }, (d) => pushed.push(d as unknown as ConnectionsDelta), { batchMs: 50, maxRowsPerDelta: 4 });
    small.replaceServer('s1', 'http://a', Array.from({ length: 10 }, (_, i) => conn(`r${i}`)));
    small.requestReset();
    tick();
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toMatchObject({ reset: true, seq: 1 });
    expect(pushed[0]!.upserts).toHaveLength(4);
    small.remove('s1', 'r9', { code: 1000, reason: 'bye', initiator: 'client' });
    tick();
    tick();
    expect(pushed.map((d) => d.upserts.length)).toEqual([4, 4, 1]);
    expect(pushed.slice(1).every((d) => d.reset === undefined)).toBe(true);
    const delivered = new Set(pushed.flatMap((d) => d.upserts.map((r) => r.connectionId)));
    expect(delivered.size).toBe(9);
    expect(delivered.has('r9')).toBe(false);
    small.dispose();
  });

  it('stops pushing once disposed', () => {
    table.upsert('s1', 'http://a', conn('1'));
    table.dispose();
    vi.advanceTimersByTime(100);
    expect(pushed).toHaveLength(0);
  });
});
