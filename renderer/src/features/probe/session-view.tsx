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
  const desktop = useStore((st) => st.app.info?.host === 'electron');
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [busy, setBusy] = useState(false);
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
              {(['ndjson', 'har'] as const).map((format) => (
                <button
                  key={format}
                  type="button"
                  className="btn small"
                  disabled={busy}
                  title={desktop ? 'choose where to save it' : 'your browser saves it (Downloads)'}
                  onClick={() => {
                    setBusy(true);
                    void exportLog(id, format, includeSecrets).finally(() => setBusy(false));
                  }}
                >
                  {format === 'ndjson' ? 'NDJSON' : 'HAR'}
                </button>
              ))}
              <label className="check" title="secret header and query values are redacted unless you ask for them">
                <input type="checkbox" checked={includeSecrets} onChange={(e) => setIncludeSecrets(e.target.checked)} /> include secrets
              </label>
            </div>
            {includeSecrets && <div className="warning" role="alert">The file will hold secret header and query values in clear.</div>}
            {lastExport && (
              <div className="muted mono probe-export-path" data-testid="probe-export-path" title={lastExport.file}>
                {lastExport.file} · {lastExport.entries} entries{lastExport.includeSecrets ? ' · with secrets' : ''}
              </div>
            )}
          </fieldset>
        </aside>
      </div>
    </div>
  );
}
