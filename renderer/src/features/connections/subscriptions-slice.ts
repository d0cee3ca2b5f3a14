import type { Subscription } from '../../../../protocol/admin-pubsub';
import type { SliceCreator } from '../../store/types';

/** The durable subscriptions of the connection the drawer shows (fetched on demand, refreshed after each action). */
export interface SubscriptionsState {
  /** `${clusterId}|${serverId}|${connectionId}` of the connection they belong to. */
  of: string | null;
  items: Subscription[] | null;
  error: string | null;
  /** Subscription an action is running on. */
  busyKey: string | null;
}

export interface SubscriptionsSlice {
  subs: SubscriptionsState;
  loadSubscriptions(clusterId: string, serverId: string, connectionId: string): Promise<void>;
  unsubscribe(sub: Subscription): Promise<void>;
  purgeSubscription(sub: Subscription): Promise<void>;
}

export const initialSubscriptions = (): SubscriptionsState => ({ of: null, items: null, error: null, busyKey: null });

const keyOf = (clusterId: string, serverId: string, connectionId: string) => `${clusterId}|${serverId}|${connectionId}`;

export const createSubscriptionsSlice: SliceCreator<SubscriptionsSlice> = (set, get, deps) => {
  const target = () => {
    const of = get().subs.of;
    if (of === null) throw new Error('no connection shown');
    const [clusterId, serverId] = of.split('|') as [string, string, string];
    return { clusterId, serverId };
  };
  const act = async (sub: Subscription, what: (r: unknown) => string, fn: () => Promise<unknown>) => {
    set((s) => ({ subs: { ...s.subs, busyKey: sub.subscriptionKey } }));
    try {
      get().notify('info', what(await fn()));
    } catch (err) {
      get().notify('error', `${sub.topic}: ${deps.errorMessage(err)}`);
    } finally {
      set((s) => ({ subs: { ...s.subs, busyKey: null } }));
    }
    const of = get().subs.of;
    if (of) {
      const [c, sv, id] = of.split('|') as [string, string, string];
      await get().loadSubscriptions(c, sv, id);
    }
  };
  return {
    subs: initialSubscriptions(),
    async loadSubscriptions(clusterId, serverId, connectionId) {
      const of = keyOf(clusterId, serverId, connectionId);
      if (get().subs.of !== of) set({ subs: { ...initialSubscriptions(), of } });
      try {
        const res = await deps.api.call('connections.subscriptions', { clusterId, serverId, connectionId });
        if (get().subs.of === of) set((s) => ({ subs: { ...s.subs, items: res.items, error: null } }));
      } catch (err) {
        if (get().subs.of === of) set((s) => ({ subs: { ...s.subs, error: deps.errorMessage(err) } }));
      }
    },
    unsubscribe: (sub) => act(sub, () => `Unsubscribed ${sub.clientId} from ${sub.topic}`, () => deps.api.call('subscriptions.remove', { ...target(), subscriptionKey: sub.subscriptionKey })),
    purgeSubscription: (sub) => act(sub, (r) => `Purged ${(r as { purged: number }).purged} queued message(s) of ${sub.topic}`, () => deps.api.call('subscriptions.purge', { ...target(), subscriptionKey: sub.subscriptionKey })),
  };
};
