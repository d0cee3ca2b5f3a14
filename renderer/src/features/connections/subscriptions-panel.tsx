import { useEffect, useState } from 'react';
import type { Subscription } from '../../../../protocol/admin-pubsub';
import type { ConnectionRow } from '../../../../protocol/console/clusters';
import { ActionButton, ConfirmDialog, TimeText } from '../../components/ui';
import { useStore } from '../../store';

export function SubscriptionsPanel({ clusterId, row, blocked }: { clusterId: string; row: ConnectionRow; blocked: string | null }) {
  const subs = useStore((s) => s.subs);
  const loadSubscriptions = useStore((s) => s.loadSubscriptions);
  const unsubscribe = useStore((s) => s.unsubscribe);
  const purge = useStore((s) => s.purgeSubscription);
  const { serverId, connectionId } = row;
  const load = () => loadSubscriptions(clusterId, serverId, connectionId);

  // Reload when the registry's subscription count for this client changes.
  useEffect(() => {
    void loadSubscriptions(clusterId, serverId, connectionId);
  }, [loadSubscriptions, clusterId, serverId, connectionId, row.subscriptions]);

  const mine = subs.of === `${clusterId}|${serverId}|${connectionId}`;
  const items = mine ? subs.items : null;
  const error = mine ? subs.error : null;
  const busyKey = subs.busyKey;
  const act = (kind: 'unsubscribe' | 'purge', s: Subscription) => (kind === 'unsubscribe' ? unsubscribe(s) : purge(s));
  const [asking, setAsking] = useState<{ kind: 'unsubscribe' | 'purge'; sub: Subscription } | null>(null);
  const queued = (n: number) => `${n.toLocaleString()} queued message${n === 1 ? '' : 's'}`;

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
              <ActionButton className="small" blocked={blocked ?? (busyKey === s.subscriptionKey ? 'Working…' : null)} onClick={() => setAsking({ kind: 'unsubscribe', sub: s })} testId="unsubscribe">
                Unsubscribe…
              </ActionButton>
              <ActionButton className="small" blocked={blocked ?? (s.depth === 0 ? 'Nothing queued to purge' : null)} onClick={() => setAsking({ kind: 'purge', sub: s })} testId="purge">
                Purge…
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
      {asking ? (
        <ConfirmDialog
          title={asking.kind === 'unsubscribe' ? `Unsubscribe ${asking.sub.clientId} from ${asking.sub.topic}?` : `Purge the queue of ${asking.sub.clientId} on ${asking.sub.topic}?`}
          confirmLabel={asking.kind === 'unsubscribe' ? 'Unsubscribe' : 'Purge'}
          onConfirm={() => act(asking.kind, asking.sub)}
          onClose={() => setAsking(null)}
        >
          {asking.kind === 'unsubscribe' ? (
            <>
              The durable subscription is deleted on the server. Its <b>{queued(asking.sub.depth)}</b> are lost, and messages published from now on are not kept for this client unless it subscribes again.
            </>
          ) : (
            <>
              The <b>{queued(asking.sub.depth)}</b> are deleted and never delivered; durable data is lost. The subscription itself stays.
            </>
          )}
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
