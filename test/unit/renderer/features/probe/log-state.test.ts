import { describe, expect, it } from 'vitest';
import type { ProbeLogRow, ProbeLogStats } from '../../../../../protocol/console/probe';
import {
  applyLogBatch, applyQueryResult, coreOffset, emptyLog, focusEntry, missingPages, select, setFilter, setPaused, toCoreFilter, toggleExpanded,
} from '../../../../../renderer/src/features/probe/state/log-state';

const stats = (firstIndex: number, nextIndex: number, dropped = firstIndex): ProbeLogStats => ({ firstIndex, nextIndex, dropped, spilled: 0, floodPauses: 0, lastRttMs: null });
const row = (index: number): ProbeLogRow => ({
  entry: { index, at: '2026-11-22T10:00:00.000Z', direction: 'in', kind: 'frame', opcode: 'text', size: 2, encoding: 'text', data: '{}', truncated: false },
});
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => row(from + i));

describe('toCoreFilter', () => {
  it('maps text or regex, and drops "all" direction/kind sets', () => {
    expect(toCoreFilter({ text: 'abc', regex: false, directions: [], kinds: [] })).toEqual({ ok: true, filter: { text: 'abc' } });
    expect(toCoreFilter({ text: 'a.c', regex: true, directions: ['out', 'in'], kinds: ['frame'] })).toEqual({ ok: true, filter: { regex: 'a.c', directions: ['in', 'out'], kinds: ['frame'] } });
    expect(toCoreFilter({ text: '', regex: false, directions: ['in', 'out', 'local'], kinds: [] })).toEqual({ ok: true, filter: {} });
  });
  it('reports an invalid regex', () => {
    const r = toCoreFilter({ text: '(', regex: true, directions: [], kinds: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/invalid regular expression/);
  });
});

describe('setFilter', () => {
  it('keeps the applied filter and rows when the regex is invalid', () => {
    let log = applyQueryResult(emptyLog(stats(0, 10)), '{}', { rows: rows(0, 10), offset: 0, matched: 10, stats: stats(0, 10) });
    log = setFilter(log, { text: '[', regex: true, directions: [], kinds: [] });
    expect(log.filterError).toMatch(/invalid/);
    expect(log.filterKey).toBe('{}');
    expect(log.rows.size).toBe(10);
  });
  it('a new filter clears the cache and waits for the count', () => {
    let log = applyQueryResult(emptyLog(stats(0, 10)), '{}', { rows: rows(0, 10), offset: 0, matched: 10, stats: stats(0, 10) });
    log = setFilter(log, { text: 'x', regex: false, directions: [], kinds: [] });
    expect(log.rows.size).toBe(0);
    expect(log.matched).toBe(0);
    expect(log.countKnown).toBe(false);
    const key = log.filterKey;
    log = applyQueryResult(log, key, { rows: [row(3), row(7)], offset: 0, matched: 2, stats: stats(0, 10) });
    expect(log.matched).toBe(2);
    expect(log.rows.get(1)?.entry.index).toBe(7);
  });
  it('drops pages of a stale filter', () => {
    const log = setFilter(emptyLog(stats(0, 10)), { text: 'x', regex: false, directions: [], kinds: [] });
    expect(applyQueryResult(log, '{}', { rows: rows(0, 5), offset: 0, matched: 5, stats: stats(0, 10) })).toBe(log);
  });
});

describe('applyLogBatch', () => {
  it('grows the unfiltered count from the stats', () => {
    const log = applyLogBatch(emptyLog(), 5, stats(0, 5));
    expect(log.matched).toBe(5);
  });
  it('shifts cached rows when old entries are dropped', () => {
    let log = applyQueryResult(emptyLog(stats(0, 10)), '{}', { rows: rows(0, 10), offset: 0, matched: 10, stats: stats(0, 10) });
    log = applyLogBatch(log, 3, stats(3, 13));
    expect(log.matched).toBe(10);
    expect(log.rows.get(0)?.entry.index).toBe(3);
    expect(log.rows.has(9)).toBe(false);
    expect(log.stats.dropped).toBe(3);
  });
  it('while paused only counts new entries; resuming catches up', () => {
    let log = setPaused(applyLogBatch(emptyLog(), 5, stats(0, 5)), true);
    log = applyLogBatch(log, 7, stats(0, 12));
    expect(log.matched).toBe(5);
    expect(log.newWhilePaused).toBe(7);
    expect(coreOffset(log, 2)).toBe(2);
    log = setPaused(log, false);
    expect(log.matched).toBe(12);
    expect(log.newWhilePaused).toBe(0);
  });
  it('a paused list keeps positions when entries are dropped meanwhile', () => {
    let log = setPaused(applyLogBatch(emptyLog(), 10, stats(0, 10)), true);
    log = applyLogBatch(log, 10, stats(4, 20));
    expect(coreOffset(log, 6)).toBe(2);
    log = applyQueryResult(log, '{}', { rows: rows(4, 6), offset: 0, matched: 16, stats: stats(4, 20) });
    expect(log.rows.get(4)?.entry.index).toBe(4);
    expect(log.matched).toBe(10);
  });
  it('ignores an older query snapshot', () => {
    const log = applyLogBatch(emptyLog(), 50, stats(0, 50));
    const next = applyQueryResult(log, '{}', { rows: rows(0, 10), offset: 0, matched: 10, stats: stats(0, 10) });
    expect(next.matched).toBe(50);
    expect(next.rows.size).toBe(10);
  });
});

describe('missingPages', () => {
  it('asks only for uncached pages within the count', () => {
    const log = applyQueryResult(applyLogBatch(emptyLog(), 1000, stats(0, 1000)), '{}', { rows: rows(0, 200), offset: 0, matched: 1000, stats: stats(0, 1000) });
    expect(missingPages(log, 150, 450)).toEqual([{ offset: 200, limit: 200 }, { offset: 400, limit: 200 }]);
    expect(missingPages(log, 0, 100)).toEqual([]);
    expect(missingPages(log, 990, 2000)).toEqual([{ offset: 800, limit: 200 }]);
  });
});

describe('selection, expansion, focus', () => {
  it('selects one, toggles with additive, and expands', () => {
    let log = select(emptyLog(), 5, false);
    expect(log.selected).toEqual([5]);
    log = select(log, 2, true);
    expect(log.selected).toEqual([2, 5]);
    log = select(log, 5, true);
    expect(log.selected).toEqual([2]);
    log = toggleExpanded(log, 9);
    expect(log.expanded).toEqual([9]);
    expect(toggleExpanded(log, 9).expanded).toEqual([]);
  });
  it('focus on an uncached entry resolves when its page lands, and stops following', () => {
    let log = focusEntry(applyLogBatch(emptyLog(), 1000, stats(0, 1000)), 700);
    expect(log.focus).toEqual({ index: 700, pos: null });
    expect(log.follow).toBe(false);
    log = applyQueryResult(log, '{}', { rows: rows(600, 200), offset: 600, matched: 1000, stats: stats(0, 1000) });
    expect(log.focus).toEqual({ index: 700, pos: 700 });
  });
});
