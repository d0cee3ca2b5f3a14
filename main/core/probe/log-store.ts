import { mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProbeLogEntry, ProbeLogFilter } from '../../../protocol/console/probe';
import { ErrorCode } from '../../../protocol/errors';
import { ConsoleError } from '../contract/errors';
import { directionCode, kindCode, searchText } from './log-text';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An entry before the store stamps it: `at` defaults to now. */
export type NewLogEntry = DistributiveOmit<ProbeLogEntry, 'index' | 'at'> & { at?: string };

export interface LogStoreOptions {
  /** Spill directory (created; removed by dispose). */
  dir: string;
  /** Retention cap; the oldest whole segments go first and are counted in `dropped`. Default 1,000,000. */
  maxEntries?: number;
  /** Entries per segment (the unit of spilling and dropping). Default min(8192, maxEntries/8). */
  segmentSize?: number;
  /** In-memory window, in entries. Older segments are served from their NDJSON spill file. Default 100,000. */
  memoryEntries?: number;
  /** In-memory window, in approximate bytes. Default 64 MiB. */
  memoryBytes?: number;
  /** Characters of each entry kept for text/regex search. Default 2048. */
  maxSearchChars?: number;
  /**
   * Search text of sealed segments kept in memory (one joined string per segment, ~1 byte/char), so
   * filters do not read the .txt spill files; past this budget the oldest segments are read from disk.
   * Default 160 MiB.
   */
  searchCacheBytes?: number;
}

export const LOG_STORE_DEFAULTS = { maxEntries: 1_000_000, memoryEntries: 100_000, memoryBytes: 64 * 1024 * 1024, maxSearchChars: 2048, searchCacheBytes: 160 * 1024 * 1024 };

interface Segment {
  start: number;
  count: number;
  kinds: Uint8Array;
  dirs: Uint8Array;
  /** Present while the segment is in the memory window. */
  entries: ProbeLogEntry[] | null;
  texts: string[] | null;
  bytes: number;
  /** Written to `<base>.ndjson` (entries) and `<base>.txt` (search text, one line each). */
  spilled: boolean;
  /** Char offset of each line in the .txt file (set when spilled). */
  textOffsets: Uint32Array | null;
  /** The .txt content, while within searchCacheBytes. */
  joined: string | null;
  base: string;
}

export interface LogQuery {
  filter: ProbeLogFilter;
  offset: number;
  limit: number;
  anchorIndex?: number;
}

export interface LogPage {
  entries: ProbeLogEntry[];
  offset: number;
  matched: number;
}

interface Compiled {
  key: string;
  kinds: Set<number> | null;
  dirs: Set<number> | null;
  needle: string | null;
  regex: RegExp | null;
  /** The same source with g+m flags, for scanning a whole segment's joined text. */
  regexAll: RegExp | null;
}

/**
 * A session's log: appended in index order, never rewritten. The newest segments stay in memory;
 * full segments are written to disk at once (so exports and cold reads are cheap) and released from
 * memory when the window is exceeded. Kind/direction codes and search-text line offsets stay in
 * memory for every retained entry (~6 bytes each), so filters never parse spilled JSON.
 */
export class LogStore {
  private readonly opts: Required<LogStoreOptions>;
  private segments: Segment[] = [];
  private firstIndex = 0;
  private nextIndex = 0;
  private droppedCount = 0;
  private joinedBytes = 0;
  private cache: { key: string; matches: number[]; scannedTo: number } | null = null;
  private lineCache: { base: string; lines: string[] }[] = [];

