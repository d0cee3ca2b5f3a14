import { useEffect, useRef } from 'react';
import { useStore } from '../../store';
import { ConnectForm } from './connect/connect-form';
import { SessionView } from './session-view';
import './probe.css';

/** The "Probe" tab: ad hoc WebSocket sessions, several at once, with saved sessions and imports. */
export default function ProbeScreen() {
  const init = useStore((s) => s.probeInit);
  useEffect(() => init(), [init]);
  const p = useStore((s) => s.probe);
  const openTab = useStore((s) => s.probeOpenTab);
  const closeTab = useStore((s) => s.probeCloseTab);
  const edit = useStore((s) => s.probeEdit);
  const importFile = useStore((s) => s.probeImportFile);
  const importDialog = useStore((s) => s.probeImportDialog);
  const desktop = useStore((s) => s.app.info?.host === 'electron');
  const picker = useRef<HTMLInputElement | null>(null);

  const showForm = p.editing !== null;
  return (
    <div className="probe-screen">
      <aside className="probe-saved">
        <div className="side-head">
          <span>Sessions</span>
          <button type="button" className="btn small primary" onClick={() => edit('new')}>+ New</button>
        </div>
        {p.order.length === 0 && p.loaded && <div className="muted probe-hint">No saved sessions yet.</div>}
        {p.order.map((id) => {
          const s = p.sessions[id]!;
          return (
            <button key={id} type="button" className={`probe-saved-item${p.active === id && !showForm ? ' active' : ''}`} onClick={() => openTab(id)} title={s.config.url}>
              <span className={`dot ${s.state === 'open' ? 'ok' : s.state === 'closed' ? 'bad' : s.state === 'idle' ? '' : 'warn'}`} />
              <span className="probe-saved-name">{s.config.name}</span>
              {s.imported && <span className="badge">imported</span>}
            </button>
          );
        })}
        <div className="side-head"><span>Import</span></div>
        <div className="probe-import">
          <button type="button" className="btn small" disabled={p.importing} onClick={() => (desktop ? void importDialog() : picker.current?.click())}>
            {p.importing ? 'Importing…' : 'Import a file…'}
          </button>
          <span className="muted" style={{ fontSize: 11 }}>NDJSON or HAR export, opened read-only</span>
          {!desktop && (
            <input
              ref={picker}
              type="file"
              hidden
              aria-label="import file"
              accept=".ndjson,.jsonl,.har,.json,application/json"
              onChange={(e) => {
                const file = e.target.files?.[0];
                // Cleared so picking the same file again fires another change.
                e.target.value = '';
                if (file) void importFile(file);
              }}
            />
          )}
        </div>
      </aside>
      <section className="probe-main">
        <div className="probe-tabs" role="group" aria-label="open sessions">
          {p.tabs.map((id) => {
            const s = p.sessions[id];
            return (
              <div key={id} className={`probe-tab${p.active === id && !showForm ? ' active' : ''}`} data-active={p.active === id && !showForm ? 'true' : undefined}>
                <button type="button" className="probe-tab-label" aria-current={p.active === id && !showForm ? 'page' : undefined} onClick={() => { edit(null); openTab(id); }}>
                  <span className={`dot ${s?.state === 'open' ? 'ok' : s?.state === 'closed' ? 'bad' : s?.state === 'idle' ? '' : 'warn'}`} />
                  {s?.config.name ?? id}
                </button>
                <button type="button" className="probe-tab-close" aria-label={`close tab ${s?.config.name ?? id}`} onClick={() => closeTab(id)}>×</button>
              </div>
            );
          })}
          <button type="button" className="probe-tab-new" aria-label="new session" onClick={() => edit('new')}>+</button>
        </div>
        {showForm ? (
          <ConnectForm key={p.editing} sessionId={p.editing === 'new' ? null : p.editing} />
        ) : p.active ? (
          <SessionView key={p.active} id={p.active} />
        ) : (
          <div className="empty">Open a saved session on the left, or create a new one with “+ New”.</div>
        )}
      </section>
    </div>
  );
}
