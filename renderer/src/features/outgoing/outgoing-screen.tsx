import { useEffect, useRef, useState } from 'react';
import type { Outgoing, OutgoingState as LiveState } from '../../../../protocol/admin-outgoing';
import { ActionButton, Modal, TimeText } from '../../components/ui';
import { useStore } from '../../store';
import { actionBlockedReason } from '../clusters/clusters-slice';
import { jsonProblem } from '../connections/invoke-panel';
import { JsonEditor, type JsonEditorHandle } from '../connections/json-editor';
import { OutgoingForm } from './outgoing-form';
import type { OutgoingResult } from './outgoing-slice';

const STATE_BADGE: Record<LiveState, string> = { idle: '', connecting: 'warn', open: 'ok', closing: 'warn', backoff: 'bad', stopped: 'bad' };
const EMPTY_RESULTS: OutgoingResult[] = [];

function hooksOf(o: Outgoing): string {
  const parts = (['onConnect', 'onMessage', 'onClose'] as const).filter((h) => o[h]).map((h) => `${h.slice(2).toLowerCase()}: ${o[h]}`);
  return parts.length ? parts.join(' · ') : '—';
}

/** The send/invoke console and the recent frames of the selected connection. */
function OutgoingConsole({ rowKey, o, blocked }: { rowKey: string; o: Outgoing; blocked: string | null }) {
  const sendOutgoing = useStore((s) => s.sendOutgoing);
  const invokeOutgoing = useStore((s) => s.invokeOutgoing);
  const loadFrames = useStore((s) => s.loadFrames);
  const results = useStore((s) => s.outgoing.results[rowKey] ?? EMPTY_RESULTS);
  const frames = useStore((s) => s.outgoing.frames);
  const [text, setText] = useState('{"id": "1", "hello": "world"}');
  const [timeoutMs, setTimeoutMs] = useState('5000');
  const editor = useRef<JsonEditorHandle | null>(null);
  const dataOf = (): unknown => (o.dataFormat === 'json' ? JSON.parse(text) : text);
  const problem = o.dataFormat === 'json' ? jsonProblem(text) : null;
  const invoke = () => void invokeOutgoing(rowKey, dataOf(), Number(timeoutMs) || 5000);
  return (
    <section className="pane" data-testid="outgoing-console">
      <div className="pane-head">
        {o.name} <span className="muted">send / invoke</span>
        <span className="spacer" style={{ flex: 1 }} />
        <button className="btn small" onClick={() => void loadFrames()} data-testid="reload-frames">
          Refresh frames
        </button>
      </div>
      <div className="pane-body" style={{ padding: 8, display: 'flex', flexDirection: 'column', gap: 8 }}>
        <JsonEditor initial={text} onChange={setText} onSubmit={invoke} handleRef={editor} testId="outgoing-editor" />
        <div className="row-line">
          <label className="muted" htmlFor="og-timeout">
            Timeout (ms)
          </label>
          <input id="og-timeout" className="input num" style={{ width: 90 }} value={timeoutMs} onChange={(e) => setTimeoutMs(e.target.value)} />
          <ActionButton blocked={blocked ?? problem} onClick={() => void sendOutgoing(rowKey, dataOf())} testId="outgoing-send">
            Send
          </ActionButton>
          <ActionButton className="primary" blocked={blocked ?? problem} onClick={invoke} testId="outgoing-invoke" title={o.kind === 'plain' && !o.correlation ? 'No correlation configured: the server will refuse' : undefined}>
            Invoke
          </ActionButton>
        </div>
        <div data-testid="outgoing-results">
          {results.length === 0 ? <div className="muted">Nothing sent yet.</div> : null}
          {[...results].reverse().map((r) => (
            <div key={r.id} className="row-line response" data-testid="outgoing-result" data-kind={r.kind}>
              <span className={`badge ${r.kind === 'error' ? 'bad' : r.kind === 'queued' ? 'warn' : 'ok'}`}>{r.kind}</span>
              <span className="mono" style={{ wordBreak: 'break-all' }}>{r.text}</span>
              {r.latencyMs !== undefined ? <span className="muted">{r.latencyMs.toFixed(1)} ms</span> : null}
              <TimeText iso={r.at} clock />
            </div>
          ))}
        </div>
        <div className="pane-head" style={{ margin: '0 -8px' }}>
          Recent frames <span className="muted">({frames.length} of {o.recentFrames})</span>
        </div>
        <table className="grid" data-testid="outgoing-frames">
          <tbody>
            {[...frames].reverse().map((f, i) => (
              <tr key={`${f.at}-${i}`} data-dir={f.dir}>
                <td>
                  <span className={`badge ${f.dir === 'in' ? 'ok' : ''}`}>{f.dir === 'in' ? '← in' : '→ out'}</span>
                </td>
                <td className="mono" style={{ wordBreak: 'break-all' }}>
                  {f.preview}
                  {f.truncated ? '…' : ''}
                </td>
                <td className="num">{f.size} B</td>
                <td>
                  <TimeText iso={f.at} clock />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function OutgoingScreen() {
  const clusterId = useStore((s) => s.clusters.selectedId);
  const state = useStore((s) => (clusterId ? s.clusters.states[clusterId] : undefined));
  const og = useStore((s) => s.outgoing);
  const loadOutgoing = useStore((s) => s.loadOutgoing);
  const selectOutgoing = useStore((s) => s.selectOutgoing);
  const saveOutgoing = useStore((s) => s.saveOutgoing);
  const outgoingAction = useStore((s) => s.outgoingAction);
  const connected = (state?.servers ?? []).filter((s) => s.status === 'connected');
  const connectedIds = connected.map((s) => s.serverId).join(',');
  const [edit, setEdit] = useState<{ serverId: string; o: Outgoing | null } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [newServer, setNewServer] = useState<string | undefined>(undefined);

  useEffect(() => {
    // Reload when the cluster changes or a server (re)connects: what it holds may have moved on.
    if (clusterId) void loadOutgoing(clusterId);
  }, [clusterId, connectedIds, loadOutgoing]);

  if (!clusterId) return <div className="empty">Select a cluster to see its outgoing connections.</div>;
  const target = newServer && connected.some((s) => s.serverId === newServer) ? newServer : connected[0]?.serverId;
  const urlOf = (serverId: string) => state?.servers.find((s) => s.serverId === serverId)?.url ?? serverId;
  const rows = og.clusterId === clusterId ? Object.entries(og.rows) : [];
  const selected = og.selected ? og.rows[og.selected] : undefined;

  return (
    <>
      <div className="toolbar">
        <span className="muted">Outgoing WebSocket connections this cluster's servers keep to remote endpoints.</span>
        <span className="spacer" style={{ flex: 1 }} />
        {connected.length > 1 ? (
          <select className="input" value={target} onChange={(e) => setNewServer(e.target.value)} aria-label="Server for a new connection">
            {connected.map((s) => (
              <option key={s.serverId} value={s.serverId}>
                {s.info?.name ?? s.url}
              </option>
            ))}
          </select>
        ) : null}
        <ActionButton className="primary" blocked={actionBlockedReason(state, target)} onClick={() => target && setEdit({ serverId: target, o: null })} testId="new-outgoing">
          + New outgoing connection
        </ActionButton>
        <button className="btn" onClick={() => void loadOutgoing(clusterId)}>
          Refresh
        </button>
      </div>
      {og.errors.map((e) => (
        <div key={e.serverId} className="banner" role="alert">
          {e.serverId ? `${urlOf(e.serverId)}: ` : ''}
          {e.message}
        </div>
      ))}
      <div className="split">
        <section className="pane">
          <div className="pane-head">
            Outgoing <span className="muted">({rows.length})</span>
          </div>
          <div className="pane-body">
            {rows.length === 0 && !og.loading ? <div className="empty">No outgoing connections.</div> : null}
            <table className="grid" data-testid="outgoing-list">
              {rows.length > 0 ? (
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>State</th>
                    <th>Address</th>
                    <th className="num">RTT</th>
                    <th className="num">In / out</th>
                    <th>Hooks</th>
                    <th />
                  </tr>
                </thead>
              ) : null}
              <tbody>
                {rows.map(([key, { serverId, outgoing: o }]) => {
                  const st = o.status;
                  const blocked = actionBlockedReason(state, serverId);
                  return (
                    <tr key={key} data-testid="outgoing-row" data-name={o.name} data-state={st.state} aria-selected={og.selected === key} onClick={() => selectOutgoing(key)} style={{ cursor: 'pointer' }}>
                      <td>
                        <div className="mono">{o.name}</div>
                        <span className="muted">{o.kind}{connected.length > 1 || rows.some((r) => r[1].serverId !== serverId) ? ` · ${urlOf(serverId)}` : ''}</span>
                      </td>
                      <td style={{ maxWidth: 320 }}>
                        <span className={`badge ${STATE_BADGE[st.state]}`} data-testid="outgoing-state">{st.state}</span>
                        {st.attempts > 0 ? <span className="muted"> · attempt {st.attempts}</span> : null}
                        <div className="muted" data-testid="outgoing-reason" style={{ wordBreak: 'break-word' }}>{st.reason}</div>
                        {st.lastClose ? (
                          <div className="muted" data-testid="outgoing-last-close">
                            last close {st.lastClose.code}
                            {st.lastClose.reason ? ` “${st.lastClose.reason}”` : ''} ({st.lastClose.initiator}) <TimeText iso={st.lastClose.at} clock />
                          </div>
                        ) : null}
                        {st.state === 'backoff' && st.nextAttemptAt ? (
                          <div className="muted">
                            next try <TimeText iso={st.nextAttemptAt} clock />
                          </div>
                        ) : null}
                      </td>
                      <td className="mono" style={{ wordBreak: 'break-all' }}>
                        {o.address}
                        {o.tls?.insecure ? <div><span className="badge bad" title="Any server certificate is accepted">insecure TLS</span></div> : null}
                      </td>
                      <td className="num">{st.rttMs !== null ? `${st.rttMs.toFixed(1)} ms` : '—'}</td>
                      <td className="num" data-testid="outgoing-frames-count">
                        {st.framesIn} / {st.framesOut}
                      </td>
                      <td className="mono">{hooksOf(o)}</td>
                      <td onClick={(e) => e.stopPropagation()}>
                        <div className="row-line actions">
                          <ActionButton className="small" blocked={blocked} onClick={() => setEdit({ serverId, o })} testId="edit-outgoing">
                            Edit
                          </ActionButton>
                          <ActionButton className="small" blocked={blocked} onClick={() => void outgoingAction(key, 'reconnect')} testId="reconnect-outgoing">
                            Reconnect
                          </ActionButton>
                          {st.state === 'stopped' || st.state === 'idle' ? (
                            <ActionButton className="small" blocked={blocked} onClick={() => void outgoingAction(key, 'start')} testId="start-outgoing">
                              Start
                            </ActionButton>
                          ) : (
                            <ActionButton className="small" blocked={blocked} onClick={() => void outgoingAction(key, 'stop')} testId="stop-outgoing">
                              Stop
                            </ActionButton>
                          )}
                          <ActionButton className="small danger" blocked={blocked} onClick={() => setConfirmDelete(key)} testId="delete-outgoing">
                            Delete
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
        {selected && og.selected ? (
          <OutgoingConsole key={og.selected} rowKey={og.selected} o={selected.outgoing} blocked={actionBlockedReason(state, selected.serverId)} />
        ) : (
          <section className="pane">
            <div className="empty">Select a connection to send, invoke and see its recent frames.</div>
          </section>
        )}
      </div>
      {edit ? <OutgoingForm outgoing={edit.o} onSubmit={(p) => saveOutgoing(edit.serverId, p)} onClose={() => setEdit(null)} /> : null}
      {confirmDelete ? (
        <Modal
          title={`Delete ${og.rows[confirmDelete]?.outgoing.name ?? ''}?`}
          onClose={() => setConfirmDelete(null)}
          footer={
            <>
              <button className="btn" onClick={() => setConfirmDelete(null)}>
                Cancel
              </button>
              <button
                className="btn danger"
                data-testid="confirm-delete-outgoing"
                onClick={() => {
                  void outgoingAction(confirmDelete, 'delete');
                  setConfirmDelete(null);
                }}
              >
                Delete
              </button>
            </>
          }
        >
          The socket is closed with 1001 and the definition removed from the server's store.
        </Modal>
      ) : null}
    </>
  );
}