  constructor(opts: LogStoreOptions) {
    const maxEntries = opts.maxEntries ?? LOG_STORE_DEFAULTS.maxEntries;
    this.opts = {
      dir: opts.dir,
      maxEntries,
      segmentSize: opts.segmentSize ?? Math.max(16, Math.min(8192, Math.floor(maxEntries / 8))),
      memoryEntries: opts.memoryEntries ?? LOG_STORE_DEFAULTS.memoryEntries,
      memoryBytes: opts.memoryBytes ?? LOG_STORE_DEFAULTS.memoryBytes,
      maxSearchChars: opts.maxSearchChars ?? LOG_STORE_DEFAULTS.maxSearchChars,
      searchCacheBytes: opts.searchCacheBytes ?? LOG_STORE_DEFAULTS.searchCacheBytes,
    };
    if (this.opts.segmentSize >= maxEntries) throw new RangeError('log store: segmentSize must be below maxEntries');
    mkdirSync(this.opts.dir, { recursive: true });
  }

  get stats(): { firstIndex: number; nextIndex: number; dropped: number; spilled: number } {
    let spilled = 0;
    for (const s of this.segments) if (!s.entries) spilled += s.count;
    return { firstIndex: this.firstIndex, nextIndex: this.nextIndex, dropped: this.droppedCount, spilled };
  }

  get size(): number {
    return this.nextIndex - this.firstIndex;
  }

  append(partial: NewLogEntry): ProbeLogEntry {
    const entry = { ...partial, index: this.nextIndex, at: partial.at ?? new Date().toISOString() } as ProbeLogEntry;
    let seg = this.segments[this.segments.length - 1];
    if (!seg || seg.count === this.opts.segmentSize) {
      if (seg) this.seal(seg);
      seg = this.newSegment(this.nextIndex);
      this.segments.push(seg);
      this.enforceLimits();
    }
    const i = seg.count++;
    seg.kinds[i] = kindCode(entry.kind);
    seg.dirs[i] = directionCode(entry.direction);
    const text = searchText(entry, this.opts.maxSearchChars);
    seg.entries!.push(entry);
    seg.texts!.push(text);
    seg.bytes += 200 + text.length + ('data' in entry ? entry.data.length : 0);
    this.nextIndex++;
    if (this.size > this.opts.maxEntries) this.dropOldest();
    return entry;
  }

  /** Entry by index, or null when dropped / not yet written. */
  get(index: number): ProbeLogEntry | null {
    const seg = this.segmentOf(index);
    if (!seg) return null;
    const i = index - seg.start;
    if (seg.entries) return seg.entries[i] ?? null;
    const line = this.linesOf(seg)[i];
    return line ? (JSON.parse(line) as ProbeLogEntry) : null;
  }

  query(q: LogQuery): LogPage {
    const c = compileFilter(q.filter);
    if (!c.kinds && !c.dirs && c.needle === null && !c.regex) {
      const matched = this.size;
      const offset = q.anchorIndex !== undefined ? pageStart(Math.max(0, q.anchorIndex - this.firstIndex), q.limit) : q.offset;
      const entries: ProbeLogEntry[] = [];
      for (let k = offset; k < Math.min(matched, offset + q.limit); k++) {
        const e = this.get(this.firstIndex + k);
        if (e) entries.push(e);
      }
      return { entries, offset, matched };
    }
    const matches = this.matchesFor(c);
    let offset = q.offset;
    if (q.anchorIndex !== undefined) offset = pageStart(lowerBound(matches, q.anchorIndex), q.limit);
    const entries: ProbeLogEntry[] = [];
    for (const idx of matches.slice(offset, offset + q.limit)) {
      const e = this.get(idx);
      if (e) entries.push(e);
    }
    return { entries, offset, matched: matches.length };
  }

