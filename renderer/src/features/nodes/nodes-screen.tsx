import { useEffect } from 'react';
import { TimeText } from '../../components/ui';
import { useStore } from '../../store';
import { NODES_REFRESH_MS } from './nodes-slice';

const STATE_BADGE: Record<string, string> = { alive: 'ok', suspect: 'warn', lost: 'bad' };

/** The nodes of the selected cluster (every node of a cluster-mode server, or each standalone server) and their health. */
export function NodesScreen() {
  const clusterId = useStore((s) => s.clusters.selectedId);
  const state = useStore((s) => (clusterId ? s.clusters.states[clusterId] : undefined));
  const nodes = useStore((s) => s.nodes);
  const loadNodes = useStore((s) => s.loadNodes);
  const connectedKey = (state?.servers ?? []).filter((s) => s.status === 'connected').map((s) => s.serverId).join(',');

  useEffect(() => {
    if (!clusterId) return;
    void loadNodes(clusterId);
    const t = setInterval(() => void loadNodes(clusterId), NODES_REFRESH_MS);
    return () => clearInterval(t);
  }, [clusterId, connectedKey, loadNodes]);

  if (!clusterId) return <div className="empty">Select a cluster to see its nodes.</div>;
  const shown = nodes.clusterId === clusterId;
  const rows = shown ? nodes.rows : [];
  const urlOf = new Map((state?.servers ?? []).map((s) => [s.serverId, s.url]));
  const degraded = rows.some((r) => r.reporterState === 'degraded');
  return (
    <>
      <div className="toolbar">
        <span className="muted" data-testid="nodes-summary">
          {rows.length} node{rows.length === 1 ? '' : 's'} · {rows.filter((r) => r.state === 'alive').length} alive
          {rows.some((r) => r.mode === 'cluster') ? ' · cluster mode: one registry and one configuration' : ''}
        </span>
      </div>
      {degraded ? <div className="banner">A server reports its cluster as degraded (Redis unreachable): the list is its last view, and cluster operations are refused until Redis is back.</div> : null}
      {shown ? nodes.errors.map((e) => <div className="banner" key={e.serverId}>{urlOf.get(e.serverId) ?? e.serverId}: {e.message}</div>) : null}
      <div className="pane-body">
        <table className="grid" data-testid="nodes">
          <thead>
            <tr>
              <th>Node</th>
              <th>State</th>
              <th>Admin URL</th>
              <th className="num">Conn.</th>
              <th>Last heartbeat</th>
              <th className="num">Loop lag</th>
              <th>Version</th>
              <th>Host · PID</th>
              <th>Started</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((n) => (
              <tr key={n.nodeId} data-testid="node" data-node={n.nodeId} data-state={n.state}>
                <td>
                  <div className="mono">{n.nodeId}</div>
                  {n.name !== n.nodeId ? <div className="muted">{n.name}</div> : null}
                </td>
                <td>
                  <span className={`badge ${STATE_BADGE[n.state] ?? ''}`}>{n.state}</span>
                  {n.lostAt ? <div className="muted"><TimeText iso={n.lostAt} clock /></div> : null}
                </td>
                <td className="mono">{n.adminUrl ?? <span className="muted">—</span>}</td>
                <td className="num">{n.connections}</td>
                <td><TimeText iso={n.heartbeatAt} clock /></td>
                <td className="num">{n.eventLoopLagMs.toFixed(1)} ms</td>
                <td className="mono">{n.version}</td>
                <td className="mono">{n.hostname} · {n.pid}</td>
                <td><TimeText iso={n.startedAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown && rows.length === 0 && !nodes.loading ? <div className="empty">No connected server of this cluster reported its nodes.</div> : null}
      </div>
    </>
  );
}
