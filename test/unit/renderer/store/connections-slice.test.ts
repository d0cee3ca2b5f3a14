import { describe, expect, it } from 'vitest';
import { applyDeltaBatch, initialConnections, pushSample } from '../../../../renderer/src/store/connections-slice';
import { conn, delta } from '../fixtures';
import { testStore } from './fake-deps';

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

describe('connections slice: frame batching', () => {
  it('applies many deltas in ONE store update on the next animation frame', async () => {
    const t = testStore({ getConnections: () => ({ clusterId: 'k1', seq: 0, rows: [] }) });
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
    const t = testStore({ getConnections: () => ({ clusterId: 'k1', seq: 10, rows: [conn(), conn()] }) });
    t.store.getState().resetConnections('k1');
    t.store.setState((s) => ({ conns: { ...s.conns, seq: 2 } }));
    t.store.getState().receiveDelta(delta(5, { upserts: [conn()] }));
    t.runFrames();
    await new Promise((r) => setTimeout(r, 0));
    expect(t.calls.map((c) => c.method)).toEqual(['getConnections']);
    expect(t.store.getState().conns.seq).toBe(10);
    expect(t.store.getState().conns.table.live).toBe(2);
  });
});
