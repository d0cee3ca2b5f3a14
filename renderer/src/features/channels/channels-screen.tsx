import { useEffect, useState, type ReactNode } from 'react';
import type { Channel, ChannelCreate, SecurityCreate, Security } from '../../../../protocol/admin-config';
import { ActionButton, ConfirmDialog, TimeText } from '../../components/ui';
import { actionBlockedReason } from '../clusters/clusters-slice';
import { useStore } from '../../store';
import type { TableState } from '../connections/connection-table';
import { ChannelForm } from './channel-form';
import { SecurityForm } from './security-form';
import type { SavePayload } from './use-save-form';

/** Open connections per channel of one server of the merged table (closed rows still lingering excluded). */
export function openPerChannel(table: TableState, serverId: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of table.rows.values()) {
    if (r.closed || r.c.serverId !== serverId) continue;
    out[r.c.channel] = (out[r.c.channel] ?? 0) + 1;
  }
  return out;
}

type Confirm = { title: string; text: ReactNode; label: string; run: () => Promise<unknown> } | null;

const conns = (n: number) => `${n} connection${n === 1 ? '' : 's'}`;

export function ChannelsScreen() {
  const clusterId = useStore((s) => s.clusters.selectedId);
  const state = useStore((s) => (clusterId ? s.clusters.states[clusterId] : undefined));
  const config = useStore((s) => s.config);
  const showConfigOf = useStore((s) => s.showConfigOf);
  const reloadConfig = useStore((s) => s.reloadConfig);
  const saveChannel = useStore((s) => s.saveChannel);
  const saveSecurity = useStore((s) => s.saveSecurity);
  const setChannelActive = useStore((s) => s.setChannelActive);
  const deleteChannel = useStore((s) => s.deleteChannel);
  const deleteSecurity = useStore((s) => s.deleteSecurity);
  const disconnectChannel = useStore((s) => s.disconnectChannel);
  const connected = (state?.servers ?? []).filter((s) => s.status === 'connected');
  // Which server's configuration to show is a view choice; the data itself lives in the store.
  const [serverId, setServerId] = useState<string | undefined>(undefined);
  const target = serverId && connected.some((s) => s.serverId === serverId) ? serverId : connected[0]?.serverId;
  const [editChannel, setEditChannel] = useState<Channel | 'new' | null>(null);
  const [editSecurity, setEditSecurity] = useState<Security | 'new' | null>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);

  // Live per-channel counts of the shown server come from the merged connections table (kept
  // current by connections.delta); until that table is the selected cluster's, the fetched count.
  const table = useStore((s) => (s.conns.clusterId === clusterId ? s.conns.table : null));
  const livePerChannel = table && target ? openPerChannel(table, target) : null;

  useEffect(() => {
    if (clusterId && target) showConfigOf(clusterId, target);
  }, [clusterId, target, showConfigOf]);

  if (!clusterId) return <div className="empty">Select a cluster to configure its channels.</div>;
  if (!target) return <div className="empty">No server of this cluster is connected.</div>;
  const blocked = actionBlockedReason(state, target);
  const shown = config.clusterId === clusterId && config.serverId === target;
  const channels = shown ? config.channels : null;
  const security = shown ? config.security : [];
  const error = shown ? config.error : null;

  return (
    <>
      <div className="toolbar">
        <span className="muted">Server</span>
        <select className="input" value={target} onChange={(e) => setServerId(e.target.value)} aria-label="Server">
          {connected.map((s) => (
            <option key={s.serverId} value={s.serverId}>
              {s.info?.name ?? s.url} — {s.url}
            </option>
          ))}
        </select>
        <span className="muted">
          {connected.find((s) => s.serverId === target)?.info?.mode === 'cluster'
            ? 'Cluster mode: this configuration is the whole cluster\'s; a change here applies on every node.'
            : 'Channels and security definitions are per server; for independent servers, change each one.'}
        </span>
        <span className="spacer" style={{ flex: 1 }} />
        <button className="btn" onClick={() => void reloadConfig()}>
          Refresh
        </button>
      </div>
      {error ? <div className="banner">{error}</div> : null}
      <div className="split">
        <section className="pane">
          <div className="pane-head">
            Channels <span className="muted">({channels?.length ?? 0})</span>
            <span className="spacer" style={{ flex: 1 }} />
            <ActionButton className="small primary" blocked={blocked} onClick={() => setEditChannel('new')} testId="new-channel">
              + New channel
            </ActionButton>
          </div>
          <div className="pane-body">
            <table className="grid" data-testid="channels">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Address</th>
                  <th>Service</th>
                  <th>Security</th>
                  <th className="num">Conn.</th>
                  <th>Updated</th>
                  <th className="row-actions">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {(channels ?? []).map((c) => {
                  const open = livePerChannel ? (livePerChannel[c.name] ?? 0) : c.connections;
                  return (
                    <tr key={c.name} data-testid="channel" data-name={c.name}>
                      <td>
                        <div className="mono">{c.name}</div>
                        <span className={`badge ${c.active ? (c.listening ? 'ok' : 'warn') : ''}`}>{c.active ? (c.listening ? 'listening' : 'not listening') : 'inactive'}</span>
                      </td>
                      <td className="mono" title={c.boundPort !== null ? `bound port ${c.boundPort}` : undefined}>
                        {c.address}
                        {c.boundPort !== null && !c.address.includes(`:${c.boundPort}/`) ? <div className="muted">port {c.boundPort}</div> : null}
                      </td>
                      <td className="mono">{c.service}</td>
                      <td className="mono">{c.security ?? <span className="muted">none</span>}</td>
                      <td className="num" data-testid="channel-connections">{open}</td>
                      <td>
                        <TimeText iso={c.updatedAt} />
                      </td>
                      <td className="row-actions">
                        <div className="row-line actions">
                          <ActionButton className="small" blocked={blocked} onClick={() => setEditChannel(c)} testId="edit-channel">
                            Edit
                          </ActionButton>
                          <ActionButton
                            className="small"
                            blocked={blocked}
                            onClick={() =>
                              c.active
                                ? setConfirm({
                                    title: `Deactivate channel ${c.name}?`,
                                    text: (
                                      <>
                                        Deactivating closes its <b>{conns(open)}</b> with 1001 (going away) and stops listening on {c.address}. Clients cannot connect until it is activated again.
                                      </>
                                    ),
                                    label: 'Deactivate',
                                    run: () => setChannelActive(c.name, false),
                                  })
                                : void setChannelActive(c.name, true)
                            }
                            testId="toggle-channel"
                          >
                            {c.active ? 'Deactivate…' : 'Activate'}
                          </ActionButton>
                          <ActionButton
                            className="small"
                            blocked={blocked ?? (open === 0 ? 'No open connections on this channel' : null)}
                            onClick={() =>
                              setConfirm({
                                title: `Disconnect every connection of ${c.name}?`,
                                text: (
                                  <>
                                    Closes all <b>{conns(open)}</b> of channel {c.name} on this server with 4005 (closed by administrator), in one request. The channel stays active: clients may reconnect.
                                  </>
                                ),
                                label: 'Disconnect all',
                                run: () => disconnectChannel(c.name),
                              })
                            }
                            testId="disconnect-channel"
                          >
                            Disconnect all…
                          </ActionButton>
                          <ActionButton
                            className="small danger"
                            blocked={blocked}
                            onClick={() =>
                              setConfirm({
                                title: `Delete channel ${c.name}?`,
                                text: (
                                  <>
                                    Its <b>{conns(open)}</b> are closed with 1001 (going away), the address stops listening and the channel definition is deleted. This cannot be undone.
                                  </>
                                ),
                                label: 'Delete',
                                run: () => deleteChannel(c.name),
                              })
                            }
                            testId="delete-channel"
                          >
                            Delete…
                          </ActionButton>
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
        <section className="pane">
          <div className="pane-head">
            Security definitions <span className="muted">({security.length})</span>
            <span className="spacer" style={{ flex: 1 }} />
            <ActionButton className="small primary" blocked={blocked} onClick={() => setEditSecurity('new')} testId="new-security">
              + New definition
            </ActionButton>
          </div>
          <div className="pane-body">
            <table className="grid" data-testid="security">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Type</th>
                  <th>Details</th>
                  <th>Used by</th>
                  <th className="row-actions">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {security.map((s) => (
                  <tr key={s.name} data-testid="security-def" data-name={s.name}>
                    <td className="mono">{s.name}</td>
                    <td>{s.type}</td>
                    <td className="muted">
                      {s.type === 'basic' ? `user ${s.username ?? ''}` : s.type === 'jwt' ? [s.algorithm, s.issuer && `iss ${s.issuer}`, s.audience && `aud ${s.audience}`].filter(Boolean).join(' · ') : 'key'}
                      {s.hasSecret ? ' · secret stored' : ' · no secret'}
                    </td>
                    <td className="mono">{s.usedBy.join(', ') || <span className="muted">—</span>}</td>
                    <td className="row-actions">
                      <div className="row-line actions">
                        <ActionButton className="small" blocked={blocked} onClick={() => setEditSecurity(s)}>
                          Edit
                        </ActionButton>
                        <ActionButton
                          className="small danger"
                          blocked={blocked ?? (s.usedBy.length > 0 ? `In use by ${s.usedBy.join(', ')}` : null)}
                          onClick={() =>
                            setConfirm({ title: `Delete security definition ${s.name}?`, text: 'The definition and its stored secret are deleted. This cannot be undone.', label: 'Delete', run: () => deleteSecurity(s.name) })
                          }
                        >
                          Delete…
                        </ActionButton>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
      {editChannel !== null ? (
        <ChannelForm
          channel={editChannel === 'new' ? null : editChannel}
          security={security}
          onClose={() => setEditChannel(null)}
          onSubmit={(p) => saveChannel(p as SavePayload<ChannelCreate>)}
        />
      ) : null}
      {editSecurity !== null ? (
        <SecurityForm
          security={editSecurity === 'new' ? null : editSecurity}
          onClose={() => setEditSecurity(null)}
          onSubmit={(p) => saveSecurity(p as SavePayload<SecurityCreate>)}
        />
      ) : null}
      {confirm ? (
        <ConfirmDialog title={confirm.title} confirmLabel={confirm.label} onConfirm={confirm.run} onClose={() => setConfirm(null)}>
          {confirm.text}
        </ConfirmDialog>
      ) : null}
    </>
  );
}
