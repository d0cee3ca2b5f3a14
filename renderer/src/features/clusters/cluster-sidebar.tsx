import { useState } from 'react';
import type { ClusterProfile, ServerStatus } from '../../../../protocol/console/clusters';
import { clusterHealth } from './clusters-slice';
import { useStore } from '../../store';
import { ClusterForm } from './cluster-form';
import { ConfirmDialog, Modal } from '../../components/ui';
import { useNow } from '../../lib/use-now';
import { nextStep } from './server-problems';

const statusClass: Record<ServerStatus['status'], string> = {
  connected: 'ok',
  connecting: 'warn',
  reconnecting: 'warn',
  'auth-failed': 'bad',
  unreachable: 'bad',
  closed: '',
};
const statusLabel: Record<ServerStatus['status'], string> = {
  connected: 'connected',
  connecting: 'connecting…',
  reconnecting: 'reconnecting',
  'auth-failed': 'auth failed',
  unreachable: 'unreachable',
  closed: 'closed',
};

/**
 * One server's status. While the console's own backend is unreachable nothing here is current:
 * the line says "unknown" (with the last known status on hover) and shows no RTT or counts.
 */
function ServerLine({ s, linkDown, now }: { s: ServerStatus; linkDown: boolean; now: number }) {
  if (linkDown) {
    return (
      <div className="server stale" data-testid="server-status" data-status="unknown" title={`Last known: ${statusLabel[s.status]} — the console backend is unreachable, so this is not current`}>
        <div className="server-url">
          <span className="badge">unknown</span>
          <span className="mono" title={s.url}>
            {s.url.replace(/^https?:\/\//, '')}
          </span>
        </div>
        <div className="server-meta">
          <span>last known: {statusLabel[s.status]}</span>
        </div>
      </div>
    );
  }
  return (
    <div className="server" data-testid="server-status" data-status={s.status}>
      <div className="server-url">
        <span className={`badge ${statusClass[s.status]}`}>{statusLabel[s.status]}</span>
        <span className="mono" title={s.url}>
          {s.url.replace(/^https?:\/\//, '')}
        </span>
      </div>
      {s.reason && s.status !== 'connected' ? <div className="server-reason">{s.reason}</div> : null}
      {s.status !== 'connected' && s.status !== 'connecting' && s.status !== 'closed' ? (
        <div className="server-meta">
          <span>
            {s.attempts > 0 ? `attempt ${s.attempts}, ` : ''}
            {nextStep(s, now)}
          </span>
        </div>
      ) : null}
      <div className="server-meta">
        {s.info ? <span title={`${s.info.name} on ${s.info.hostname}`}>v{s.info.version}</span> : null}
        {s.info ? <span>PID {s.info.pid}</span> : null}
        {s.rttMs !== null && s.status === 'connected' ? <span>RTT {s.rttMs < 10 ? s.rttMs.toFixed(1) : Math.round(s.rttMs)} ms</span> : null}
        {s.role ? <span title={s.tokenName ? `token "${s.tokenName}"` : undefined}>{s.role}</span> : null}
        {s.status === 'connected' ? <span>{s.connections} conn</span> : null}
      </div>
      {s.insecureTls ? <div className="warning" title="TLS certificate verification is relaxed for this server">⚠ self-signed certificates accepted</div> : null}
    </div>
  );
}

export function ClusterSidebar() {
  const profiles = useStore((s) => s.clusters.profiles);
  const states = useStore((s) => s.clusters.states);
  const selectedId = useStore((s) => s.clusters.selectedId);
  const select = useStore((s) => s.selectCluster);
  const remove = useStore((s) => s.removeCluster);
  const notify = useStore((s) => s.notify);
  const sandbox = useStore((s) => s.settings.sandbox);
  const settingsLoaded = useStore((s) => s.settings.loaded);
  const sandboxPending = useStore((s) => s.settings.sandboxPending ?? false);
  const setSandbox = useStore((s) => s.setSandbox);
  const sandboxUnavailable = useStore((s) => s.app.info?.sandboxUnavailable ?? null);
  const linkDown = useStore((s) => s.app.link.state === 'reconnecting' || s.app.link.state === 'failed');
  const loaded = useStore((s) => s.clusters.loaded);
  const now = useNow(1000);
  const [editing, setEditing] = useState<ClusterProfile | 'new' | null>(null);
  const [removing, setRemoving] = useState<ClusterProfile | null>(null);
  const [stoppingSandbox, setStoppingSandbox] = useState(false);
  // What stopping would end: the sandbox server's live connection count, while it is connected.
  const sandboxClients = useStore((s) => {
    const p = s.clusters.profiles.find((x) => x.builtin === 'sandbox');
    const server = p ? s.clusters.states[p.id]?.servers[0] : undefined;
    return server?.status === 'connected' ? server.connections : null;
  });

  return (
    <aside className="sidebar" id="cluster-sidebar" aria-label="Clusters">
      <div className="side-head">
        <span>Clusters</span>
        <button className="btn small" onClick={() => setEditing('new')} data-testid="add-cluster">
          + Add
        </button>
      </div>
      {profiles.length === 0 ? (
        <div className="empty">{loaded ? 'No clusters yet. Add one with the admin URL and token of a server.' : linkDown ? 'Not connected to the console backend.' : 'Loading…'}</div>
      ) : null}
      {profiles.map((p) => {
        const st = states[p.id];
        const health = linkDown ? 'closed' : clusterHealth(st);
        const selected = p.id === selectedId;
        return (
          <div key={p.id} className={`cluster ${selected ? 'selected' : ''}`} data-testid="cluster" data-name={p.name}>
            <div
              className="cluster-title"
              onClick={() => void select(p.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  void select(p.id);
                }
              }}
              role="button"
              tabIndex={0}
              aria-pressed={selected}
            >
              <span className={`dot ${health}`} title={linkDown ? 'unknown: the console backend is unreachable' : health} />
              <span style={{ flex: 1, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{p.name}</span>
              {p.builtin === 'sandbox' ? <span className="badge">sandbox</span> : null}
            </div>
            {selected ? (
              <>
                {(st?.servers ?? []).map((s) => (
                  <ServerLine key={s.serverId} s={s} linkDown={linkDown} now={now} />
                ))}
                <div className="cluster-actions">
                  <button className="btn small" onClick={() => setEditing(p)} data-testid="edit-cluster">
                    Edit
                  </button>
                  <button className="btn small danger" onClick={() => setRemoving(p)} disabled={p.builtin !== null} title={p.builtin ? 'The sandbox cluster is managed by the console' : undefined}>
                    Remove
                  </button>
                </div>
              </>
            ) : null}
          </div>
        );
      })}
      <div style={{ flex: 1 }} />
      <label
        className="side-foot sandbox-switch"
        title={sandboxUnavailable ? `Unavailable: ${sandboxUnavailable}` : 'A local Switchboard server with demo clients, started by the console, appears as the “Local sandbox” cluster (and, read-only, as “Local sandbox (viewer)”)'}
      >
        {/* The setting is a preference; when this console cannot run a sandbox it shows off, not the preference. */}
        <input
          type="checkbox"
          role="switch"
          checked={sandbox && !sandboxUnavailable}
          disabled={!settingsLoaded || sandboxPending || sandboxUnavailable !== null}
          // Turning it on is harmless; turning it off ends every demo client, so it asks first.
          onChange={(e) => (e.target.checked ? void setSandbox(true) : setStoppingSandbox(true))}
          data-testid="sandbox-toggle"
        />
        <span>
          Local sandbox: <b>{sandbox && !sandboxUnavailable ? 'on' : 'off'}</b>
          {sandboxUnavailable ? ' (unavailable)' : sandboxPending ? ` (${sandbox ? 'starting' : 'stopping'}…)` : ''}
        </span>
      </label>
      {stoppingSandbox ? (
        <ConfirmDialog title="Stop the local sandbox?" confirmLabel="Stop sandbox" onConfirm={() => setSandbox(false)} onClose={() => setStoppingSandbox(false)} testId="sandbox-confirm">
          The sandbox server stops and its <b>{sandboxClients !== null ? `${sandboxClients} client connection${sandboxClients === 1 ? '' : 's'}` : 'demo clients'}</b> are closed; the “Local sandbox” clusters leave the sidebar. Turn it on again to start a fresh one.
        </ConfirmDialog>
      ) : null}
      {editing !== null ? <ClusterForm profile={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
      {removing ? (
        <Modal
          title={`Remove cluster "${removing.name}"?`}
          onClose={() => setRemoving(null)}
          footer={
            <>
              <button className="btn" onClick={() => setRemoving(null)}>
                Cancel
              </button>
              <button
                className="btn danger solid"
                onClick={() => {
                  const id = removing.id;
                  setRemoving(null);
                  remove(id).catch((err: unknown) => notify('error', `Could not remove: ${err instanceof Error ? err.message : String(err)}`));
                }}
              >
                Remove
              </button>
            </>
          }
        >
          <p style={{ margin: 0 }}>The profile and its stored tokens are deleted from this console. The servers are not touched.</p>
        </Modal>
      ) : null}
    </aside>
  );
}
