import { useCallback, useEffect, useState } from 'react';
import type { Subscription } from '../../../../protocol/admin-pubsub';
import type { ConnectionRow } from '../../../../protocol/console/clusters';
import { api, errorInfoOf } from '../../api';
import { ActionButton, TimeText } from '../../components/ui';
import { useStore } from '../../store';

export function SubscriptionsPanel({ clusterId, row, blocked }: { clusterId: string; row: ConnectionRow; blocked: string | null }) {
  const [items, setItems] = useState<Subscription[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busyKey, setBusyKey] = useState<string | null>(null);
  const notify = useStore((s) => s.notify);
  const target = { clusterId, serverId: row.serverId, connectionId: row.connectionId };
  const { serverId, connectionId } = row;

  const load = useCallback(async () => {
    try {
      const res = await api.call('listSubscriptions', { clusterId, serverId, connectionId });
      setItems(res.items);
      setError(null);
    } catch (err) {
      setError(errorInfoOf(err).message);
    }
  }, [clusterId, serverId, connectionId]);

  // Reload when the registry's subscription count for this client changes.
  useEffect(() => {
    void load();
  }, [load, row.subscriptions]);

  const act = async (kind: 'unsubscribe' | 'purge', s: Subscription) => {
    setBusyKey(s.subscriptionKey);
    try {
      if (kind === 'unsubscribe') {
        await api.call('unsubscribe', { clusterId, serverId: target.serverId, subscriptionKey: s.subscriptionKey });
        notify('info', `Unsubscribed ${s.clientId} from ${s.topic}`);
      } else {
        const r = await api.call('purgeSubscription', { clusterId, serverId: target.serverId, subscriptionKey: s.subscriptionKey });
        notify('info', `Purged ${r.purged} queued message(s) of ${s.topic}`);
      }
      await load();
    } catch (err) {
      notify('error', `${kind} failed: ${errorInfoOf(err).message}`);
    } finally {
      setBusyKey(null);
    }
  };

  if (error) return <div className="error-text" role="alert">{error}</div>;
  if (!items) return <div className="muted">Loading subscriptions…</div>;
  if (items.length === 0) return <div className="muted">No subscriptions for client {row.clientId ?? '(not logged in)'}.</div>;
  return (
    <div>
      <div className="row-line" style={{ marginBottom: 6 }}>
        <span className="muted">Durable subscriptions of client ID {row.clientId}; they outlive connections.</span>
        <span className="spacer" />
        <button className="btn small" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <table className="grid" data-testid="subscriptions">
        <thead>
          <tr>
            <th>Topic</th>
            <th>Subscribed at</th>
            <th className="num">Depth</th>
            <th className="num" title="last delivered seq / last acked seq / last published seq">Delivered / acked</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.subscriptionKey} data-testid="subscription" data-topic={s.topic}>
              <td>
                <div className="mono">{s.topic}</div>
                <div className="muted mono" style={{ fontSize: 10.5 }} title="subscription key">
                  {s.subscriptionKey}
                </div>
              </td>
              <td>
                <TimeText iso={s.subscribedAt} />
                {s.predatesConnection ? (
                  <div>
                    <span className="badge warn" data-testid="predates" title="This subscription was made before the current connection opened: it was kept across reconnects.">
                      predates connection
                    </span>
                  </div>
                ) : null}
              </td>
              <td className="num">
                {s.depth.toLocaleString()}
                {s.dropped > 0 ? <div className="error-text" title="messages dropped">−{s.dropped}</div> : null}
              </td>
              <td className="num mono" title={`last seq ${s.lastSeq}`}>
                {s.lastDeliveredSeq} / {s.lastAckedSeq}
                <div className="muted">of {s.lastSeq}</div>
              </td>
              <td>
                <div style={{ display: 'grid', gap: 3 }}>
                  <ActionButton className="small" blocked={blocked ?? (busyKey === s.subscriptionKey ? 'Working…' : null)} onClick={() => void act('unsubscribe', s)} testId="unsubscribe">
                    Unsubscribe
                  </ActionButton>
                  <ActionButton className="small" blocked={blocked ?? (s.depth === 0 ? 'Nothing queued' : null)} onClick={() => void act('purge', s)} testId="purge">
                    Purge
                  </ActionButton>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
