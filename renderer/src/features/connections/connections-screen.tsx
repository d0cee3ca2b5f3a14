import { useEffect, useRef, useState } from 'react';
import { FILTER_FIELDS, STATE_FILTERS, viewRows, type FilterField, type StateFilter } from './connection-table';
import { useStore, store } from '../../store';
import { ChannelChart } from './channel-chart';
import { ALL_COLUMN_IDS, COLUMNS, visibleColumns } from './columns';
import { ConnectionsTable } from './connections-table';
import { DetailsDrawer } from './details-drawer';
import { DisconnectDialog } from './disconnect-dialog';
import { BulkBar } from './bulk-disconnect';
import { download, toCsv, toJson } from './export';
import { ServerProblems } from '../clusters/server-problems';
import { clusterProblems } from '../clusters/clusters-slice';

const FIELD_LABELS: Record<FilterField, string> = {
  any: 'Any field',
  clientId: 'Client ID',
  clientName: 'Client name',
  remoteAddress: 'Remote IP:port',
  server: 'Server name or PID',
  channel: 'Channel',
};

const STATE_LABELS: Record<StateFilter, string> = { all: 'All states', live: 'Live', stale: 'Stale', closing: 'Closing' };

/** Typing is applied after this pause, so a 100k-row refilter does not run per keystroke. */
const FILTER_DEBOUNCE_MS = 120;

function FilterBox() {
  const filter = useStore((s) => s.conns.table.filter);
  const setFilter = useStore((s) => s.setFilter);
  const [text, setText] = useState(filter.text);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const apply = (next: string, field: FilterField) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setFilter({ ...store.getState().conns.table.filter, field, text: next }), FILTER_DEBOUNCE_MS);
  };
  return (
    <>
      <select className="input" value={filter.state ?? 'all'} onChange={(e) => setFilter({ ...filter, state: e.target.value as StateFilter })} aria-label="State" data-testid="filter-state">
        {STATE_FILTERS.map((f) => (
          <option key={f} value={f}>
            {STATE_LABELS[f]}
          </option>
        ))}
      </select>
      <select className="input" value={filter.field} onChange={(e) => setFilter({ ...filter, field: e.target.value as FilterField, text })} aria-label="Filter field" data-testid="filter-field">
        {FILTER_FIELDS.map((f) => (
          <option key={f} value={f}>
            {FIELD_LABELS[f]}
          </option>
        ))}
      </select>
      <input
        type="search"
        className="input"
        placeholder={`Filter by ${FIELD_LABELS[filter.field].toLowerCase()}…`}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          apply(e.target.value, filter.field);
        }}
        aria-label="Filter"
        data-testid="filter"
      />
    </>
  );
}

function ColumnChooser() {
  const [open, setOpen] = useState(false);
  const visible = useStore((s) => s.ui.columns);
  const toggle = useStore((s) => s.toggleColumn);
  const wrap = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  // Escape or a click elsewhere closes it; Escape gives the focus back to the button.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      setOpen(false);
      button.current?.focus();
    };
    const onDown = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('mousedown', onDown);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('mousedown', onDown);
    };
  }, [open]);
  return (
    <span style={{ position: 'relative' }} ref={wrap}>
      <button ref={button} className="btn" onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-haspopup="true" data-testid="column-chooser">
        Columns ▾
      </button>
      {open ? (
        <div className="popover" style={{ top: 26, right: 0 }} data-testid="column-popover" role="group" aria-label="Visible columns">
          {COLUMNS.map((c) => (
            <label key={c.id}>
              <input type="checkbox" checked={visible.includes(c.id)} onChange={() => toggle(c.id, ALL_COLUMN_IDS)} />
              <span className="muted">{c.group} ·</span> {c.label}
            </label>
          ))}
        </div>
      ) : null}
    </span>
  );
}

const NO_VIEWS: readonly { name: string }[] = [];

/** Saved views of this cluster: pick one to apply it, save the current layout under a name, delete. */
function SavedViews(props: { clusterId: string; onApplied(): void }) {
  const views = useStore((s) => s.settings.views[props.clusterId] ?? NO_VIEWS);
  const applyView = useStore((s) => s.applyView);
  const saveView = useStore((s) => s.saveView);
  const deleteView = useStore((s) => s.deleteView);
  const [current, setCurrent] = useState('');
  const [naming, setNaming] = useState<string | null>(null);
  const known = views.some((v) => v.name === current);
  const save = async () => {
    const name = (naming ?? '').trim();
    if (name === '') return;
    if (await saveView(name)) {
      setCurrent(name);
      setNaming(null);
    }
  };
  return (
    <span className="saved-views" role="group" aria-label="Saved views">
      <select
        className="input"
        aria-label="Saved view"
        value={known ? current : ''}
        onChange={(e) => {
          setCurrent(e.target.value);
          if (e.target.value !== '') {
            applyView(e.target.value);
            props.onApplied();
          }
        }}
        data-testid="view-select"
      >
        <option value="">{views.length === 0 ? 'No saved views' : 'Saved views…'}</option>
        {views.map((v) => (
          <option key={v.name} value={v.name}>
            {v.name}
          </option>
        ))}
      </select>
      {naming === null ? (
        <>
          <button className="btn" onClick={() => setNaming(known ? current : '')} title="Save the filter, visible columns and sort under a name, for this cluster" data-testid="view-save">
            Save view…
          </button>
          <button className="btn" disabled={!known} onClick={() => void deleteView(current).then(() => setCurrent(''))} title={known ? `Delete the view “${current}”` : 'Pick a saved view to delete it'} data-testid="view-delete">
            Delete view
          </button>
        </>
      ) : (
        <form
          className="saved-views-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <input
            className="input"
            autoFocus
            maxLength={64}
            aria-label="View name"
            placeholder="View name"
            value={naming}
            onChange={(e) => setNaming(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setNaming(null);
            }}
            data-testid="view-name"
          />
          <button className="btn primary" type="submit" disabled={naming.trim() === ''} data-testid="view-save-confirm">
            Save
          </button>
          <button className="btn" type="button" onClick={() => setNaming(null)}>
            Cancel
          </button>
        </form>
      )}
    </span>
  );
}

