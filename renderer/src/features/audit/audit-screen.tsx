import { useEffect } from 'react';
import { TimeText } from '../../components/ui';
import { useStore } from '../../store';
import { download } from '../connections/export';
import { AUDIT_MAX_ROWS, auditCsv, auditJson, type AuditRow } from './audit-slice';

function paramsText(p: unknown): string {
  if (p === undefined) return '';
  const s = JSON.stringify(p);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

function Outcome({ row }: { row: AuditRow }) {
  const e = row.entry;
  if (e.outcome === 'ok') return <span className="badge ok">ok</span>;
  return (
    <span title={e.error?.message}>
      <span className="badge bad">{e.error?.code === 'SB_ERR_FORBIDDEN' ? 'refused' : 'error'}</span>{' '}
      <span className="muted">{e.error ? `${e.error.code}${e.error.field ? ` (${e.error.field})` : ''}` : ''}</span>
    </span>
  );
}

/** The audit logs of every connected server of the selected cluster, merged newest first. */
export function AuditScreen() {
  const clusterId = useStore((s) => s.clusters.selectedId);
  const state = useStore((s) => (clusterId ? s.clusters.states[clusterId] : undefined));
  const audit = useStore((s) => s.audit);
  const showAuditOf = useStore((s) => s.showAuditOf);
  const setFilter = useStore((s) => s.setAuditFilter);
  const reload = useStore((s) => s.reloadAudit);
  const older = useStore((s) => s.loadOlderAudit);
  const setLive = useStore((s) => s.setAuditLive);
  const leave = useStore((s) => s.leaveAudit);
  const mode = useStore((s) => s.settings.timeMode);
  const connected = (state?.servers ?? []).filter((s) => s.status === 'connected');
  const connectedKey = connected.map((s) => s.serverId).join('\n');

  useEffect(() => {
    if (clusterId && connected.length > 0) showAuditOf(clusterId, connected);
    // connectedKey stands for `connected` (a fresh array every render).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [clusterId, connectedKey, showAuditOf]);
  useEffect(() => {
    if (audit.live) setLive(true);
    return leave;
    // Resume the poll on mount when it was on; stop it on unmount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (!clusterId) return <div className="empty">Select a cluster to see its audit log.</div>;
  if (connected.length === 0) return <div className="empty" data-testid="audit-empty">No server of this cluster is connected.</div>;
  const shown = audit.clusterId === clusterId;
  const rows = shown ? audit.rows : null;
  const f = audit.filter;
  const nameOf = (id: string) => connected.find((s) => s.serverId === id)?.info?.name ?? id;
  const hasOlder = Object.values(audit.cursors).some((c) => typeof c === 'number');
  const actors = [...new Set((rows ?? []).map((r) => r.entry.actor))].sort();
  const actions = [...new Set((rows ?? []).map((r) => r.entry.action))].sort();
  const apply = () => void reload();
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter') apply();
  };

  return (
    <>
      <div className="toolbar" data-testid="audit-filters" style={{ flexWrap: 'wrap' }}>
        <input className="input" style={{ width: 130 }} placeholder="Token" aria-label="Token" list="audit-actors" value={f.actor} onChange={(e) => setFilter({ actor: e.target.value })} onKeyDown={onKey} data-testid="audit-actor" />
        <datalist id="audit-actors">
          {actors.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <input className="input" style={{ width: 150 }} placeholder="Action" aria-label="Action" list="audit-actions" value={f.action} onChange={(e) => setFilter({ action: e.target.value })} onKeyDown={onKey} data-testid="audit-action" />
        <datalist id="audit-actions">
          {actions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <input className="input" style={{ width: 130 }} placeholder="Target contains" aria-label="Target" value={f.target} onChange={(e) => setFilter({ target: e.target.value })} onKeyDown={onKey} data-testid="audit-target" />
        <select className="input" aria-label="Outcome" value={f.outcome} onChange={(e) => setFilter({ outcome: e.target.value as typeof f.outcome })} data-testid="audit-outcome">
          <option value="">any outcome</option>
          <option value="ok">ok</option>
          <option value="error">error or refused</option>
        </select>
        <label className="muted">
          from <input className="input" type="datetime-local" step={1} value={f.since} onChange={(e) => setFilter({ since: e.target.value })} data-testid="audit-since" />
        </label>
        <label className="muted">
          to <input className="input" type="datetime-local" step={1} value={f.until} onChange={(e) => setFilter({ until: e.target.value })} data-testid="audit-until" />
        </label>
        <span className="muted">({mode === 'utc' ? 'UTC' : 'local time'})</span>
        <button className="btn primary" onClick={apply} data-testid="audit-apply">
          Apply
        </button>
        <span className="spacer" style={{ flex: 1 }} />
        <label title={`Fetch the newest entries every few seconds`}>
          <input type="checkbox" checked={audit.live} onChange={(e) => setLive(e.target.checked)} data-testid="audit-live" /> Live
        </label>
        <button className="btn" disabled={!rows?.length} onClick={() => download('audit.csv', 'text/csv', auditCsv(rows ?? []))} data-testid="audit-csv">
          CSV
        </button>
        <button className="btn" disabled={!rows?.length} onClick={() => download('audit.json', 'application/json', auditJson(rows ?? []))} data-testid="audit-json">
          JSON
        </button>
      </div>
      {Object.entries(shown ? audit.errors : {}).map(([sid, err]) => (
        <div className="banner" key={sid} role="alert" data-testid="audit-error">
          {nameOf(sid)}: {err}
        </div>
      ))}
      <section className="pane" style={{ flex: 1, minHeight: 0 }}>
        <div className="pane-head">
          Audit log <span className="muted">({rows?.length ?? 0}{rows && rows.length >= AUDIT_MAX_ROWS ? `, the newest ${AUDIT_MAX_ROWS} kept` : ''})</span>
          <span className="muted" style={{ fontWeight: 400 }}>
            · secrets are redacted by the server before they are stored
          </span>
        </div>
        <div className="pane-body">
          {rows === null ? (
            <div className="empty">Loading the audit log…</div>
          ) : rows.length === 0 ? (
            <div className="empty" data-testid="audit-none">
              No audit entries{Object.values(f).some((v) => v !== '') ? ' match these filters' : ' yet: every operator action (and every refused attempt) is recorded here'}.
            </div>
          ) : (
            <table className="grid" data-testid="audit">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Server</th>
                  <th>Token</th>
                  <th>Action</th>
                  <th>Target</th>
                  <th>Outcome</th>
                  <th>Parameters</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.key} data-testid="audit-entry" data-action={r.entry.action} data-outcome={r.entry.outcome}>
                    <td style={{ whiteSpace: 'nowrap' }}>
                      <TimeText iso={r.entry.at} />
                    </td>
                    <td style={{ whiteSpace: 'nowrap' }}>{r.serverName}</td>
                    <td>
                      <span className="mono">{r.entry.actor}</span> <span className="muted">{r.entry.role}</span>
                    </td>
                    <td className="mono">{r.entry.action}</td>
                    <td className="mono">{r.entry.target ?? <span className="muted">—</span>}</td>
                    <td>
                      <Outcome row={r} />
                    </td>
                    <td className="mono muted" title={r.entry.params === undefined ? undefined : JSON.stringify(r.entry.params, null, 2)} data-testid="audit-params">
                      {paramsText(r.entry.params)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {hasOlder ? (
            <div style={{ padding: 8 }}>
              <button className="btn" onClick={() => void older()} disabled={audit.loading} data-testid="audit-older">
                {audit.loading ? 'Loading…' : 'Load older entries'}
              </button>
            </div>
          ) : null}
        </div>
      </section>
    </>
  );
}
