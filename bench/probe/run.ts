/**
 * Probe log benchmark: ingest 1,000,000 messages into one session log (segmented, spilling to disk)
 * and filter them, side by side with the naive design — every entry object plus its lowercased text
 * kept in one in-memory array, filtered with a loop. Reports ratios and the goals
 * (memory ≤ 400 MB for the probe log, each filter ≤ 300 ms).
 *
 *   npm run bench:probe            (PROBE_BENCH_N=200000 for a quicker run)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ProbeLogEntry, ProbeLogFilter } from '../../protocol/console/probe';
import { LogStore, type NewLogEntry } from '../../main/core/probe/log-store';
import { searchText } from '../../main/core/probe/log-text';
import { Pairing } from '../../main/core/probe/pairing';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const N = Number(process.env.PROBE_BENCH_N ?? 1_000_000);
const MB = 1024 * 1024;
const GOAL_MB = 400;
const GOAL_MS = 300;

function message(i: number): NewLogEntry {
  const data = i % 2 === 0
    ? JSON.stringify({ type: 'request', id: `r${i}`, data: { sym: `S${i % 500}`, px: (i % 10_000) / 100, note: i % 1000 === 0 ? 'Needle' : 'hay' } })
    : JSON.stringify({ type: 'response', inReplyTo: `r${i - 1}`, ok: true, data: { filled: i % 7 === 0 } });
  return { kind: 'frame', direction: i % 2 === 0 ? 'out' : 'in', opcode: 'text', size: Buffer.byteLength(data), encoding: 'text', data, truncated: false };
}

const memNow = (): number => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
};

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

const filters: { name: string; filter: ProbeLogFilter }[] = [
  { name: 'text "needle"', filter: { text: 'needle' } },
  { name: 'text "s42,"', filter: { text: '"s42",' } },
  { name: 'regex px\\":9\\d\\.5', filter: { regex: 'px":9\\d\\.5' } },
  { name: 'direction in + kind frame', filter: { directions: ['in'], kinds: ['frame'] } },
];

// --- probe log -------------------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'probe-bench-'));
const base0 = memNow();
const store = new LogStore({ dir, maxEntries: 1_000_000 });
const pairing = new Pairing({ requestPath: 'id', replyPath: 'inReplyTo' });
const ingest = time(() => {
  for (let i = 0; i < N; i++) {
    const e = store.append(message(i));
    if (e.kind === 'frame') pairing.observe(e.index, e.direction, i, e.data);
  }
});
const storeMem = memNow() - base0;
const storeFilters = filters.map((f) => {
  const r = time(() => store.query({ filter: f.filter, offset: 0, limit: 200 }));
  return { ...f, ms: r.ms, matched: r.value.matched };
});
const stats = store.stats;
store.dispose();
rmSync(dir, { recursive: true, force: true });

// --- baseline: everything in one array -----------------------------------------------------------
const base1 = memNow();
const arr: { entry: ProbeLogEntry; text: string }[] = [];
const baseIngest = time(() => {
  for (let i = 0; i < N; i++) {
    const entry = { ...message(i), index: i, at: new Date().toISOString() } as ProbeLogEntry;
    arr.push({ entry, text: searchText(entry, 2048) });
  }
});
const baseMem = memNow() - base1;
const baseFilters = filters.map((f) => {
  const re = f.filter.regex ? new RegExp(f.filter.regex, 'i') : null;
  const r = time(() => {
    let n = 0;
    for (const { entry, text } of arr) {
      if (f.filter.directions && !f.filter.directions.includes(entry.direction)) continue;
      if (f.filter.kinds && !f.filter.kinds.includes(entry.kind)) continue;
      if (f.filter.text && !text.includes(f.filter.text.toLowerCase())) continue;
      if (re && !re.test(text)) continue;
      n++;
    }
    return n;
  });
  return { ms: r.ms, matched: r.value };
});

// --- report ----------------------------------------------------------------------------------------
const ok = (b: boolean) => (b ? 'OK  ' : 'MISS');
console.log(`probe log bench: ${N.toLocaleString('en')} messages (store: ${stats.spilled.toLocaleString('en')} spilled to disk, ${stats.dropped} dropped)\n`);
console.log(`ingest          probe ${ingest.ms.toFixed(0).padStart(6)} ms   array ${baseIngest.ms.toFixed(0).padStart(6)} ms   ratio ${(ingest.ms / baseIngest.ms).toFixed(2)}x`);
console.log(`memory          probe ${(storeMem / MB).toFixed(0).padStart(6)} MB   array ${(baseMem / MB).toFixed(0).padStart(6)} MB   ratio ${(storeMem / baseMem).toFixed(2)}x   goal ≤ ${GOAL_MB} MB ${ok(storeMem / MB <= GOAL_MB)}`);
storeFilters.forEach((f, i) => {
  const b = baseFilters[i]!;
  const same = f.matched === b.matched ? '' : `  MISMATCH (${f.matched} vs ${b.matched})`;
  console.log(`filter ${f.name.padEnd(28)} probe ${f.ms.toFixed(0).padStart(5)} ms  array ${b.ms.toFixed(0).padStart(5)} ms  ratio ${(f.ms / b.ms).toFixed(2)}x  goal ≤ ${GOAL_MS} ms ${ok(f.ms <= GOAL_MS)}  (${f.matched} matches)${same}`);
});
void arr.length;
