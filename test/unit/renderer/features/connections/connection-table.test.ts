import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyDeltas, emptyTable, loadRows, makeComparator, matchesRow, setFilter, setSort, sweepClosed, viewRows, CLOSED_ROW_LINGER_MS, type TableState } from '../../../../../renderer/src/features/connections/connection-table';
import { conn } from '../../fixtures';

const ids = (t: TableState) => viewRows(t).map((r) => r.c.clientId);

describe('connection table', () => {
  it('loads a snapshot sorted by client ID with counts per channel', () => {
    const t = loadRows(emptyTable(), [conn({ clientId: 'b', channel: 'x' }), conn({ clientId: 'a', channel: 'y' }), conn({ clientId: 'c', channel: 'x' })]);
    expect(ids(t)).toEqual(['a', 'b', 'c']);
    expect(t.live).toBe(3);
    expect(t.perChannel).toEqual({ x: 2, y: 1 });
  });

  it('inserts upserts at their sorted place and moves rows whose sort key changed', () => {
    let t = setSort(emptyTable(), { key: 'msgsIn', dir: 'desc' });
    const a = conn({ clientId: 'a', msgsIn: 5 });
    const b = conn({ clientId: 'b', msgsIn: 1 });
    t = applyDeltas(t, [{ upserts: [a, b], removals: [] }], 0);
    expect(ids(t)).toEqual(['a', 'b']);
    t = applyDeltas(t, [{ upserts: [{ ...b, msgsIn: 9 }], removals: [] }], 0);
    expect(ids(t)).toEqual(['b', 'a']);
    expect(t.live).toBe(2);
  });

  it('keeps a closed row in place with its close code, then sweeps it after the linger time', () => {
    const a = conn({ clientId: 'a' });
    let t = loadRows(emptyTable(), [a, conn({ clientId: 'b' })]);
    t = applyDeltas(t, [{ upserts: [], removals: [{ rowKey: a.rowKey, code: 4005, reason: 'bye', initiator: 'server' }] }], 1000);
    expect(ids(t)).toEqual(['a', 'b']);
    expect(t.rows.get(a.rowKey)?.closed).toEqual({ code: 4005, reason: 'bye', atMs: 1000 });
    expect(t.live).toBe(1);
    expect(t.perChannel).toEqual({ demo: 1 });
    expect(sweepClosed(t, 1000 + CLOSED_ROW_LINGER_MS - 1)).toBe(t);
    const swept = sweepClosed(t, 1000 + CLOSED_ROW_LINGER_MS);
    expect(ids(swept)).toEqual(['b']);
  });

  it('does not revive a closed row with a late update', () => {
    const a = conn();
    let t = loadRows(emptyTable(), [a]);
    t = applyDeltas(t, [{ upserts: [], removals: [{ rowKey: a.rowKey, code: 1000, reason: '', initiator: 'client' }] }, { upserts: [{ ...a, msgsIn: 3 }], removals: [] }], 0);
    expect(t.rows.get(a.rowKey)?.closed?.code).toBe(1000);
    expect(t.live).toBe(0);
  });

  it('a reset delta replaces everything before it in the batch', () => {
    let t = loadRows(emptyTable(), [conn({ clientId: 'old' })]);
    t = applyDeltas(t, [{ upserts: [conn({ clientId: 'x' })], removals: [] }, { reset: true, upserts: [conn({ clientId: 'new' })], removals: [] }], 0);
    expect(ids(t)).toEqual(['new']);
    expect(t.live).toBe(1);
  });

  it('filters by the chosen field, case-insensitively, counting matches', () => {
    let t = loadRows(emptyTable(), [conn({ clientId: 'demo-0001', clientName: 'Ada' }), conn({ clientId: 'demo-0002', clientName: 'Grace' }), conn({ clientId: 'other', channel: 'ops' })]);
    t = setFilter(t, { field: 'clientId', text: 'DEMO' });
    expect(ids(t)).toEqual(['demo-0001', 'demo-0002']);
    expect(t.liveInView).toBe(2);
    expect(t.live).toBe(3);
    t = setFilter(t, { field: 'clientName', text: 'grace' });
    expect(ids(t)).toEqual(['demo-0002']);
    t = setFilter(t, { field: 'channel', text: 'ops' });
    expect(ids(t)).toEqual(['other']);
    // An update that stops matching leaves the view.
    const other = viewRows(t)[0]!.c;
    t = applyDeltas(t, [{ upserts: [{ ...other, channel: 'demo' }], removals: [] }], 0);
    expect(ids(t)).toEqual([]);
    expect(t.liveInView).toBe(0);
  });

  it('narrowing the filter keeps the order without a re-sort, widening re-sorts', () => {
    let t = setSort(loadRows(emptyTable(), [conn({ clientId: 'ab2', msgsIn: 1 }), conn({ clientId: 'ab1', msgsIn: 3 }), conn({ clientId: 'b', msgsIn: 2 })]), { key: 'msgsIn', dir: 'desc' });
    t = setFilter(t, { field: 'clientId', text: 'a' });
    expect(ids(t)).toEqual(['ab1', 'ab2']);
    t = setFilter(t, { field: 'clientId', text: 'ab2' });
    expect(ids(t)).toEqual(['ab2']);
    expect(t.liveInView).toBe(1);
    t = setFilter(t, { field: 'clientId', text: '' });
    expect(ids(t)).toEqual(['ab1', 'b', 'ab2']);
  });

  it('stays equal to a full sort+filter after any sequence of deltas (property)', () => {
    const op = fc.record({
      id: fc.integer({ min: 0, max: 15 }),
      kind: fc.constantFrom('upsert', 'upsert', 'close'),
      msgsIn: fc.integer({ min: 0, max: 5 }),
      client: fc.constantFrom('a', 'b', 'ab', 'c'),
    });
    fc.assert(
      fc.property(fc.array(fc.array(op, { maxLength: 6 }), { maxLength: 12 }), fc.constantFrom('asc', 'desc'), (batches, dir) => {
        let t = setFilter(setSort(emptyTable(), { key: 'msgsIn', dir: dir as 'asc' | 'desc' }), { field: 'clientId', text: 'a' });
        for (const batch of batches) {
          const upserts = batch.filter((o) => o.kind === 'upsert').map((o) => conn({ connectionId: `c${o.id}`, clientId: o.client, msgsIn: o.msgsIn }));
          const removals = batch.filter((o) => o.kind === 'close').map((o) => ({ rowKey: `s1/c${o.id}`, code: 1000, reason: '', initiator: 'client' as const }));
          t = applyDeltas(t, [{ upserts, removals }], 0);
        }
        const cmp = makeComparator(t.sort);
        const expected = [...t.rows.values()].filter((r) => r.c.clientId?.includes('a')).sort(cmp).map((r) => r.key);
        expect(t.view).toEqual(expected);
        expect(t.live).toBe([...t.rows.values()].filter((r) => !r.closed).length);
        expect(t.liveInView).toBe([...t.rows.values()].filter((r) => !r.closed && r.c.clientId?.includes('a')).length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('filters by server, ip:port and state', () => {
  it('matches the Remote column as shown (ip:port), server name or exact PID', () => {
    const c = conn({ remoteAddress: '10.0.0.7', remotePort: 5123, serverName: 'node-2', pid: 4711 });
    expect(matchesRow({ c, closed: null }, { field: 'remoteAddress', text: '10.0.0.7:5123' })).toBe(true);
    expect(matchesRow({ c, closed: null }, { field: 'remoteAddress', text: '10.0.0.7:5124' })).toBe(false);
    expect(matchesRow({ c, closed: null }, { field: 'server', text: 'node-2' })).toBe(true);
    expect(matchesRow({ c, closed: null }, { field: 'server', text: '4711' })).toBe(true);
    expect(matchesRow({ c, closed: null }, { field: 'server', text: '471' })).toBe(false);
    expect(matchesRow({ c, closed: null }, { field: 'any', text: 'node-2' })).toBe(true);
  });

  it('a state filter follows rows as they close: "live" drops them, "closing" takes them in', () => {
    const a = conn({ clientId: 'a' });
    const b = conn({ clientId: 'b', staleSince: '2026-11-22T10:00:00.000Z' });
    let live = setFilter(loadRows(emptyTable(), [a, b]), { field: 'any', text: '', state: 'live' });
    let closing = setFilter(loadRows(emptyTable(), [a, b]), { field: 'any', text: '', state: 'closing' });
    const stale = setFilter(loadRows(emptyTable(), [a, b]), { field: 'any', text: '', state: 'stale' });
    expect(live.view).toEqual([a.rowKey]);
    expect(stale.view).toEqual([b.rowKey]);
    expect(closing.view).toEqual([]);
    const gone = [{ upserts: [], removals: [{ rowKey: a.rowKey, code: 4005, reason: 'x' }] }];
    live = applyDeltas(live, gone as never, 1000);
    closing = applyDeltas(closing, gone as never, 1000);
    expect(live.view).toEqual([]);
    expect(closing.view).toEqual([a.rowKey]);
  });
});
