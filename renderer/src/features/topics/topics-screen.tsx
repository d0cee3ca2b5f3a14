import { useEffect, useState } from 'react';
import type { Topic, TopicCreate } from '../../../../protocol/admin-pubsub';
import { ActionButton, Modal, TimeText } from '../../components/ui';
import { useStore } from '../../store';
import { actionBlockedReason } from '../clusters/clusters-slice';
import type { SavePayload } from '../channels/use-save-form';
import { TopicForm } from './topic-form';
import { TopicDetail } from './topic-detail';
import type { TopicRow } from './topics-slice';

export type TopicConfirm = { title: string; text: string; action: string; run: () => Promise<void> } | null;

export function ConfirmDialog({ confirm, onClose }: { confirm: NonNullable<TopicConfirm>; onClose: () => void }) {
  return (
    <Modal
      title={confirm.title}
      onClose={onClose}
      testId="confirm"
      footer={
        <>
          <button className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            className="btn danger solid"
            data-testid="confirm-ok"
            onClick={() => {
              onClose();
              void confirm.run();
            }}
          >
            {confirm.action}
          </button>
        </>
      }
    >
      <p style={{ margin: 0 }}>{confirm.text}</p>
    </Modal>
  );
}

const rowId = (r: TopicRow) => `${r.serverId}|${r.topic.name}`;
const plural = (n: number, one: string) => `${n.toLocaleString()} ${one}${n === 1 ? '' : 's'}`;

