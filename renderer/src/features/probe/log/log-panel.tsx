import { useCallback, useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useStore } from '../../../store';
import { useTimeMode } from '../../../lib/time';
import { FilterBar } from './filter-bar';
import { LogRow } from './log-row';
import type { LogFilterUi } from '../state/log-state';

const ROW_HEIGHT = 24;
/**
 * Browsers cap an element's height near 33.5M px, so at most this many rows are scrollable; with
 * more, the list shows the newest ones (older ones stay reachable through the filter and export).
 */
export const MAX_SCROLL_ROWS = 1_300_000;
/** Above this many rows, the list's length follows the log at most every THROTTLE_MS: the virtualizer's layout pass is O(rows). */
const THROTTLE_ABOVE = 100_000;
const THROTTLE_MS = 250;

/** The row count the list lays out: the real one, but at most every THROTTLE_MS for long lists. */
function useLaidOutCount(count: number): number {
  const [shown, setShown] = useState(count);
  const last = useRef(0);
  useEffect(() => {
    if (count === shown) return;
    const wait = count < THROTTLE_ABOVE ? 0 : Math.max(0, last.current + THROTTLE_MS - performance.now());
    const t = setTimeout(() => {
      last.current = performance.now();
      setShown(count);
    }, wait);
    return () => clearTimeout(t);
  }, [count, shown]);
  return count < THROTTLE_ABOVE ? count : shown;
}

