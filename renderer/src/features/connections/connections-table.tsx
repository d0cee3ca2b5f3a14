import { memo, useCallback, useMemo, useRef, useState, type CSSProperties } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { closeCodeNames } from '../../../../protocol/close-codes';
import type { Row } from './connection-table';
import { formatClock, formatTime, timeTitle, type TimeMode } from '../../lib/time';
import { useStore } from '../../store';
import { groupRuns, visibleColumns, type ColumnDef } from './columns';

export const ROW_HEIGHT = 24;
/** Rows rendered beyond the viewport on each side, so fast scrolling does not flash blanks. */
const OVERSCAN = 12;
/**
 * The virtualizer rebuilds its per-item measurement array (one object per row) whenever `count`
 * changes, which at 100k rows and thousands of opens/closes per second would churn the heap every
 * frame. Rows have one fixed height, so we round count up to a chunk and size the body ourselves:
 * the rebuild then happens only when the table crosses a chunk boundary.
 */
const COUNT_CHUNK = 1024;

const closeLabel = (code: number) => (code === 0 ? 'stream lost' : `${code}${closeCodeNames[code] ? ` ${closeCodeNames[code]}` : ''}`);

interface RowProps {
  row: Row;
  /** When the row became last-known (its staleSince, or when the console's backend went away), else null. */
  staleAt: string | null;
  cols: ColumnDef[];
  template: string;
  mode: TimeMode;
  selected: boolean;
  top: number;
  index: number;
  onSelect: (key: string) => void;
  onToggleTime: () => void;
  checked: boolean;
  onCheck: (key: string) => void;
}

/** Width of the leading tick-box column (bulk selection). */
export const CHECK_WIDTH = 28;

const TableRow = memo(function TableRow({ row, staleAt, cols, template, mode, selected, top, index, onSelect, onToggleTime, checked, onCheck }: RowProps) {
  const c = row.c;
  const style: CSSProperties = { gridTemplateColumns: `${CHECK_WIDTH}px ${template}`, transform: `translateY(${top}px)`, width: '100%' };
  const stale = staleAt !== null && !row.closed;
  return (
    <div
      className={`tr row ${selected ? 'selected' : ''} ${row.closed ? 'closed' : ''} ${stale ? 'stale' : ''}`}
      data-stale={stale ? 'true' : undefined}
      style={style}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-row-key={row.key}
      data-client-id={c.clientId ?? ''}
      data-checked={checked ? 'true' : undefined}
      onClick={() => onSelect(row.key)}
    >
      <div className="td check" role="gridcell" onClick={(e) => e.stopPropagation()}>
        <input type="checkbox" checked={checked} onChange={() => onCheck(row.key)} aria-label={`Select ${c.clientId ?? c.connectionId}`} data-testid="row-check" tabIndex={-1} />
      </div>
      {cols.map((col, i) => {
        const v = col.value(c);
        if (col.kind === 'time' || col.kind === 'clock') {
          const iso = typeof v === 'string' ? v : null;
          return (
            <div
              key={col.id}
              className="td time"
              role="gridcell"
              data-col={col.id}
              data-time={iso ?? ''}
              onMouseEnter={(e) => (e.currentTarget.title = timeTitle(iso, Date.now()))}
              onClick={(e) => {
                e.stopPropagation();
                onToggleTime();
              }}
            >
              {col.kind === 'clock' ? formatClock(iso, mode) : formatTime(iso, mode)}
            </div>
          );
        }
        const text = v === null ? '—' : String(v);
        return (
          <div key={col.id} className={`td ${col.kind === 'mono' ? 'mono' : ''} ${col.kind === 'num' ? 'num' : ''} ${v === null ? 'muted' : ''} ${col.id === 'state' && c.state === 'awaiting-login' ? 'state-awaiting' : ''}`} role="gridcell" title={text}>
            {i === 0 && stale ? (
              <span className="stale-tag" data-testid="stale-tag" title={`Stale since ${formatTime(staleAt, mode)}: no live server reports this connection; this is what was last seen`}>
                stale {formatClock(staleAt, mode).slice(0, 5)}
              </span>
            ) : null}
            {i === 0 && row.closed ? (
              <span className="close-tag" data-testid="close-tag" title={`closed ${closeLabel(row.closed.code)}${row.closed.reason ? `: ${row.closed.reason}` : ''}`}>
                {row.closed.code === 0 ? 'lost' : row.closed.code}
              </span>
            ) : null}
            {text}
          </div>
        );
      })}
    </div>
  );
});

