import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { closeCodeNames } from '../../../../protocol/close-codes';
import type { GatewaySessionRow } from '../../../../protocol/console/gateway';
import type { GatewayRoute } from '../../../../protocol/gateway';
import { ActionButton, Modal, TimeText } from '../../components/ui';
import { useStore } from '../../store';
import { actionBlockedReason } from '../clusters/clusters-slice';
import { RouteForm } from './route-form';

/** How often the screen re-reads routes and sessions while it is shown. */
export const GATEWAY_REFRESH_MS = 1000;
const ROW_HEIGHT = 26;

const legText = (l: GatewaySessionRow['client']): string => {
  const close = l.closeCode !== null ? ` · ${l.closeCode}${closeCodeNames[l.closeCode] ? ` ${closeCodeNames[l.closeCode]}` : ''}` : '';
  return `${l.state}${l.paused ? ' (paused)' : ''}${close}`;
};

function SessionTable({ rows, blocked, onDisconnect }: { rows: GatewaySessionRow[]; blocked: string | null; onDisconnect: (r: GatewaySessionRow) => void }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const cols = '100px 70px 130px minmax(140px,2fr) 80px 70px 70px 75px 75px minmax(90px,1fr) minmax(90px,1fr) 84px';
  return (
    <div className="gw-table" role="table" aria-label="Routed sessions" data-testid="gateway-sessions">
      <div className="gw-row gw-head" role="row" style={{ gridTemplateColumns: cols }}>
        {['Session', 'Route', 'Client', 'Upstream', 'Subprotocol', 'Opened', 'Last activity', 'Client→up', 'Up→client', 'Client leg', 'Upstream leg', ''].map((h) => (
          <span key={h} role="columnheader">{h}</span>
        ))}
      </div>
      <div ref={scrollRef} className="gw-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const r = rows[v.index]!;
            return (
              <div key={r.rowKey} className={`gw-row ${r.staleSince ? 'stale' : ''}`} role="row" data-testid="gateway-session-row" data-session={r.id} style={{ gridTemplateColumns: cols, position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${v.start}px)` }}>
                <span className="mono" title={`${r.node} · via ${r.serverUrl}`}>{r.id}</span>
                <span>{r.route}</span>
                <span className="mono" title={r.forwardedFor ? `forwarded for ${r.forwardedFor}` : undefined}>{r.clientAddress}:{r.clientPort}{r.forwardedFor ? ` (${r.forwardedFor})` : ''}</span>
                <span className="mono" title={`instance ${r.instance}`} data-testid="gateway-session-upstream">{r.upstreamUrl}</span>
                <span>{r.subprotocol || '—'}</span>
                <TimeText iso={r.openedAt} clock />
                <TimeText iso={r.lastActivityAt} clock />
                <span title={`${r.client.bytesIn} bytes`}>{r.client.framesIn} msgs</span>
                <span title={`${r.upstream.bytesIn} bytes`}>{r.upstream.framesIn} msgs</span>
                <span data-testid="gateway-client-leg">{legText(r.client)}</span>
                <span data-testid="gateway-upstream-leg">{legText(r.upstream)}</span>
                <span>
                  <ActionButton blocked={blocked ?? (r.staleSince ? 'This row is stale: its server does not answer' : null)} onClick={() => onDisconnect(r)} testId="gateway-disconnect" className="small">
                    Disconnect
                  </ActionButton>
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

export function GatewayScreen() {
  const clusterId = useStore((s) => s.clusters.selectedId);
  const state = useStore((s) => (clusterId ? s.clusters.states[clusterId] : undefined));
  const gw = useStore((s) => s.gateway);
  const load = useStore((s) => s.loadGateway);
  const disconnect = useStore((s) => s.disconnectGatewaySession);
  const [asking, setAsking] = useState<GatewaySessionRow | null>(null);
  const [code, setCode] = useState('4005');
  const [reason, setReason] = useState('closed by an administrator');
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<GatewayRoute | null>(null);

  useEffect(() => {
    if (!clusterId) return;
    void load(clusterId);
    const t = setInterval(() => void load(clusterId), GATEWAY_REFRESH_MS);
    return () => clearInterval(t);
  }, [clusterId, load]);

  if (!clusterId) return <div className="empty">Select a cluster to see its gateway.</div>;
  const blocked = actionBlockedReason(state, undefined);
  const shown = gw.clusterId === clusterId;
  const routes = shown ? gw.routes : null;
  const rows = shown ? gw.rows : [];

  return (
    <>
      <div className="toolbar">
        <span className="muted">Routed sessions of every server of this cluster, merged; routes of the first connected server.</span>
        <span className="spacer" style={{ flex: 1 }} />
        <ActionButton blocked={blocked} onClick={() => setCreating(true)} testId="gateway-new-route">New route</ActionButton>
      </div>
      {shown && gw.error ? <div className="banner">{gw.error}</div> : null}
      {shown && gw.serverErrors.length ? <div className="banner">{gw.serverErrors.map((e) => `${e.serverId}: ${e.message}`).join(' · ')}</div> : null}
      <section className="pane gw-routes">
        <div className="pane-head">Routes <span className="muted">({routes?.length ?? 0})</span></div>
        <table className="grid" data-testid="gateway-routes">
          <thead>
            <tr><th>Name</th><th>Listen</th><th>Mode</th><th>Sessions</th><th>Instances (health · sessions)</th><th>Refused</th><th /></tr>
          </thead>
          <tbody>
            {(routes ?? []).map((r) => (
              <tr key={r.name} data-route={r.name}>
                <td>{r.name}{r.active ? '' : ' (inactive)'}</td>
                <td className="mono">{r.listen.replace(/:0$/, `:${r.boundPort ?? 0}`)}{r.path}</td>
                <td>{r.mode}{r.tls?.insecure ? ' · TLS unverified' : ''}</td>
                <td>{r.sessions} <span className="muted">/ {r.sessionsTotal}</span></td>
                <td className="mono">{r.instances.length ? r.instances.map((i) => `${i.url} (${i.health} · ${i.sessions})`).join(', ') : 'none'}</td>
                <td>{Object.entries(r.refusedTotal).map(([st, n]) => `${st}×${n}`).join(' ') || '—'}</td>
                <td><ActionButton blocked={blocked} onClick={() => setEditing(r)} testId="gateway-edit-route" className="small">Edit</ActionButton></td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="pane gw-sessions">
        <div className="pane-head">Routed sessions <span className="muted" data-testid="gateway-session-count">({rows.length})</span></div>
        {rows.length ? <SessionTable rows={rows} blocked={blocked} onDisconnect={setAsking} /> : <div className="empty">No routed sessions.</div>}
      </section>
      {asking ? (
        <Modal
          title={`Disconnect session ${asking.id}`}
          onClose={() => setAsking(null)}
          testId="gateway-disconnect-dialog"
          footer={
            <>
              <button className="btn" onClick={() => setAsking(null)}>Cancel</button>
              <button className="btn danger" data-testid="gateway-disconnect-confirm" onClick={() => { const r = asking; setAsking(null); void disconnect(r, Number(code), reason); }}>
                Disconnect both legs
              </button>
            </>
          }
        >
          <p>The client and the upstream both receive this close code and reason.</p>
          <label htmlFor="gw-code">Code</label>
          <input id="gw-code" className="input" value={code} onChange={(e) => setCode(e.target.value)} />
          <label htmlFor="gw-reason">Reason</label>
          <input id="gw-reason" className="input" value={reason} onChange={(e) => setReason(e.target.value)} />
        </Modal>
      ) : null}
      {creating ? <RouteForm clusterId={clusterId} onClose={() => setCreating(false)} /> : null}
      {editing ? <RouteForm clusterId={clusterId} route={editing} onClose={() => setEditing(null)} /> : null}
    </>
  );
}
