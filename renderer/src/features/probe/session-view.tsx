import { useState } from 'react';
import type { ProbeSessionState } from '../../../../protocol/console/probe';
import { useStore } from '../../store';
import { Composer } from './composer/composer';
import { LogPanel } from './log/log-panel';

const STATE_CLASS: Record<ProbeSessionState, string> = {
  idle: '', connecting: 'warn', open: 'ok', closing: 'warn', closed: 'bad', reconnecting: 'warn',
};

/** One session tab: header with state and actions, the log, and the composer. */
export function SessionView({ id }: { id: string }) {
  const s = useStore((st) => st.probe.sessions[id]);
  const lastExport = useStore((st) => st.probe.exports[id]);
  const connect = useStore((st) => st.probeConnect);
  const edit = useStore((st) => st.probeEdit);
  const del = useStore((st) => st.probeDeleteSession);
  const exportLog = useStore((st) => st.probeExport);
  const [exportPath, setExportPath] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  if (!s) return <div className="empty">This session no longer exists.</div>;
  const canConnect = !s.imported && (s.state === 'idle' || s.state === 'closed');
  return (
    <div className="probe-session">
      <div className="probe-session-head">
        {!s.imported && <span className={`badge ${STATE_CLASS[s.state]}`} data-testid="probe-state" aria-label={`state ${s.state}`}>{s.state}</span>}
        <b className="probe-session-name">{s.config.name}</b>
        <span className="mono muted probe-url" title={s.config.url}>{s.config.url}</span>
        {!s.imported && <span className="muted" data-testid="probe-subprotocol">subprotocol: <b>{s.protocol ?? 'none'}</b></span>}
        {s.state === 'reconnecting' && <span className="badge warn">attempt {s.reconnectAttempt}</span>}
        {s.imported && <span className="badge">imported</span>}
        {s.warnings.includes('insecure-tls') && <span className="badge bad" title="certificate errors are ignored for this session">⚠ TLS verification off</span>}
        {s.lastError && <span className="error-text probe-last-error" title={s.lastError}>{s.lastError}</span>}
        <span className="spacer" />
        {canConnect && <button type="button" className="btn primary small" onClick={() => void connect(id)}>Connect</button>}
        {!s.imported && <button type="button" className="btn small" onClick={() => edit(id)}>Edit</button>}
        {confirmDelete ? (
          <>
            <button type="button" className="btn danger solid small" onClick={() => void del(id)}>Delete session and log</button>
            <button type="button" className="btn small" onClick={() => setConfirmDelete(false)}>Keep</button>
          </>
        ) : (
          <button type="button" className="btn danger small" onClick={() => setConfirmDelete(true)}>Delete</button>
        )}
      </div>
      <div className="probe-session-body">
        <LogPanel id={id} />
        <aside className="probe-side">
          {!s.imported && <Composer id={id} />}
          <fieldset className="probe-box">
            <legend>Export</legend>
            <div className="row-line">
              <input className="input mono" aria-label="export path" placeholder="default: console data dir" value={exportPath} onChange={(e) => setExportPath(e.target.value)} />
              <button type="button" className="btn small" onClick={() => void exportLog(id, 'ndjson', exportPath.trim())}>NDJSON</button>
              <button type="button" className="btn small" onClick={() => void exportLog(id, 'har', exportPath.trim())}>HAR</button>
            </div>
            {lastExport && (
              <div className="muted mono probe-export-path" data-testid="probe-export-path" title={lastExport.path}>
                {lastExport.path} · {lastExport.entries} entries
              </div>
            )}
          </fieldset>
        </aside>
      </div>
    </div>
  );
}
