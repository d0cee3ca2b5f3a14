import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Subscription } from '../../../../protocol/admin-pubsub';
import { ActionButton, TimeText } from '../../components/ui';
import { useStore } from '../../store';
import { JsonEditor } from '../connections/json-editor';
import { jsonProblem } from '../connections/invoke-panel';
import type { TopicConfirm } from './topics-screen';
import { formatSeconds, type TopicRow } from './topics-slice';

/** rowKey of the open connection of each client ID in the merged table (the live link from a subscription). */
function useOnlineRows(clusterId: string | null): Record<string, string> {
  return useStore(
    useShallow((s) => {
      const out: Record<string, string> = {};
      if (s.conns.clusterId !== clusterId) return out;
      for (const [key, r] of s.conns.table.rows) if (!r.closed && r.c.clientId) out[r.c.clientId] = key;
      return out;
    }),
  );
}

export function TopicDetail({ row, blocked, onConfirm }: { row: TopicRow; blocked: string | null; onConfirm: (c: TopicConfirm) => void }) {
  const topics = useStore((s) => s.topics);
  const reloadTopicSubs = useStore((s) => s.reloadTopicSubs);
  const purge = useStore((s) => s.purgeTopicSub);
  const unsubscribe = useStore((s) => s.unsubscribeTopicSub);
  const publish = useStore((s) => s.publishToTopic);
  const setTab = useStore((s) => s.setTab);
  const selectRow = useStore((s) => s.selectRow);
  const notify = useStore((s) => s.notify);
  const online = useOnlineRows(topics.clusterId);
  // The message being written is a draft of this view, not server state.
  const [text, setText] = useState('{"hello": "from the console"}');
  const [busy, setBusy] = useState(false);
  const t = row.topic;
  const problem = blocked ?? jsonProblem(text) ?? (busy ? 'Publishing…' : null);

  const doPublish = async () => {
    if (problem !== null) return;
    setBusy(true);
    try {
      await publish(row.serverId, t.name, JSON.parse(text));
    } catch (err) {
      notify('error', `Publish to ${t.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };
  const askPurge = (s: Subscription) =>
    onConfirm({
      title: `Purge ${s.clientId}'s queue on ${t.name}?`,
      text: `${s.depth.toLocaleString()} queued message(s) are dropped without being delivered to ${s.clientId}. The subscription stays.`,
      action: 'Purge',
      run: () => purge(s),
    });
  const askUnsubscribe = (s: Subscription) =>
    onConfirm({
      title: `Unsubscribe ${s.clientId} from ${t.name}?`,
      text: `The durable subscription and its ${s.depth.toLocaleString()} queued message(s) are deleted; the client receives nothing more from ${t.name} unless it subscribes again.`,
      action: 'Unsubscribe',
      run: () => unsubscribe(s),
    });

  const subs = topics.subs;
  return (
    <>
      <div className="pane-head">
        <span className="mono">{t.name}</span> <span className="muted">on {row.serverName}</span>
        <span className="spacer" style={{ flex: 1 }} />
        <button className="btn small" onClick={() => void reloadTopicSubs()}>
          Refresh
        </button>
      </div>
      <div className="pane-body" style={{ padding: 8, display: 'grid', gap: 10, alignContent: 'start' }}>
        <div className="muted">
          Limits: max depth {t.maxDepth.toLocaleString()} ({t.overflow}) · max age {formatSeconds(t.maxAgeSeconds)} · subscription TTL {formatSeconds(t.subscriptionTtlSeconds)} · created <TimeText iso={t.createdAt} />
        </div>
        <div>
          <b>Subscriptions</b>
          {topics.subsError ? (
            <div className="error-text" role="alert">
              {topics.subsError}
            </div>
          ) : subs === null ? (
            <div className="muted">Loading…</div>
          ) : subs.length === 0 ? (
            <div className="muted" data-testid="topic-subs-none">
              Nobody is subscribed to {t.name}.
            </div>
          ) : (
            <table className="grid" data-testid="topic-subs">
              <thead>
                <tr>
                  <th>Client ID</th>
                  <th>Subscribed</th>
                  <th className="num">Depth</th>
                  <th className="num" title="last delivered / last acked / last published sequence">Delivered / acked</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {subs.map((s) => (
                  <tr key={s.subscriptionKey} data-testid="topic-sub" data-client-id={s.clientId}>
                    <td>
                      <div className="mono">{s.clientId}</div>
                      {online[s.clientId] ? (
                        <button
                          className="btn small"
                          title="Show this client's connection"
                          onClick={() => {
                            setTab('connections');
                            selectRow(online[s.clientId]!, 'subscriptions');
                          }}
                        >
                          online ↗
                        </button>
                      ) : (
                        <span className="muted" title={s.expiresAt ? `Deleted at ${s.expiresAt} unless the client comes back` : undefined}>
                          offline
                        </span>
                      )}
                    </td>
                    <td>
                      <TimeText iso={s.subscribedAt} />
                    </td>
                    <td className="num" data-testid="sub-depth">
                      {s.depth.toLocaleString()}
                    </td>
                    <td className="num">
                      {s.lastDeliveredSeq} / {s.lastAckedSeq} <span className="muted">of {s.lastSeq}</span>
                    </td>
                    <td>
                      <div className="row-line actions">
                        <ActionButton
                          className="small"
                          blocked={blocked ?? (topics.busyKey === s.subscriptionKey ? 'Working…' : s.depth === 0 ? 'Nothing queued to purge' : null)}
                          onClick={() => askPurge(s)}
                          testId="purge-sub"
                        >
                          Purge
                        </ActionButton>
                        <ActionButton className="small danger" blocked={blocked ?? (topics.busyKey === s.subscriptionKey ? 'Working…' : null)} onClick={() => askUnsubscribe(s)} testId="unsubscribe-sub">
                          Unsubscribe
                        </ActionButton>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div style={{ display: 'grid', gap: 6 }}>
          <b>Publish</b>
          <JsonEditor key={`${row.serverId}|${t.name}`} initial={text} onChange={setText} onSubmit={() => void doPublish()} testId="publish-editor" />
          <div className="row-line">
            <ActionButton className="primary small" blocked={problem} onClick={() => void doPublish()} testId="publish">
              Publish to {t.name}
            </ActionButton>
            <span className="muted">Ctrl+Enter publishes</span>
          </div>
          {topics.lastPublish && topics.lastPublish.topic === t.name ? (
            <div data-testid="publish-result">
              Published <TimeText iso={topics.lastPublish.publishedAt} clock />: queued for {plural(topics.lastPublish.queuedFor)}
              {topics.lastPublish.dropped > 0 ? <span className="error-text">, {topics.lastPublish.dropped} older dropped</span> : null}
            </div>
          ) : null}
        </div>
      </div>
    </>
  );
}

const plural = (n: number) => `${n} subscription${n === 1 ? '' : 's'}`;