function HeaderCell({ col, sortDir, width, onSort, onResize }: { col: ColumnDef; sortDir: 'asc' | 'desc' | null; width: number; onSort: () => void; onResize: (w: number) => void }) {
  const [active, setActive] = useState(false);
  const startResize = (e: React.PointerEvent) => {
    e.stopPropagation();
    e.preventDefault();
    const startX = e.clientX;
    const target = e.currentTarget as HTMLElement;
    target.setPointerCapture(e.pointerId);
    setActive(true);
    const move = (ev: PointerEvent) => onResize(width + ev.clientX - startX);
    const up = () => {
      setActive(false);
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };
  return (
    <div
      className={`th ${col.kind === 'num' ? 'num' : ''}`}
      role="columnheader"
      aria-sort={sortDir === null ? 'none' : sortDir === 'asc' ? 'ascending' : 'descending'} onClick={onSort} title={`Sort by ${col.label}`} data-col={col.id}
      tabIndex={0}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          e.stopPropagation();
          onSort();
        }
      }}
    >
      {col.label}
      {sortDir ? <span className="arrow">{sortDir === 'asc' ? '▲' : '▼'}</span> : null}
      <span className={`resizer ${active ? 'active' : ''}`} onPointerDown={startResize} onClick={(e) => e.stopPropagation()} aria-hidden />
    </div>
  );
}