/** The session log: filter bar, counters, and the virtualized list paging through the core's log. */
export function LogPanel({ id }: { id: string }) {
  const log = useStore((s) => s.probe.logs[id]);
  const correlation = useStore((s) => s.probe.sessions[id]?.config.correlation);
  const timeMode = useTimeMode();
  const setTimeMode = useStore((s) => s.setTimeMode);
  const setFilter = useStore((s) => s.probeSetFilter);
  const setPaused = useStore((s) => s.probeSetPaused);
  const setFollow = useStore((s) => s.probeSetFollow);
  const selectEntry = useStore((s) => s.probeSelect);
  const toggle = useStore((s) => s.probeToggleExpanded);
  const jump = useStore((s) => s.probeJumpTo);
  const reportRange = useStore((s) => s.probeVisibleRange);
  const resend = useStore((s) => s.probeResendSelected);
  const notify = useStore((s) => s.notify);

  const scroller = useRef<HTMLDivElement>(null);
  const laidOut = useLaidOutCount(log?.matched ?? 0);
  const count = Math.min(laidOut, MAX_SCROLL_ROWS);
  // List index i shows log position skip + i.
  const skip = laidOut - count;
  const virt = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (i) => i,
  });
  const items = virt.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = (items[items.length - 1]?.index ?? 0) + 1;

  useEffect(() => {
    reportRange(id, skip + first, skip + last);
  }, [id, first, last, skip, count, log?.filterKey, reportRange]);

  // Follow: keep the newest entry in view whenever the count grows.
  const programmatic = useRef(0);
  useEffect(() => {
    if (log?.follow && count > 0) {
      programmatic.current = performance.now();
      virt.scrollToIndex(count - 1, { align: 'end' });
    }
  }, [count, log?.follow, virt]);

  const focusPos = log?.focus?.pos ?? null;
  useEffect(() => {
    if (focusPos !== null) {
      programmatic.current = performance.now();
      virt.scrollToIndex(Math.max(0, focusPos - skip), { align: 'center' });
    }
  }, [focusPos, skip, virt]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el || !log) return;
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT * 1.5;
    if (performance.now() - programmatic.current < 150) return;
    if (log.follow && !atBottom) setFollow(id, false);
    else if (!log.follow && atBottom && !log.paused) setFollow(id, true);
  };

  const onFilter = useCallback((f: LogFilterUi) => setFilter(id, f), [id, setFilter]);
  const onSelect = useCallback((index: number, additive: boolean) => selectEntry(id, index, additive), [id, selectEntry]);
  const onToggle = useCallback((index: number) => toggle(id, index), [id, toggle]);
  const onJump = useCallback((index: number) => void jump(id, index), [id, jump]);
  const onCopy = useCallback(
    (text: string) => {
      navigator.clipboard.writeText(text).then(
        () => notify('info', 'Copied to the clipboard.'),
        () => notify('error', 'The clipboard is not available here.'),
      );
    },
    [notify],
  );
  const onTimeClick = useCallback(() => setTimeMode(timeMode === 'utc' ? 'local' : 'utc'), [setTimeMode, timeMode]);

  if (!log) return null;
  const total = log.stats.nextIndex - log.stats.firstIndex;
  return (
    <div className="probe-log">
      <div className="toolbar probe-log-bar">
        <FilterBar filter={log.filter} error={log.filterError} onChange={onFilter} />
        <span className="spacer" />
        <button type="button" className="btn small" aria-pressed={log.paused} onClick={() => setPaused(id, !log.paused)}>
          {log.paused ? `Resume${log.newWhilePaused ? ` (${log.newWhilePaused.toLocaleString()} new)` : ''}` : 'Pause'}
        </button>
        <button type="button" className="btn small" aria-pressed={log.follow} onClick={() => setFollow(id, !log.follow)} title="auto-scroll to the newest entry">
          Auto-scroll
        </button>
        <button type="button" className="btn small" disabled={log.selected.length === 0} onClick={() => void resend(id)}>
          Re-send{log.selected.length ? ` ${log.selected.length}` : ''}
        </button>
      </div>
      {log.filterError && <div className="probe-filter-error-strip" role="alert">{log.filterError}</div>}
      <div className="probe-list" ref={scroller} onScroll={onScroll} role="region" aria-label="session log">
        <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
          {items.map((it) => {
            const row = log.rows.get(skip + it.index);
            return (
              <div key={it.key} data-index={it.index} ref={virt.measureElement} className="probe-vrow" style={{ transform: `translateY(${it.start}px)` }}>
                {row ? (
                  <LogRow
                    row={row}
                    timeMode={timeMode}
                    selected={log.selected.includes(row.entry.index)}
                    expanded={log.expanded.includes(row.entry.index)}
                    focused={log.focus?.index === row.entry.index}
                    onSelect={onSelect}
                    onToggle={onToggle}
                    onJump={onJump}
                    onCopy={onCopy}
                    onTimeClick={onTimeClick}
                  />
                ) : (
                  <div className="probe-line probe-loading muted">…</div>
                )}
              </div>
            );
          })}
        </div>
        {count === 0 && <div className="empty">{log.filterKey === '{}' ? 'Nothing logged yet.' : 'No entries match the filter.'}</div>}
      </div>
      <div className="probe-log-status">
        <span className="counts" data-testid="probe-counts">
          <b>{log.matched.toLocaleString()}</b>
          {log.filterKey !== '{}' && <> of {total.toLocaleString()}</>} entries
        </span>
        {log.stats.dropped > 0 && (
          <span className="badge warn" title="oldest entries dropped by the log's retention cap" data-testid="probe-dropped">
            {log.stats.dropped.toLocaleString()} dropped
          </span>
        )}
        {log.stats.floodPauses > 0 && <span className="badge warn" title="reading paused to keep up (nothing lost)">flood-paused ×{log.stats.floodPauses}</span>}
        {log.paused && log.newWhilePaused > 0 && <span className="muted">{log.newWhilePaused.toLocaleString()} new while paused</span>}
        {skip > 0 && <span className="badge warn" title="older entries are beyond the scroll range; filter or export to see them">newest {count.toLocaleString()} scrollable</span>}
        {log.selected.length > 0 && <span className="muted">{log.selected.length} selected (Ctrl/⌘+click adds)</span>}
        <span className="spacer" />
        {correlation && (
          <span className="muted" data-testid="probe-pairing" title="change under Edit → Request/reply pairing (applies from the next connect)">
            {!correlation.enabled ? 'pairing off' : correlation.preset === 'jsonrpc' ? 'pairing JSON-RPC 2.0 (id)' : `pairing ${correlation.requestPath} ↔ ${correlation.replyPath}`}
          </span>
        )}
        <span className="muted">times in {timeMode === 'utc' ? 'UTC' : 'local time'} (click a time to switch)</span>
      </div>
    </div>
  );
}
