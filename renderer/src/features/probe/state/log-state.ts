import type { ProbeDirection, ProbeLogFilter, ProbeLogKind, ProbeLogRow, ProbeLogStats } from '../../../../../protocol/console/probe';

/**
 * The log view of one session. The core holds the log (up to millions of entries); the view holds
 * only the rows near what is on screen, keyed by their position in the (filtered) list, plus the
 * counters. Every function here is pure and returns a new LogView when something changed.
 */

/** Rows fetched per query page. */
export const PAGE_SIZE = 200;
/** Rows kept in the view's cache; the farthest from the last fetched page are evicted first. */
export const ROW_CACHE_LIMIT = 4000;

export const ALL_DIRECTIONS: readonly ProbeDirection[] = ['in', 'out', 'local'];
export const ALL_KINDS: readonly ProbeLogKind[] = ['frame', 'ping', 'pong', 'close', 'error', 'state', 'handshake-request', 'handshake-response', 'reconnect', 'info'];

export interface LogFilterUi {
  text: string;
  regex: boolean;
  /** Empty = all. */
  directions: ProbeDirection[];
  /** Empty = all. */
  kinds: ProbeLogKind[];
}

export interface LogView {
  filter: LogFilterUi;
  /** Shown inline under the filter input; the previous filter stays applied meanwhile. */
  filterError: string | null;
  /** The filter as sent to the core; its JSON is the cache key (`filterKey`). */
  applied: ProbeLogFilter;
  filterKey: string;
  /** Rows in the (filtered) list as displayed; frozen while paused. */
  matched: number;
  /** False right after a filter change, until the first page tells the filtered count. */
  countKnown: boolean;
  stats: ProbeLogStats;
  paused: boolean;
  /** Entries appended while paused (shown as "N new"). */
  newWhilePaused: number;
  /** Auto-scroll to the newest entry. */
  follow: boolean;
  rows: ReadonlyMap<number, ProbeLogRow>;
  /**
   * Unfiltered, position = entry index - base. base follows stats.firstIndex except while paused,
   * so a paused list does not move when old entries are dropped.
   */
  base: number;
  /** Selected entries (by entry index, stable across filters). */
  selected: readonly number[];
  /** Entries whose full view is open. */
  expanded: readonly number[];
  /** Entry to scroll to and highlight (jump to pair), with its position once known. */
  focus: { index: number; pos: number | null } | null;
}

export const emptyStats = (): ProbeLogStats => ({ firstIndex: 0, nextIndex: 0, dropped: 0, spilled: 0, floodPauses: 0, lastRttMs: null });

export const emptyFilter = (): LogFilterUi => ({ text: '', regex: false, directions: [], kinds: [] });

export function emptyLog(stats: ProbeLogStats = emptyStats()): LogView {
  return {
    filter: emptyFilter(),
    filterError: null,
    applied: {},
    filterKey: '{}',
    matched: stats.nextIndex - stats.firstIndex,
    countKnown: true,
    stats,
    paused: false,
    newWhilePaused: 0,
    follow: true,
    rows: new Map(),
    base: stats.firstIndex,
    selected: [],
    expanded: [],
    focus: null,
  };
}

/** The core's filter for what the user typed; regexes are checked here so the error shows at once. */
export function toCoreFilter(f: LogFilterUi): { ok: true; filter: ProbeLogFilter } | { ok: false; error: string } {
  const out: ProbeLogFilter = {};
  if (f.text !== '') {
    if (f.regex) {
      try {
        // Same flags as the core (case-insensitive), so valid here means valid there.
        new RegExp(f.text, 'i');
      } catch (err) {
        return { ok: false, error: `invalid regular expression: ${err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err)}` };
      }
      out.regex = f.text;
    } else {
      out.text = f.text;
    }
  }
  if (f.directions.length > 0 && f.directions.length < ALL_DIRECTIONS.length) out.directions = [...f.directions].sort();
  if (f.kinds.length > 0 && f.kinds.length < ALL_KINDS.length) out.kinds = [...f.kinds].sort();
  return { ok: true, filter: out };
}

export const isUnfiltered = (log: LogView) => log.filterKey === '{}';

export function setFilter(log: LogView, filter: LogFilterUi): LogView {
  const r = toCoreFilter(filter);
  if (!r.ok) return { ...log, filter, filterError: r.error };
  const key = JSON.stringify(r.filter);
  if (key === log.filterKey) return { ...log, filter, filterError: null };
  const unfiltered = key === '{}';
  return {
    ...log,
    filter,
    filterError: null,
    applied: r.filter,
    filterKey: key,
    // Unfiltered, the count is known from the stats; filtered, it arrives with the first query.
    matched: unfiltered ? log.stats.nextIndex - log.base : 0,
    countKnown: unfiltered,
    rows: new Map(),
    focus: null,
  };
}

/**
 * One animation frame's worth of `probe.log` events (summed). Unfiltered, positions are
 * `index - firstIndex`, so entries dropped at the front shift every cached row; filtered, the
 * rows are simply refetched (the caller refreshes what is visible after every batch).
 */
export function applyLogBatch(log: LogView, appended: number, stats: ProbeLogStats): LogView {
  if (log.paused) return { ...log, stats, newWhilePaused: log.newWhilePaused + appended };
  return rebase(log, stats);
}

