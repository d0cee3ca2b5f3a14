import { describe, expect, it, vi } from 'vitest';
import { CLOSED_ROW_LINGER_MS } from '../../../../../renderer/src/features/connections/connection-table';
import { applyDeltaBatch, initialConnections, pushSample } from '../../../../../renderer/src/features/connections/connections-slice';
import { conn, delta } from '../../fixtures';
import { testStore } from '../../fake-deps';

describe('connections slice: pure batch update', () => {
  const base = { ...initialConnections(), clusterId: 'k1', seq: 3 };

  it('drops stale deltas and deltas of other clusters', () => {
    const out = applyDeltaBatch(base, [delta(3, { upserts: [conn()] }), delta(4, { clusterId: 'other', upserts: [conn()] })], 0);
    expect(out.state).toBe(base);
    expect(out.resync).toBe(false);
  });

  it('applies consecutive deltas and advances seq', () => {
    const out = applyDeltaBatch(base, [delta(4, { upserts: [conn()] }), delta(5, { upserts: [conn()] })], 0);
    expect(out.state.seq).toBe(5);
    expect(out.state.table.live).toBe(2);
  });

  it('asks for a resync on a gap instead of guessing', () => {
    const out = applyDeltaBatch(base, [delta(6, { upserts: [conn()] })], 0);
    expect(out.resync).toBe(true);
    expect(out.state).toBe(base);
  });

  it('accepts a gap when the delta is a reset', () => {
    const out = applyDeltaBatch(base, [delta(9, { reset: true, upserts: [conn()] })], 0);
    expect(out.resync).toBe(false);
    expect(out.state.seq).toBe(9);
  });

  it('keeps at most max chart samples, newest last', () => {
    let s = [] as ReturnType<typeof pushSample>;
    for (let i = 0; i < 5; i++) s = pushSample(s, { atMs: i, counts: {} }, 3);
    expect(s.map((x) => x.atMs)).toEqual([2, 3, 4]);
  });
});

describe('connections slice: stale rows', () => {
  it('counts only live rows; stale rows are counted apart and out of the chart', () => {
    const s0 = { ...initialConnections(), clusterId: 'k1', seq: 0 };
    const a = conn({ channel: 'demo' });
    const b = conn({ channel: 'demo' });
    const c = conn({ channel: 'ops', serverId: 's2' });
    let s = applyDeltaBatch(s0, [delta(1, { upserts: [a, b, c] })], 0).state;
    expect([s.table.live, s.table.stale, s.table.perChannel]).toEqual([3, 0, { demo: 2, ops: 1 }]);
    // s2 was lost: the core re-sends its row with staleSince.
    s = applyDeltaBatch(s, [delta(2, { upserts: [{ ...c, staleSince: '2026-11-22T10:05:00.000Z' }] })], 0).state;
    expect([s.table.live, s.table.stale, s.table.perChannel]).toEqual([2, 1, { demo: 2 }]);
    // A stale row that closes leaves the stale count, not the live one.
    s = applyDeltaBatch(s, [delta(3, { removals: [{ rowKey: c.rowKey, code: 0, reason: 'gone', initiator: 'none' }] })], 0).state;
    expect([s.table.live, s.table.stale]).toEqual([2, 0]);
    // Live again after a re-sync.
    s = applyDeltaBatch(s, [delta(4, { upserts: [{ ...a, staleSince: '2026-11-22T10:06:00.000Z' }] }), delta(5, { upserts: [a] })], 0).state;
    expect([s.table.live, s.table.stale, s.table.perChannel]).toEqual([2, 0, { demo: 2 }]);
  });

  it('holds deltas that arrive before the snapshot, then applies only the newer ones', async () => {
    let answer!: (v: { clusterId: string; seq: number; rows: ReturnType<typeof conn>[] }) => void;
    const t = testStore({ 'connections.watch': () => new Promise((r) => (answer = r)) });
    t.store.getState().resetConnections('k1');
    const pending = t.store.getState().resyncConnections();
    const early = conn();
    const late = conn();
    t.store.getState().receiveDelta(delta(4, { upserts: [early] }));
    t.store.getState().receiveDelta(delta(5, { upserts: [late] }));
    t.runFrames();
    expect(t.store.getState().conns.table.live).toBe(0);
    answer({ clusterId: 'k1', seq: 4, rows: [early] });
    await pending;
    t.runFrames();
    expect(t.store.getState().conns.seq).toBe(5);
    expect([...t.store.getState().conns.table.rows.keys()].sort()).toEqual([early.rowKey, late.rowKey].sort());
  });

  it('stops watching the cluster it leaves', () => {
    const t = testStore({ 'connections.unwatch': () => ({ ok: true as const }) });
    t.store.getState().resetConnections('k1');
    t.store.getState().resetConnections('k2');
    expect(t.calls).toEqual([{ method: 'connections.unwatch', input: { clusterId: 'k1' } }]);
  });

  it('keeps a closed row the drawer shows after it leaves the table', async () => {
    const t = testStore({ 'connections.watch': () => ({ clusterId: 'k1', seq: 0, rows: [] }) });
    t.store.getState().resetConnections('k1');
    await t.store.getState().resyncConnections();
    const gone = conn();
    t.store.getState().receiveDelta(delta(1, { upserts: [gone] }));
    t.runFrames();
    t.store.getState().selectRow(gone.rowKey);
    t.store.getState().receiveDelta(delta(2, { removals: [{ rowKey: gone.rowKey, code: 4005, reason: 'bye', initiator: 'server' }] }));
    vi.useFakeTimers();
    try {
      t.runFrames();
      t.advance(CLOSED_ROW_LINGER_MS);
      vi.advanceTimersByTime(CLOSED_ROW_LINGER_MS + 100);
    } finally {
      vi.useRealTimers();
    }
    const s = t.store.getState().conns;
    expect(s.table.rows.has(gone.rowKey)).toBe(false);
    expect(s.departed[gone.rowKey]?.closed).toMatchObject({ code: 4005, reason: 'bye' });
  });

  it('samples a gap, not zero, while nothing is known to be live', () => {
    const t = testStore();
    t.store.getState().resetConnections('k1');
    t.store.getState().applyClusterState({ clusterId: 'k1', open: true, servers: [] });
    t.store.getState().sampleChannels();
    expect(t.store.getState().conns.samples.at(-1)!.counts).toBeNull();
  });
});

