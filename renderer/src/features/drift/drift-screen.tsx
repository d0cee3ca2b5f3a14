import { useEffect, useMemo } from 'react';
import { ActionButton } from '../../components/ui';
import { useStore } from '../../store';
import { actionBlockedReason } from '../clusters/clusters-slice';
import { alignBlocked, driftOf, driftText, type DriftKind, type DriftRow } from './drift';

const KINDS: { kind: DriftKind; label: string }[] = [
  { kind: 'channel', label: 'Channels' },
  { kind: 'security', label: 'Security definitions' },
  { kind: 'topic', label: 'Topics' },
];

/** Channels, security definitions and topics compared across the connected servers of a profile. */
export function DriftScreen() {
  const clusterId = useStore((s) => s.clusters.selectedId);
  const state = useStore((s) => (clusterId ? s.clusters.states[clusterId] : undefined));
  const drift = useStore((s) => s.drift);
  const showDriftOf = useStore((s) => s.showDriftOf);
  const reload = useStore((s) => s.reloadDrift);
  const align = useStore((s) => s.alignDrift);
  const connected = (state?.servers ?? []).filter((s) => s.status === 'connected');
  const connectedKey = connected.map((s) => s.serverId).join('\n');

  useEffect(() => {
    if (clusterId && connected.length > 1) showDriftOf(clusterId, connected);
    // connectedKey stands for `connected` (a fresh array every render).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [clusterId, connectedKey, showDriftOf]);

  const rows = useMemo(() => {
    const out: Record<DriftKind, DriftRow[]> = { channel: [], security: [], topic: [] };
    const have = drift.servers.filter((s) => drift.configs[s.serverId]);
    if (have.length < 2) return out;
    const lists = (k: 'channels' | 'security' | 'topics') => have.map((s) => ({ ...s, items: drift.configs[s.serverId]![k] as never }));
    out.channel = driftOf('channel', lists('channels'));
    out.security = driftOf('security', lists('security'));
    out.topic = driftOf('topic', lists('topics'));
    return out;
  }, [drift.servers, drift.configs]);

  if (!clusterId) return <div className="empty">Select a cluster to compare its servers.</div>;
  if (connected.length < 2) {
    return (
      <div className="empty" data-testid="drift-single">
        Comparing needs two or more connected servers in the profile ({connected.length} connected).
      </div>
    );
  }
  const shown = drift.clusterId === clusterId;
  const total = rows.channel.length + rows.security.length + rows.topic.length;

  return (
    <div style={{ overflow: 'auto', flex: 1 }}>
      <div className="toolbar">
        <span className="muted">
          {drift.servers.map((s) => s.serverName).join(' · ')} — each item is compared with the first server that has it (a channel’s address is per server and not compared).
        </span>
        <span className="spacer" style={{ flex: 1 }} />
        <button className="btn" onClick={() => void reload()} data-testid="drift-refresh">
          Refresh
        </button>
      </div>
      {Object.entries(shown ? drift.errors : {}).map(([sid, err]) => (
        <div className="banner" key={sid} role="alert" data-testid="drift-error">
          {drift.servers.find((s) => s.serverId === sid)?.serverName ?? sid}: {err}
        </div>
      ))}
      {shown && !drift.loading && total === 0 && Object.keys(drift.errors).length === 0 ? (
        <div className="empty" data-testid="drift-none">
          No drift: every channel, security definition and topic is the same on all {drift.servers.length} servers.
        </div>
      ) : null}
      {KINDS.map(({ kind, label }) =>
        rows[kind].length === 0 ? null : (
          <section key={kind} className="pane" style={{ marginBottom: 8 }}>
            <div className="pane-head">
              {label} <span className="muted">({rows[kind].length} differ)</span>
            </div>
            <table className="grid" data-testid={`drift-${kind}`}>
              <tbody>
                {rows[kind].map((r) => (
                  <tr key={r.name} data-testid="drift-row" data-kind={kind} data-name={r.name}>
                    <td className="mono" style={{ width: 160 }}>
                      {r.name}
                    </td>
                    <td>
                      {driftText(r).map((line) => (
                        <div key={line} data-testid="drift-text">
                          {line}
                        </div>
                      ))}
                    </td>
                    <td style={{ width: 1, whiteSpace: 'nowrap' }}>
                      {[...r.differs.map((d) => ({ ...d, missing: false })), ...r.missingOn.map((m) => ({ ...m, fields: undefined, missing: true }))].map((t) => (
                        <div key={t.serverId}>
                          <ActionButton
                            className="small"
                            blocked={actionBlockedReason(state, t.serverId) ?? alignBlocked(r, { missing: t.missing, ...(t.fields ? { fields: t.fields } : {}) })}
                            onClick={() => void align(r, t.serverId)}
                            testId="drift-align"
                          >
                            {t.missing ? `Create on ${t.serverName}` : `Align ${t.serverName}`} as on {r.referenceName}
                          </ActionButton>
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ),
      )}
    </div>
  );
}