/** Takes newer stats: moves `base` to the first retained entry and shifts cached rows with it. */
function rebase(log: LogView, stats: ProbeLogStats): LogView {
  const unfiltered = isUnfiltered(log);
  const shift = stats.firstIndex - log.base;
  let rows = log.rows;
  if (shift !== 0) {
    if (unfiltered) {
      const next = new Map<number, ProbeLogRow>();
      for (const [pos, row] of log.rows) if (pos - shift >= 0) next.set(pos - shift, row);
      rows = next;
    } else {
      rows = new Map();
    }
  }
  const matched = unfiltered ? stats.nextIndex - stats.firstIndex : log.matched;
  return { ...log, stats, matched, rows, base: stats.firstIndex };
}

/** The core's offset for a list position (they differ in an unfiltered list paused across drops). */
export function coreOffset(log: LogView, pos: number): number {
  return isUnfiltered(log) ? Math.max(0, pos + log.base - log.stats.firstIndex) : pos;
}

export interface QueryResult {
  rows: ProbeLogRow[];
  offset: number;
  matched: number;
  stats: ProbeLogStats;
}

/** Lands a query page. Pages of another filter (the user typed meanwhile) are dropped. */
export function applyQueryResult(log: LogView, filterKey: string, res: QueryResult): LogView {
  if (filterKey !== log.filterKey) return log;
  const unfiltered = isUnfiltered(log);
  // Newer counters ride along with every page; a paused list keeps its frozen positions.
  const newer = res.stats.nextIndex >= log.stats.nextIndex && res.stats.firstIndex >= log.stats.firstIndex;
  const cur = log.paused || !newer ? log : rebase(log, res.stats);
  const rows = new Map(cur.rows);
  const posOf = (row: ProbeLogRow, i: number) => (unfiltered ? row.entry.index - cur.base : res.offset + i);
  res.rows.forEach((row, i) => rows.set(posOf(row, i), row));
  const matched = unfiltered || (cur.paused && cur.countKnown) ? cur.matched : res.matched;
  let focus = cur.focus;
  if (focus && focus.pos === null) {
    const want = focus.index;
    const i = res.rows.findIndex((r) => r.entry.index === want);
    if (i >= 0) focus = { index: want, pos: posOf(res.rows[i]!, i) };
  }
  const firstPos = res.rows.length > 0 ? posOf(res.rows[0]!, 0) : res.offset;
  return { ...cur, rows: evict(rows, firstPos), matched, countKnown: true, focus };
}

function evict(rows: Map<number, ProbeLogRow>, around: number, limit = ROW_CACHE_LIMIT): Map<number, ProbeLogRow> {
  if (rows.size <= limit) return rows;
  const keep = [...rows.keys()].sort((a, b) => Math.abs(a - around) - Math.abs(b - around)).slice(0, limit);
  const next = new Map<number, ProbeLogRow>();
  for (const k of keep) next.set(k, rows.get(k)!);
  return next;
}

/** Page-aligned ranges holding rows of [start, end) that are not cached yet. */
export function missingPages(log: LogView, start: number, end: number, pageSize = PAGE_SIZE): Array<{ offset: number; limit: number }> {
  const out: Array<{ offset: number; limit: number }> = [];
  const last = Math.min(end, log.matched);
  for (let p = Math.floor(Math.max(0, start) / pageSize) * pageSize; p < last; p += pageSize) {
    let missing = false;
    for (let i = Math.max(p, start); i < Math.min(p + pageSize, last); i++) {
      if (!log.rows.has(i)) {
        missing = true;
        break;
      }
    }
    if (missing) out.push({ offset: p, limit: pageSize });
  }
  return out;
}

export function setPaused(log: LogView, paused: boolean): LogView {
  if (paused === log.paused) return log;
  if (paused) return { ...log, paused: true, newWhilePaused: 0 };
  // Resuming: counts catch up with the stats that kept arriving; rows are refetched.
  const resumed = rebase({ ...log, paused: false, newWhilePaused: 0 }, log.stats);
  return isUnfiltered(log) ? resumed : { ...resumed, rows: new Map() };
}

/** Click selects one entry; with `additive` (Ctrl/Cmd) it toggles that entry in the selection. */
export function select(log: LogView, index: number, additive: boolean): LogView {
  if (!additive) return { ...log, selected: log.selected.length === 1 && log.selected[0] === index ? [] : [index] };
  const has = log.selected.includes(index);
  return { ...log, selected: has ? log.selected.filter((i) => i !== index) : [...log.selected, index].sort((a, b) => a - b) };
}

export function toggleExpanded(log: LogView, index: number): LogView {
  const has = log.expanded.includes(index);
  return { ...log, expanded: has ? log.expanded.filter((i) => i !== index) : [...log.expanded, index] };
}

/** Starts a jump: the row is highlighted once a query tells its position. Jumping stops following. */
export function focusEntry(log: LogView, index: number): LogView {
  for (const [pos, row] of log.rows) if (row.entry.index === index) return { ...log, follow: false, focus: { index, pos } };
  return { ...log, follow: false, focus: { index, pos: null } };
}
