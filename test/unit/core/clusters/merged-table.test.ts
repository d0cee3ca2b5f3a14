import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionInfo } from '../../../../protocol/admin-connections';
import type { ConnectionsDelta } from '../../../../protocol/console/clusters';
import { consoleEvents } from '../../../../protocol/console/contract';
import { MergedTable } from '../../../../main/core/clusters/merged-table';

function conn(id: string, extra: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return {
    connectionId: id, kind: 'inbound', node: 'n1', clientId: `client-${id}`, clientName: null, channel: 'demo', state: 'logged-in',
    remoteAddress: '127.0.0.1', remotePort: 50000, remoteFqdn: null, forwardedFor: null, localAddress: '127.0.0.1', localPort: 9000,
    serverName: 's', pid: 1, connectedAt: '2026-01-01T00:00:00.000Z', loggedInAt: '2026-01-01T00:00:00.000Z',
    lastSeenAt: '2026-01-01T00:00:00.000Z', expiresAt: null, msgsIn: 0, msgsOut: 0, bytesIn: 0, bytesOut: 0, subscriptions: 0, ...extra,
  };
}

describe('MergedTable', () => {
  let pushed: ConnectionsDelta[];
  let table: MergedTable;
  beforeEach(() => {
    vi.useFakeTimers();
    pushed = [];
    table = new MergedTable('c1', (d) => pushed.push(d), { batchMs: 50 });
  });
  afterEach(() => {
    table.dispose();
    vi.useRealTimers();
  });

  it('pushes at most once per batch window, coalescing changes', () => {
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

  it('turns upsert-then-close within one batch into just the removal with its code', () => {
    table.upsert('s1', 'http://a', conn('a'));
    vi.advanceTimersByTime(50);
    table.upsert('s1', 'http://a', conn('a', { msgsIn: 3 }));
    table.remove('s1', 'a', { code: 4005, reason: 'closed by administrator', initiator: 'server' });
    vi.advanceTimersByTime(50);
    expect(pushed[1]).toMatchObject({ seq: 2, upserts: [], removals: [{ rowKey: 's1/a', code: 4005, reason: 'closed by administrator' }] });
    expect(table.size).toBe(0);
  });

  it('ignores removals of rows it never had', () => {
    table.remove('s1', 'ghost', { code: 1000, reason: '', initiator: 'client' });
    vi.advanceTimersByTime(100);
    expect(pushed).toHaveLength(0);
  });

  it('merges servers by rowKey and resets one server wholesale', () => {
    table.upsert('s1', 'http://a', conn('1'));
    table.upsert('s2', 'http://b', conn('1'));
    vi.advanceTimersByTime(50);
    expect(pushed[0]!.upserts.map((r) => r.rowKey).sort()).toEqual(['s1/1', 's2/1']);
    table.replaceServer('s1', 'http://a', [conn('2'), conn('3')]);
    table.upsert('s2', 'http://b', conn('9'));
    vi.advanceTimersByTime(50);
    const reset = pushed[1]!;
    expect(reset.reset).toBe(true);
    expect(reset.upserts.map((r) => r.rowKey).sort()).toEqual(['s1/2', 's1/3', 's2/1', 's2/9']);
    expect(table.countFor('s1')).toBe(2);
  });

  it('dropServer removes only that server’s rows', () => {
    table.upsert('s1', 'http://a', conn('1'));
    table.upsert('s2', 'http://b', conn('1'));
    vi.advanceTimersByTime(50);
    table.dropServer('s1', { code: 0, reason: 'token rejected', initiator: 'none' });
    vi.advanceTimersByTime(50);
    expect(pushed[1]!.removals).toEqual([{ rowKey: 's1/1', code: 0, reason: 'token rejected', initiator: 'none' }]);
    expect(table.snapshot().rows.map((r) => r.rowKey)).toEqual(['s2/1']);
  });

  it('snapshot carries the seq of the last push; seq increases by one per push', () => {
    table.upsert('s1', 'http://a', conn('1'));
    vi.advanceTimersByTime(50);
    table.upsert('s1', 'http://a', conn('2'));
    vi.advanceTimersByTime(50);
    expect(pushed.map((d) => d.seq)).toEqual([1, 2]);
    expect(table.snapshot().seq).toBe(2);
  });

  it('splits a big reset over consecutive pushes, one per window, each bounded', () => {
    const small = new MergedTable('c2', (d) => pushed.push(d), { batchMs: 50, maxRowsPerDelta: 4 });
    small.replaceServer('s1', 'http://a', Array.from({ length: 10 }, (_, i) => conn(`r${i}`)));
    vi.advanceTimersByTime(50);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toMatchObject({ reset: true, seq: 1 });
    expect(pushed[0]!.upserts).toHaveLength(4);
    small.remove('s1', 'r9', { code: 1000, reason: 'bye', initiator: 'client' });
    vi.advanceTimersByTime(50);
    vi.advanceTimersByTime(50);
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