  /** Visits every retained entry in index order, one segment per macrotask so the core stays responsive. */
  async forEachEntry(visit: (e: ProbeLogEntry) => void | Promise<void>): Promise<void> {
    for (const seg of [...this.segments]) {
      const entries = seg.entries ? [...seg.entries] : this.linesOf(seg).map((l) => JSON.parse(l) as ProbeLogEntry);
      for (const e of entries) if (e.index >= this.firstIndex) await visit(e);
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  dispose(): void {
    this.segments = [];
    this.joinedBytes = 0;
    this.lineCache = [];
    this.cache = null;
    rmSync(this.opts.dir, { recursive: true, force: true });
  }

  private newSegment(start: number): Segment {
    const size = this.opts.segmentSize;
    return { start, count: 0, kinds: new Uint8Array(size), dirs: new Uint8Array(size), entries: [], texts: [], bytes: 0, spilled: false, textOffsets: null, joined: null, base: join(this.opts.dir, `seg-${String(start).padStart(10, '0')}`) };
  }

  private seal(seg: Segment): void {
    if (seg.spilled || !seg.entries || !seg.texts) return;
    writeFileSync(`${seg.base}.ndjson`, seg.entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const offsets = new Uint32Array(seg.count + 1);
    let pos = 0;
    seg.texts.forEach((t, i) => {
      offsets[i] = pos;
      pos += t.length + 1;
    });
    offsets[seg.count] = pos;
    const joined = seg.texts.join('\n') + '\n';
    writeFileSync(`${seg.base}.txt`, joined);
    seg.textOffsets = offsets;
    seg.joined = joined;
    this.joinedBytes += joined.length;
    seg.spilled = true;
  }

  private enforceLimits(): void {
    for (const s of this.segments) {
      if (this.joinedBytes <= this.opts.searchCacheBytes) break;
      if (!s.joined) continue;
      this.joinedBytes -= s.joined.length;
      s.joined = null;
    }
    let hotEntries = 0;
    let hotBytes = 0;
    for (const s of this.segments) {
      if (s.entries) {
        hotEntries += s.count;
        hotBytes += s.bytes;
      }
    }
    for (const s of this.segments) {
      if (hotEntries <= this.opts.memoryEntries && hotBytes <= this.opts.memoryBytes) break;
      if (!s.entries || !s.spilled) continue;
      hotEntries -= s.count;
      hotBytes -= s.bytes;
      s.entries = null;
      s.texts = null;
    }
  }

  /** Past the cap: the oldest whole segment goes (segmentSize < maxEntries, so it is a sealed one). */
  private dropOldest(): void {
    while (this.size > this.opts.maxEntries && this.segments.length > 1) {
      const old = this.segments.shift()!;
      if (old.joined) this.joinedBytes -= old.joined.length;
      this.droppedCount += old.count;
      this.firstIndex = old.start + old.count;
      for (const ext of ['.ndjson', '.txt']) {
        try {
          unlinkSync(old.base + ext);
        } catch {
          // already gone: nothing to release
        }
      }
      this.lineCache = this.lineCache.filter((c) => c.base !== old.base);
    }
  }

  private segmentOf(index: number): Segment | undefined {
    if (index < this.firstIndex || index >= this.nextIndex) return undefined;
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid]!.start <= index) lo = mid;
      else hi = mid - 1;
    }
    return this.segments[lo];
  }

  /** Parsed lines of a cold segment; the last two are cached because paging hits the same segment. */
  private linesOf(seg: Segment): string[] {
    const hit = this.lineCache.find((c) => c.base === seg.base);
    if (hit) return hit.lines;
    const lines = readFileSync(`${seg.base}.ndjson`, 'utf8').split('\n');
    this.lineCache = [{ base: seg.base, lines }, ...this.lineCache].slice(0, 2);
    return lines;
  }

  private matchesFor(c: Compiled): number[] {
    if (!this.cache || this.cache.key !== c.key || this.cache.scannedTo < this.firstIndex) {
      this.cache = { key: c.key, matches: [], scannedTo: this.firstIndex };
    }
    const cache = this.cache;
    if (cache.matches.length && cache.matches[0]! < this.firstIndex) cache.matches = cache.matches.slice(lowerBound(cache.matches, this.firstIndex));
    for (const seg of this.segments) {
      if (seg.start + seg.count <= cache.scannedTo) continue;
      this.scanSegment(seg, c, Math.max(cache.scannedTo, seg.start), cache.matches);
    }
    cache.scannedTo = this.nextIndex;
    return cache.matches;
  }