function exportTable(kind: 'csv' | 'json') {
  const s = store.getState();
  const rows = viewRows(s.conns.table);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const name = `connections-${stamp}.${kind}`;
  try {
    if (kind === 'csv') download(name, 'text/csv', toCsv(rows, visibleColumns(s.ui.columns)));
    else download(name, 'application/json', toJson(rows));
    s.notify('info', `Exported ${rows.length.toLocaleString()} row${rows.length === 1 ? '' : 's'} as ${kind.toUpperCase()}: ${name}`);
  } catch (err) {
    s.notify('error', `Export failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function ConnectionsScreen() {
  const live = useStore((s) => s.conns.table.live);
  const inView = useStore((s) => s.conns.table.liveInView);
  const stale = useStore((s) => s.conns.table.stale);
  const staleInView = useStore((s) => s.conns.table.staleInView);
  const filtering = useStore((s) => s.conns.table.filter.text.trim() !== '' || (s.conns.table.filter.state ?? 'all') !== 'all');
  const clusterId = useStore((s) => s.conns.clusterId);
  // Bumped when a saved view is applied, so the filter box shows the view's text.
  const [applied, setApplied] = useState(0);
  const drawerOpen = useStore((s) => s.ui.selectedRowKey !== null);
  // Backend away: every row is last-known, none is known to be live.
  const linkDown = useStore((s) => s.app.link.state === 'reconnecting' || s.app.link.state === 'failed');
  // No live server: a count of "0" would be a guess; say it is unknown.
  const noneLive = useStore((s) => (clusterId ? clusterProblems(s.clusters.states[clusterId]).noneLive : false));
  const readOnly = useStore((s) => {
    const st = clusterId ? s.clusters.states[clusterId] : undefined;
    return !!st && st.servers.some((x) => x.status === 'connected') && st.servers.every((x) => x.status !== 'connected' || x.role !== 'operator');
  });
  if (!clusterId) return <div className="empty">Select or add a cluster on the left to see its clients.</div>;
  const staleShown = linkDown ? (filtering ? inView + staleInView : live + stale) : filtering ? staleInView : stale;
  return (
    <>
      <ServerProblems clusterId={clusterId} />
      <div className="toolbar">
        {/* Keyed by cluster: each cluster keeps its own filter, and the box shows that one. */}
        <FilterBox key={`${clusterId}:${applied}`} />
        <span className="counts" data-testid="counts" title="Live connections: open, and reported by a live server. Stale rows (dimmed) are what was last seen of a server that is not live.">
          {linkDown || noneLive ? (
            <>
              <b data-testid="count-total" title={linkDown ? 'The console backend is unreachable' : 'No server of this cluster is live'}>
                —
              </b>{' '}
              connections
            </>
          ) : filtering ? (
            <>
              <b data-testid="count-filtered">{inView.toLocaleString()}</b> of <b data-testid="count-total">{live.toLocaleString()}</b> connections
            </>
          ) : (
            <>
              <b data-testid="count-total">{live.toLocaleString()}</b> connections
            </>
          )}
          {staleShown > 0 ? (
            <span className="stale-count" data-testid="count-stale">
              {' '}
              · {staleShown.toLocaleString()} stale
            </span>
          ) : null}
        </span>
        {readOnly ? (
          <span className="readonly" title="This cluster's token is a viewer token: you can look at everything but change nothing" data-testid="read-only">
            read-only
          </span>
        ) : null}
        <span className="spacer" style={{ flex: 1 }} />
        <ChannelChart />
        <SavedViews key={clusterId} clusterId={clusterId} onApplied={() => setApplied((n) => n + 1)} />
        <ColumnChooser />
        <button className="btn" onClick={() => exportTable('csv')} title="Export the filtered rows and visible columns as CSV" data-testid="export-csv">
          CSV
        </button>
        <button className="btn" onClick={() => exportTable('json')} title="Export every field of the filtered rows as JSON" data-testid="export-json">
          JSON
        </button>
      </div>
      <BulkBar />
      <div className="table-wrap">
        <ConnectionsTable />
        {drawerOpen ? <DetailsDrawer /> : null}
      </div>
      <DisconnectDialog />
    </>
  );
}
