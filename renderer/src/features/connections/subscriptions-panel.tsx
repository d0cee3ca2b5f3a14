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
      const res = await api.call('connections.subscriptions', { clusterId, serverId, connectionId });
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
        await api.call('subscriptions.remove', { clusterId, serverId: target.serverId, subscriptionKey: s.subscriptionKey });
        notify('info', `Unsubscribed ${s.clientId} from ${s.topic}`);
      } else {
        const r = await api.call('subscriptions.purge', { clusterId, serverId: target.serverId, subscriptionKey: s.subscriptionKey });
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
      <div className="subs" data-testid="subscriptions">
        {items.map((s) => (
          <div key={s.subscriptionKey} className="sub" data-testid="subscription" data-topic={s.topic}>
            <div className="sub-head">
              <span className="mono topic">{s.topic}</span>
              {s.predatesConnection ? (
                <span className="badge warn" data-testid="predates" title="Made before the current connection opened: the subscription was kept across reconnects, and queued messages were redelivered.">
                  predates connection
                </span>
              ) : (
                <span className="badge">this connection</span>
              )}
              <span className="spacer" style={{ flex: 1 }} />
              <ActionButton className="small" blocked={blocked ?? (busyKey === s.subscriptionKey ? 'Working…' : null)} onClick={() => void act('unsubscribe', s)} testId="unsubscribe">
                Unsubscribe
              </ActionButton>
              <ActionButton className="small" blocked={blocked ?? (s.depth === 0 ? 'Nothing queued to purge' : null)} onClick={() => void act('purge', s)} testId="purge">
                Purge
              </ActionButton>
            </div>
            <div className="muted">
              Subscribed <TimeText iso={s.subscribedAt} /> via {s.channel} · <span className="mono" title="subscription key">{s.subscriptionKey}</span>
              {s.expiresAt ? (
                <span data-testid="expires" title="The client is not attached: the subscription is deleted then unless it comes back (topic subscriptionTtlSeconds).">
                  {' '}· expires <TimeText iso={s.expiresAt} />
                </span>
              ) : null}
            </div>
            <dl className="sub-stats">
              <dt>Depth</dt>
              <dt>Delivered</dt>
              <dt>Acked</dt>
              <dt>Dropped</dt>
              <dd>{s.depth.toLocaleString()}</dd>
              <dd title={`last delivered seq of ${s.lastSeq} published`}>
                {s.lastDeliveredSeq} <span className="muted">/ {s.lastSeq}</span>
              </dd>
              <dd>{s.lastAckedSeq}</dd>
              <dd className={s.dropped > 0 ? 'error-text' : ''}>{s.dropped}</dd>
            </dl>
          </div>
        ))}
      </div>
    </div>
  );
}