export function ConnectionsTable() {
  const table = useStore((s) => s.conns.table);
  const columnIds = useStore((s) => s.ui.columns);
  const widths = useStore((s) => s.ui.widths);
  const mode = useStore((s) => s.settings.timeMode);
  const selectedKey = useStore((s) => s.ui.selectedRowKey);
  const selectRow = useStore((s) => s.selectRow);
  const setSort = useStore((s) => s.setSort);
  const setWidth = useStore((s) => s.setColumnWidth);
  const setTimeMode = useStore((s) => s.setTimeMode);
  const loading = useStore((s) => s.conns.loading);
  const checked = useStore((s) => s.conns.checked);
  const toggleChecked = useStore((s) => s.toggleChecked);
  const setChecked = useStore((s) => s.setChecked);
  const allChecked = table.view.length > 0 && checked.size > 0 && table.view.every((k) => checked.has(k) || !!table.rows.get(k)?.closed);
  const linkDownSince = useStore((s) => (s.app.link.state === 'reconnecting' || s.app.link.state === 'failed' ? (s.app.link.downSince ?? null) : null));
  const linkStaleIso = useMemo(() => (linkDownSince !== null ? new Date(linkDownSince).toISOString() : null), [linkDownSince]);
  const noneLive = useStore((s) => {
    const st = s.conns.clusterId ? s.clusters.states[s.conns.clusterId] : undefined;
    return !!st && st.open && st.servers.length > 0 && st.servers.every((x) => x.status !== 'connected') && st.servers.some((x) => x.status !== 'connecting');
  });
  const scrollRef = useRef<HTMLDivElement>(null);
  const theadRef = useRef<HTMLDivElement>(null);
  // Rows start below the sticky header; telling the virtualizer keeps its range and scrollToIndex exact.
  const headerHeight = theadRef.current?.offsetHeight ?? 45;

  // Stable identities, so memoized rows re-render only when their own data changes.
  const cols = useMemo(() => visibleColumns(columnIds), [columnIds]);
  const { template, groupTemplate, runs, totalWidth } = useMemo(() => {
    const w = (c: ColumnDef) => widths[c.id] ?? c.width;
    const runs = groupRuns(cols);
    let at = 0;
    const groupTemplate = runs
      .map((r) => {
        const px = cols.slice(at, at + r.span).reduce((n, c) => n + w(c), 0);
        at += r.span;
        return `${px}px`;
      })
      .join(' ');
    return { template: cols.map((c) => `${w(c)}px`).join(' '), groupTemplate, runs, totalWidth: CHECK_WIDTH + cols.reduce((n, c) => n + w(c), 0) };
  }, [cols, widths]);
  const widthOf = (c: ColumnDef) => widths[c.id] ?? c.width;

  const virtualizer = useVirtualizer({
    count: Math.ceil(table.view.length / COUNT_CHUNK) * COUNT_CHUNK,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    scrollMargin: headerHeight,
    // No getItemKey: rows have one fixed height, and a key function that changes with every
    // update would make the virtualizer re-measure all 100k items per frame. React keys below
    // come from the view itself.
  });

  const onSelect = useCallback((key: string) => selectRow(key), [selectRow]);
  const onToggleTime = useCallback(() => setTimeMode(mode === 'local' ? 'utc' : 'local'), [setTimeMode, mode]);

  // Keyboard: ↑/↓ (and PageUp/PageDown, Home/End) move the selection, Esc closes the details.
  const onKeyDown = (e: React.KeyboardEvent) => {
    const view = table.view;
    if (view.length === 0) return;
    const at = selectedKey ? view.indexOf(selectedKey) : -1;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 240) / ROW_HEIGHT) - 2);
    const steps: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    if (e.key === 'Escape') {
      selectRow(null);
      return;
    }
    // Space ticks the selected row for a bulk action (the tick boxes themselves are not Tab stops).
    if (e.key === ' ' && selectedKey && e.target === e.currentTarget) {
      e.preventDefault();
      toggleChecked(selectedKey);
      return;
    }
    const step = steps[e.key];
    if (step === undefined) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(view.length - 1, at < 0 ? 0 : at + step));
    const key = view[next];
    if (key === undefined) return;
    selectRow(key);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const sortBy = (col: ColumnDef) => {
    const same = table.sort.key === col.sortKey;
    setSort({ key: col.sortKey, dir: same && table.sort.dir === 'asc' ? 'desc' : 'asc' });
  };

  return (
    <div className="table" ref={scrollRef} role="grid" tabIndex={0} onKeyDown={onKeyDown} aria-rowcount={table.view.length + 1} data-testid="connections-table">
      <div className="thead" ref={theadRef} style={{ width: totalWidth, minWidth: '100%' }}>
        <div className="tgroup" style={{ gridTemplateColumns: `${CHECK_WIDTH}px ${groupTemplate}` }}>
          <div />
          {runs.map((g, i) => (
            <div key={`${g.group}-${i}`}>{g.group}</div>
          ))}
        </div>
        <div className="tr" role="row" style={{ gridTemplateColumns: `${CHECK_WIDTH}px ${template}` }}>
          <div className="th check" role="columnheader" aria-label="Select">
            <input
              type="checkbox"
              checked={allChecked}
              ref={(el) => {
                if (el) el.indeterminate = !allChecked && checked.size > 0;
              }}
              onChange={() => setChecked(allChecked ? [] : table.view.filter((k) => !table.rows.get(k)?.closed))}
              aria-label="Select every shown connection"
              data-testid="check-all"
            />
          </div>
          {cols.map((c) => (
            <HeaderCell key={c.id} col={c} width={widthOf(c)} sortDir={table.sort.key === c.sortKey ? table.sort.dir : null} onSort={() => sortBy(c)} onResize={(w) => setWidth(c.id, w)} />
          ))}
        </div>
      </div>
      <div className="tbody" style={{ height: table.view.length * ROW_HEIGHT, width: totalWidth, minWidth: '100%' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const key = table.view[item.index];
          const row = key !== undefined ? table.rows.get(key) : undefined;
          if (!row) return null;
          return (
            <TableRow
              key={key}
              row={row}
              staleAt={row.c.staleSince ?? linkStaleIso}
              cols={cols}
              template={template}
              mode={mode}
              selected={key === selectedKey}
              top={item.start - headerHeight}
              index={item.index}
              onSelect={onSelect}
              onToggleTime={onToggleTime}
              checked={checked.has(row.key)}
              onCheck={toggleChecked}
            />
          );
        })}
      </div>
      {table.view.length === 0 ? (
        <div className="empty" data-testid="table-empty">
          {loading
            ? 'Loading connections…'
            : table.rows.size > 0
              ? 'No connection matches the filter.'
              : linkStaleIso !== null
                ? 'The console backend is unreachable: nothing is known about connections right now.'
                : noneLive
                  ? 'No server of this cluster is reachable, so no connections are known (see above).'
                  : 'No connections.'}
        </div>
      ) : null}
    </div>
  );
}

