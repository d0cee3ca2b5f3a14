import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogStore } from '../../../../main/core/probe/log-store';

const frame = (i: number, dir: 'in' | 'out' = i % 2 ? 'in' : 'out') => ({ kind: 'frame' as const, direction: dir, opcode: 'text' as const, size: 10, encoding: 'text' as const, data: `msg ${i} ${i % 10 === 0 ? 'NEEDLE' : 'hay'}\nline2`, truncated: false });

describe('LogStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'probe-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('spills old segments to disk and still filters and pages them identically', () => {
    // A small search cache: some spilled segments are searched in memory, the older ones from their .txt file.
    const log = new LogStore({ dir: join(dir, 's'), maxEntries: 100_000, segmentSize: 100, memoryEntries: 250, searchCacheBytes: 5000 });
    for (let i = 0; i < 1000; i++) log.append(frame(i));
    expect(log.stats).toMatchObject({ firstIndex: 0, nextIndex: 1000, dropped: 0 });
    expect(log.stats.spilled).toBeGreaterThanOrEqual(700);
    expect(readdirSync(join(dir, 's')).filter((f) => f.endsWith('.ndjson')).length).toBe(9);
    // Spilled entry comes back intact.
    expect(log.get(5)).toMatchObject({ index: 5, data: 'msg 5 hay\nline2' });
    const byText = log.query({ filter: { text: 'needle' }, offset: 0, limit: 1000 });
    expect(byText.matched).toBe(100);
    expect(byText.entries.map((e) => e.index)).toEqual(Array.from({ length: 100 }, (_, k) => k * 10));
    const byRegex = log.query({ filter: { regex: 'msg \\d*5 hay' }, offset: 0, limit: 1000 });
    expect(byRegex.matched).toBe(100);
    const combined = log.query({ filter: { text: 'NEEDLE', directions: ['out'], kinds: ['frame'] }, offset: 10, limit: 5 });
    expect(combined.matched).toBe(100);
    expect(combined.entries.map((e) => e.index)).toEqual([100, 110, 120, 130, 140]);
    expect(log.query({ filter: { directions: ['in'] }, offset: 0, limit: 1 }).matched).toBe(500);
    // Regex hits are per line: `hay\s+msg` would only match across a line break, `^msg 1\d hay` anchors each line.
    expect(log.query({ filter: { regex: 'line2\\s+msg' }, offset: 0, limit: 1 }).matched).toBe(0);
    expect(log.query({ filter: { regex: '^msg 1\\d hay' }, offset: 0, limit: 100 }).entries.map((e) => e.index)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19]);
    // Needles led by JSON punctuation are searched from their first letter/digit, then checked whole.
    expect(log.query({ filter: { text: ' 5 hay' }, offset: 0, limit: 1000 }).entries.map((e) => e.index)).toEqual([5]);
    expect(log.query({ filter: { text: '"nothing' }, offset: 0, limit: 1 }).matched).toBe(0);
    expect(log.query({ filter: { text: ' needle' }, offset: 0, limit: 1000 }).matched).toBe(100);
    // Text spanning the flattened newline matches (search text is one line per entry).
    expect(log.query({ filter: { text: 'hay line2' }, offset: 0, limit: 1 }).matched).toBe(900);
  });

  it('drops whole oldest segments past maxEntries and counts them', () => {
    const log = new LogStore({ dir: join(dir, 'd'), maxEntries: 1000, segmentSize: 100, memoryEntries: 200 });
    for (let i = 0; i < 2550; i++) log.append(frame(i));
    const st = log.stats;
    expect(st.nextIndex).toBe(2550);
    expect(st.dropped).toBe(st.firstIndex);
    expect(st.firstIndex).toBe(1600);
    expect(log.size).toBeLessThanOrEqual(1000);
    expect(log.get(1599)).toBeNull();
    expect(log.get(1600)?.index).toBe(1600);
    const page = log.query({ filter: {}, offset: 0, limit: 3 });
    expect(page.entries.map((e) => e.index)).toEqual([1600, 1601, 1602]);
    expect(page.matched).toBe(950);
    expect(readdirSync(join(dir, 'd')).filter((f) => f.endsWith('.ndjson')).length).toBe(9);
  });

  it('extends a cached filter incrementally and jumps to the page holding an anchor', () => {
    const log = new LogStore({ dir: join(dir, 'c'), maxEntries: 10_000, segmentSize: 50 });
    for (let i = 0; i < 300; i++) log.append(frame(i));
    expect(log.query({ filter: { text: 'needle' }, offset: 0, limit: 10 }).matched).toBe(30);
    for (let i = 300; i < 400; i++) log.append(frame(i));
    const r = log.query({ filter: { text: 'needle' }, offset: 0, limit: 10, anchorIndex: 250 });
    expect(r.matched).toBe(40);
    expect(r.offset).toBe(20);
    expect(r.entries.map((e) => e.index)).toContain(250);
  });

  it('names filter.regex when the regex is invalid', () => {
    const log = new LogStore({ dir: join(dir, 'r'), maxEntries: 10_000 });
    expect(() => log.query({ filter: { regex: '(' }, offset: 0, limit: 1 })).toThrow(/filter\.regex/);
  });
});