  private scanSegment(seg: Segment, c: Compiled, from: number, out: number[]): void {
    const begin = from - seg.start;
    const passesCodes = (i: number): boolean => (!c.kinds || c.kinds.has(seg.kinds[i]!)) && (!c.dirs || c.dirs.has(seg.dirs[i]!));
    if (c.needle === null && !c.regex) {
      for (let i = begin; i < seg.count; i++) if (passesCodes(i)) out.push(seg.start + i);
      return;
    }
    if (seg.texts && !seg.spilled) {
      const texts = seg.texts;
      for (let i = begin; i < seg.count; i++) {
        const t = texts[i]!;
        if (passesCodes(i) && (c.regex ? c.regex.test(t) : t.includes(c.needle!))) out.push(seg.start + i);
      }
      return;
    }
    const all = seg.joined ?? readFileSync(`${seg.base}.txt`, 'utf8');
    const offsets = seg.textOffsets!;
    if (c.regex && c.regexAll) {
      // One global, multiline scan of the segment instead of a test per line (3x faster than split+test);
      // each hit's line is re-tested alone, so a match reaching across a line break cannot count.
      const re = c.regexAll;
      re.lastIndex = offsets[begin]!;
      for (let m = re.exec(all); m !== null; m = re.exec(all)) {
        const line = upperBound(offsets, m.index) - 1;
        if (line >= seg.count) break;
        const text = seg.texts?.[line] ?? all.slice(offsets[line]!, offsets[line + 1]! - 1);
        if (passesCodes(line) && c.regex.test(text)) out.push(seg.start + line);
        re.lastIndex = offsets[line + 1]!;
      }
      return;
    }
    // Substring over the whole segment text, then map hits to lines: one indexOf per matching line.
    // indexOf crawls when the needle starts with a character that is everywhere in JSON (`"`, `{`, `:`),
    // so search from its first letter/digit and check the full needle around each hit (5x on `"s42",`).
    const needle = c.needle!;
    const k = Math.max(0, needle.search(/[\p{L}\p{N}]/u));
    const anchor = needle.slice(k);
    let pos = offsets[begin]! + k;
    for (;;) {
      const found = all.indexOf(anchor, pos);
      if (found === -1) break;
      const hit = found - k;
      if (k > 0 && !all.startsWith(needle, hit)) {
        pos = found + 1;
        continue;
      }
      const line = upperBound(offsets, hit) - 1;
      if (line >= seg.count) break;
      if (passesCodes(line)) out.push(seg.start + line);
      pos = offsets[line + 1]! + k;
    }
  }
}

export function compileFilter(f: ProbeLogFilter): Compiled {
  let regex: RegExp | null = null;
  let regexAll: RegExp | null = null;
  if (f.regex) {
    try {
      regex = new RegExp(f.regex, 'i');
      regexAll = new RegExp(f.regex, 'gim');
    } catch (err) {
      throw ConsoleError.of(ErrorCode.Validation, `filter.regex: ${(err as Error).message}`, { field: 'filter.regex' });
    }
  }
  const needle = f.text ? f.text.toLowerCase().replace(/[\r\n]/g, ' ') : null;
  const kinds = f.kinds && f.kinds.length ? new Set(f.kinds.map(kindCode)) : null;
  const dirs = f.directions && f.directions.length ? new Set(f.directions.map(directionCode)) : null;
  return { key: JSON.stringify([needle, f.regex ?? null, [...(kinds ?? [])].sort(), [...(dirs ?? [])].sort()]), kinds, dirs, needle, regex, regexAll };
}

const pageStart = (position: number, limit: number): number => Math.floor(position / limit) * limit;

function lowerBound(a: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