describe('connections slice: frame batching', () => {
  it('applies many deltas in ONE store update on the next animation frame', async () => {
    const t = testStore({ 'connections.watch': () => ({ clusterId: 'k1', seq: 0, rows: [] }) });
    t.store.getState().resetConnections('k1');
    await t.store.getState().resyncConnections();
    let updates = 0;
    const unsub = t.store.subscribe(() => updates++);
    for (let i = 1; i <= 50; i++) t.store.getState().receiveDelta(delta(i, { upserts: [conn()] }));
    expect(t.store.getState().conns.table.live).toBe(0);
    expect(updates).toBe(0);
    expect(t.runFrames()).toBe(1);
    expect(updates).toBe(1);
    expect(t.store.getState().conns.table.live).toBe(50);
    expect(t.store.getState().conns.seq).toBe(50);
    unsub();
  });

  it('ignores deltas for a cluster that is not shown', () => {
    const t = testStore();
    t.store.getState().resetConnections('k1');
    t.store.getState().receiveDelta(delta(1, { clusterId: 'k2', upserts: [conn()] }));
    expect(t.runFrames()).toBe(0);
  });

  it('resyncs from a snapshot when a delta was lost', async () => {
    const t = testStore({ 'connections.watch': () => ({ clusterId: 'k1', seq: 10, rows: [conn(), conn()] }) });
    t.store.getState().resetConnections('k1');
    t.store.setState((s) => ({ conns: { ...s.conns, seq: 2 } }));
    t.store.getState().receiveDelta(delta(5, { upserts: [conn()] }));
    t.runFrames();
    await new Promise((r) => setTimeout(r, 0));
    expect(t.calls.map((c) => c.method)).toEqual(['connections.watch']);
    expect(t.store.getState().conns.seq).toBe(10);
    expect(t.store.getState().conns.table.live).toBe(2);
  });
});

describe('connections slice: filters per cluster, bulk disconnect', () => {
  it('each cluster keeps its own filter; another cluster starts unfiltered', () => {
    const t = testStore({ 'connections.unwatch': () => ({ ok: true as const }) });
    const s = () => t.store.getState();
    s().resetConnections('k1');
    s().setFilter({ field: 'server', text: 'node-2', state: 'stale' });
    s().resetConnections('k2');
    expect(s().conns.table.filter).toEqual({ field: 'any', text: '' });
    s().setFilter({ field: 'clientId', text: 'x' });
    s().resetConnections('k1');
    expect(s().conns.table.filter).toEqual({ field: 'server', text: 'node-2', state: 'stale' });
    s().resetConnections('k2');
    expect(s().conns.table.filter).toEqual({ field: 'clientId', text: 'x' });
  });

  it('disconnects ticked rows with one request per server, maps answers per row, keeps failed rows ticked', async () => {
    const a = conn({ serverId: 's1' });
    const b = conn({ serverId: 's1' });
    const c = conn({ serverId: 's2' });
    const t = testStore({
      'connections.watch': () => ({ clusterId: 'k1', seq: 0, rows: [a, b, c] }),
      'connections.disconnectMany': (input) => {
        if (input.serverId === 's2') throw new Error('server s2 unreachable');
        const ids = 'connectionIds' in input.selector ? input.selector.connectionIds : [];
        return { code: 4005, reason: 'closed by administrator', matched: ids.length, items: ids.map((id) => ({ ok: true as const, connectionId: id, result: { connectionId: id, code: 4005, reason: 'closed by administrator', terminated: false, closedAt: '2026-11-22T10:00:00.000Z' } })) };
      },
    });
    const s = () => t.store.getState();
    s().resetConnections('k1');
    await s().resyncConnections();
    s().toggleChecked(a.rowKey);
    s().toggleChecked(b.rowKey);
    s().toggleChecked(c.rowKey);
    const results = await s().disconnectRows([...s().conns.checked]);
    const bulk = t.calls.filter((x) => x.method === 'connections.disconnectMany');
    expect(bulk).toHaveLength(2);
    expect(bulk.find((x) => (x.input as { serverId: string }).serverId === 's1')!.input).toMatchObject({ selector: { connectionIds: [a.connectionId, b.connectionId] } });
    expect(results.map((r) => [r.key, r.ok])).toEqual([[a.rowKey, true], [b.rowKey, true], [c.rowKey, false]]);
    expect(results[2]!.text).toBe('server s2 unreachable');
    expect([...s().conns.checked]).toEqual([c.rowKey]);
  });
});