/** Topics of every connected server of the selected cluster, merged; each row names its server. */
export function TopicsScreen() {
  const clusterId = useStore((s) => s.clusters.selectedId);
  const state = useStore((s) => (clusterId ? s.clusters.states[clusterId] : undefined));
  const topics = useStore((s) => s.topics);
  const showTopicsOf = useStore((s) => s.showTopicsOf);
  const reloadTopics = useStore((s) => s.reloadTopics);
  const selectTopic = useStore((s) => s.selectTopic);
  const createTopic = useStore((s) => s.createTopic);
  const createTopicOnAll = useStore((s) => s.createTopicOnAll);
  const updateTopic = useStore((s) => s.updateTopic);
  const deleteTopic = useStore((s) => s.deleteTopic);
  const connected = (state?.servers ?? []).filter((s) => s.status === 'connected');
  const connectedKey = connected.map((s) => s.serverId).join('\n');
  const [edit, setEdit] = useState<{ serverId: string; topic: Topic | null } | null>(null);
  const [confirm, setConfirm] = useState<TopicConfirm>(null);
  const [newOn, setNewOn] = useState<string | undefined>(undefined);

  useEffect(() => {
    if (clusterId && connected.length > 0) showTopicsOf(clusterId, connected);
    // connectedKey stands for `connected` (a fresh array every render).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [clusterId, connectedKey, showTopicsOf]);

  if (!clusterId) return <div className="empty">Select a cluster to see its topics.</div>;
  if (connected.length === 0) return <div className="empty" data-testid="topics-empty">No server of this cluster is connected.</div>;
  const shown = topics.clusterId === clusterId;
  const rows = shown ? topics.rows : null;
  const nameOf = (serverId: string) => {
    const s = connected.find((x) => x.serverId === serverId);
    return s?.info?.name ?? s?.url ?? serverId;
  };
  const ALL = '*all*';
  const createOn = newOn === ALL && connected.length > 1 ? ALL : newOn && connected.some((s) => s.serverId === newOn) ? newOn : connected[0]!.serverId;
  const createBlocked = createOn === ALL ? (connected.map((s) => actionBlockedReason(state, s.serverId)).find((r) => r !== null) ?? null) : actionBlockedReason(state, createOn);
  const selected = shown ? topics.selected : null;
  const selRow = selected && rows ? rows.find((r) => r.serverId === selected.serverId && r.topic.name === selected.name) : undefined;

  const askDelete = (r: TopicRow) =>
    setConfirm({
      title: `Delete topic ${r.topic.name} on ${r.serverName}?`,
      text: `Its ${plural(r.topic.subscribers, 'subscription')} and ${plural(r.topic.depth, 'queued message')} are lost; subscribers are not told. This cannot be undone.`,
      action: 'Delete topic',
      run: () => deleteTopic(r.serverId, r.topic.name),
    });

  return (
    <>
      <div className="toolbar">
        <span className="muted">Topics of {plural(connected.length, 'connected server')}; each row names its server.</span>
        <span className="spacer" style={{ flex: 1 }} />
        {connected.length > 1 ? (
          <select className="input" value={createOn} data-testid="create-on" onChange={(e) => setNewOn(e.target.value)} aria-label="Create on server">
            {connected.map((s) => (
              <option key={s.serverId} value={s.serverId}>
                {s.info?.name ?? s.url}
              </option>
            ))}
            <option value={ALL}>all {connected.length} servers</option>
          </select>
        ) : null}
        <ActionButton className="primary" blocked={createBlocked} onClick={() => setEdit({ serverId: createOn, topic: null })} testId="new-topic">
          + New topic
        </ActionButton>
        <button className="btn" onClick={() => void reloadTopics()} data-testid="refresh-topics">
          Refresh
        </button>
      </div>
      {Object.entries(shown ? topics.errors : {}).map(([sid, err]) => (
        <div className="banner" key={sid} role="alert" data-testid="topics-error">
          {nameOf(sid)}: {err}
        </div>
      ))}
      <div className="split" style={{ gridTemplateColumns: 'minmax(0, 5fr) minmax(0, 3fr)' }}>
        <section className="pane">
          <div className="pane-head">
            Topics <span className="muted">({rows?.length ?? 0})</span>
          </div>
          <div className="pane-body">
            {rows === null ? (
              <div className="empty">Loading topics…</div>
            ) : rows.length === 0 ? (
              <div className="empty" data-testid="topics-none">
                No topics on these servers yet. Create one, or let clients publish to a topic the server config declares.
              </div>
            ) : (
              <table className="grid" data-testid="topics">
                <thead>
                  <tr>
                    <th>Topic</th>
                    <th>Server</th>
                    <th className="num" title="Messages queued over all subscriptions">Depth</th>
                    <th className="num">Subscribers</th>
                    <th className="num">Published</th>
                    <th className="num" title="Dropped by drop-oldest or age / refused by reject">Dropped / rejected</th>
                    <th title="Max queued messages per subscription, and what happens when a queue is full">Max depth · overflow</th>
                    <th>Last publish</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => {
                    const blocked = actionBlockedReason(state, r.serverId);
                    const t = r.topic;
                    const isSel = selected?.serverId === r.serverId && selected.name === t.name;
                    return (
                      <tr
                        key={rowId(r)}
                        data-testid="topic"
                        data-name={t.name}
                        data-server={r.serverId}
                        aria-selected={isSel}
                        className={isSel ? 'selected' : undefined}
                        onClick={() => selectTopic(isSel ? null : { serverId: r.serverId, name: t.name })}
                        style={{ cursor: 'pointer' }}
                      >
                        <td className="mono">{t.name}</td>
                        <td style={{ whiteSpace: 'nowrap' }}>{r.serverName}</td>
                        <td className="num" data-testid="topic-depth">
                          {t.depth.toLocaleString()}
                        </td>
                        <td className="num" data-testid="topic-subscribers">
                          {t.subscribers}
                        </td>
                        <td className="num">{t.published.toLocaleString()}</td>
                        <td className={`num ${t.dropped + t.rejected > 0 ? 'error-text' : ''}`}>
                          {t.dropped} / {t.rejected}
                        </td>
                        <td style={{ whiteSpace: 'nowrap' }}>
                          <span data-testid="topic-maxDepth">{t.maxDepth.toLocaleString()}</span>{' '}
                          <span className={`badge ${t.overflow === 'reject' ? 'warn' : ''}`} data-testid="topic-overflow">
                            {t.overflow}
                          </span>
                        </td>
                        <td>
                          <TimeText iso={t.lastPublishedAt} />
                        </td>
                        <td onClick={(e) => e.stopPropagation()}>
                          <div className="row-line actions">
                            <ActionButton className="small" blocked={blocked} onClick={() => setEdit({ serverId: r.serverId, topic: t })} testId="edit-topic">
                              Edit
                            </ActionButton>
                            <ActionButton className="small danger" blocked={blocked} onClick={() => askDelete(r)} testId="delete-topic">
                              Delete
                            </ActionButton>
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </div>
        </section>
        <section className="pane">
          {selRow ? (
            <TopicDetail row={selRow} blocked={actionBlockedReason(state, selRow.serverId)} onConfirm={setConfirm} />
          ) : (
            <div className="empty">Select a topic to see its subscriptions and publish to it.</div>
          )}
        </section>
      </div>
      {edit ? (
        <TopicForm
          topic={edit.topic}
          serverLabel={edit.serverId === ALL ? `all ${connected.length} connected servers (each result is reported)` : nameOf(edit.serverId)}
          onClose={() => setEdit(null)}
          onSubmit={(p: SavePayload<TopicCreate>) =>
            'create' in p
              ? edit.serverId === ALL
                ? createTopicOnAll(connected.map((s) => s.serverId), p.create)
                : createTopic(edit.serverId, p.create)
              : updateTopic(edit.serverId, p.name, p.patch)
          }
        />
      ) : null}
      {confirm ? <ConfirmDialog confirm={confirm} onClose={() => setConfirm(null)} /> : null}
    </>
  );
}
