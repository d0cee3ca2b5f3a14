import type { PublishResult, Subscription, Topic, TopicCreate, TopicPatch } from '../../../../protocol/admin-pubsub';
import type { ConfigChanged, ServerStatus } from '../../../../protocol/console/clusters';
import type { SliceCreator } from '../../store/types';

/** One topic as one server reports it: the screen merges every connected server's list. */
export interface TopicRow {
  serverId: string;
  serverName: string;
  topic: Topic;
}

export interface TopicsState {
  clusterId: string | null;
  /** Servers the list was last fetched from (connected ones), in profile order. */
  serverIds: string[];
  rows: TopicRow[] | null;
  /** Per server: why its list could not be fetched (the other servers' rows still show). */
  errors: Record<string, string>;
  loading: boolean;
  /** The topic whose subscriptions are shown. */
  selected: { serverId: string; name: string } | null;
  subs: Subscription[] | null;
  subsError: string | null;
  /** Subscription an action is running on. */
  busyKey: string | null;
  lastPublish: PublishResult | null;
}

export interface TopicsSlice {
  topics: TopicsState;
  /** Shows (and loads) the topics of these connected servers; a no-op when already shown. */
  showTopicsOf(clusterId: string, servers: readonly Pick<ServerStatus, 'serverId' | 'url' | 'info'>[]): void;
  reloadTopics(): Promise<void>;
  onTopicChanged(change: ConfigChanged): void;
  selectTopic(sel: { serverId: string; name: string } | null): void;
  reloadTopicSubs(): Promise<void>;
  createTopic(serverId: string, topic: TopicCreate): Promise<void>;
  /**
   * Creates the topic on each of these servers (profiles of independent servers); tells which
   * succeeded and why the others failed. Rejects with the first failure only when every server refused.
   */
  createTopicOnAll(serverIds: readonly string[], topic: TopicCreate): Promise<void>;
  updateTopic(serverId: string, name: string, patch: TopicPatch): Promise<void>;
  deleteTopic(serverId: string, name: string): Promise<void>;
  publishToTopic(serverId: string, name: string, data: unknown): Promise<PublishResult>;
  purgeTopicSub(sub: Subscription): Promise<void>;
  unsubscribeTopicSub(sub: Subscription): Promise<void>;
}

export const TOPICS_REFETCH_DEBOUNCE_MS = 100;

export const initialTopics = (): TopicsState => ({
  clusterId: null, serverIds: [], rows: null, errors: {}, loading: false, selected: null, subs: null, subsError: null, busyKey: null, lastPublish: null,
});

// ---- pure updates (unit tested)

/**
 * What an edit sends: only the fields whose value differs from the topic as loaded, so a PATCH
 * never rewrites a limit somebody else changed meanwhile. An empty object means nothing to send.
 */
export function topicPatchOf(before: Topic, draft: TopicPatch): TopicPatch {
  const p: TopicPatch = {};
  if (draft.maxDepth !== undefined && draft.maxDepth !== before.maxDepth) p.maxDepth = draft.maxDepth;
  if (draft.maxAgeSeconds !== undefined && draft.maxAgeSeconds !== before.maxAgeSeconds) p.maxAgeSeconds = draft.maxAgeSeconds;
  if (draft.overflow !== undefined && draft.overflow !== before.overflow) p.overflow = draft.overflow;
  if (draft.subscriptionTtlSeconds !== undefined && draft.subscriptionTtlSeconds !== before.subscriptionTtlSeconds) p.subscriptionTtlSeconds = draft.subscriptionTtlSeconds;
  return p;
}

/** Merged rows sorted by topic name, then server (the order of the profile). */
export function mergeTopicRows(lists: { serverId: string; serverName: string; items: Topic[] }[]): TopicRow[] {
  const order = new Map(lists.map((l, i) => [l.serverId, i]));
  return lists
    .flatMap((l) => l.items.map((topic) => ({ serverId: l.serverId, serverName: l.serverName, topic })))
    .sort((a, b) => a.topic.name.localeCompare(b.topic.name) || (order.get(a.serverId)! - order.get(b.serverId)!));
}

/** 604800 → "7 d", 90 → "90 s": limits read as durations, not as second counts. */
export function formatSeconds(sec: number): string {
  const units: [number, string][] = [[86400, 'd'], [3600, 'h'], [60, 'min']];
  for (const [n, u] of units) if (sec >= n && sec % n === 0) return `${sec / n} ${u}`;
  return `${sec} s`;
}


// ---- slice

export const createTopicsSlice: SliceCreator<TopicsSlice> = (set, get, deps) => {
  let generation = 0;
  let subsGeneration = 0;
  let refetch: ReturnType<typeof setTimeout> | null = null;
  let names: Record<string, string> = {};
  const clusterOf = () => {
    const id = get().topics.clusterId;
    if (id === null) throw new Error('no cluster shown');
    return id;
  };
  const act = async (what: string, fn: () => Promise<unknown>, rethrow = false): Promise<void> => {
    try {
      await fn();
      get().notify('info', what);
    } catch (err) {
      if (rethrow) throw err;
      get().notify('error', `${what} failed: ${deps.errorMessage(err)}`);
    } finally {
      void get().reloadTopics();
    }
  };
  const subAct = async (sub: Subscription, what: (r: unknown) => string, fn: () => Promise<unknown>) => {
    set((s) => ({ topics: { ...s.topics, busyKey: sub.subscriptionKey } }));
    try {
      get().notify('info', what(await fn()));
    } catch (err) {
      get().notify('error', `${sub.clientId} on ${sub.topic}: ${deps.errorMessage(err)}`);
    } finally {
      set((s) => ({ topics: { ...s.topics, busyKey: null } }));
    }
    await Promise.all([get().reloadTopicSubs(), get().reloadTopics()]);
  };
  return {
    topics: initialTopics(),
    showTopicsOf(clusterId, servers) {
      const t = get().topics;
      const ids = servers.map((s) => s.serverId);
      names = Object.fromEntries(servers.map((s) => [s.serverId, s.info?.name ?? s.url]));
      if (t.clusterId === clusterId && ids.join('\n') === t.serverIds.join('\n')) return;
      set({ topics: { ...initialTopics(), clusterId, serverIds: ids, selected: t.clusterId === clusterId ? t.selected : null, lastPublish: null } });
      void get().reloadTopics();
    },
    async reloadTopics() {
      const { clusterId, serverIds } = get().topics;
      if (clusterId === null) return;
      const gen = ++generation;
      set((s) => ({ topics: { ...s.topics, loading: true } }));
      const results = await Promise.all(
        serverIds.map(async (serverId) => {
          try {
            const res = await deps.api.call('topics.list', { clusterId, serverId });
            return { serverId, items: res.items, error: null };
          } catch (err) {
            return { serverId, items: [] as Topic[], error: deps.errorMessage(err) };
          }
        }),
      );
      if (gen !== generation) return;
      const errors: Record<string, string> = {};
      for (const r of results) if (r.error !== null) errors[r.serverId] = r.error;
      const rows = mergeTopicRows(results.filter((r) => r.error === null).map((r) => ({ serverId: r.serverId, serverName: names[r.serverId] ?? r.serverId, items: r.items })));
      set((s) => ({ topics: { ...s.topics, rows, errors, loading: false } }));
    },
    onTopicChanged(change) {
      const t = get().topics;
      if (change.kind !== 'topic' || change.clusterId !== t.clusterId || !t.serverIds.includes(change.serverId) || refetch) return;
      refetch = setTimeout(() => {
        refetch = null;
        void get().reloadTopics();
        if (get().topics.selected) void get().reloadTopicSubs();
      }, TOPICS_REFETCH_DEBOUNCE_MS);
    },
    selectTopic(selected) {
      set((s) => ({ topics: { ...s.topics, selected, subs: null, subsError: null, lastPublish: null } }));
      if (selected) void get().reloadTopicSubs();
    },
    async reloadTopicSubs() {
      const { clusterId, selected } = get().topics;
      if (clusterId === null || selected === null) return;
      const gen = ++subsGeneration;
      try {
        const res = await deps.api.call('topics.subscriptions', { clusterId, serverId: selected.serverId, topic: selected.name });
        if (gen === subsGeneration) set((s) => ({ topics: { ...s.topics, subs: res.items, subsError: null } }));
      } catch (err) {
        if (gen === subsGeneration) set((s) => ({ topics: { ...s.topics, subs: null, subsError: deps.errorMessage(err) } }));
      }
    },
    createTopic: (serverId, topic) => act(`Created topic ${topic.name}`, () => deps.api.call('topics.create', { clusterId: clusterOf(), serverId, topic }), true),
    async createTopicOnAll(serverIds, topic) {
      const clusterId = clusterOf();
      const results = await Promise.allSettled(serverIds.map((serverId) => deps.api.call('topics.create', { clusterId, serverId, topic })));
      const done = serverIds.filter((_, i) => results[i]!.status === 'fulfilled').map((id) => names[id] ?? id);
      const failed = serverIds.flatMap((id, i) => {
        const r = results[i]!;
        return r.status === 'rejected' ? [`${names[id] ?? id}: ${deps.errorMessage(r.reason)}`] : [];
      });
      void get().reloadTopics();
      if (done.length === 0) throw (results[0] as PromiseRejectedResult).reason;
      get().notify(failed.length > 0 ? 'error' : 'info', `Created topic ${topic.name} on ${done.join(', ')}${failed.length > 0 ? `; not on ${failed.join('; ')}` : ''}`);
    },
    updateTopic: (serverId, name, patch) => act(`Saved topic ${name}`, () => deps.api.call('topics.update', { clusterId: clusterOf(), serverId, name, patch }), true),
    async deleteTopic(serverId, name) {
      const sel = get().topics.selected;
      if (sel && sel.serverId === serverId && sel.name === name) get().selectTopic(null);
      await act(`Deleted topic ${name}`, () => deps.api.call('topics.delete', { clusterId: clusterOf(), serverId, name }));
    },
    async publishToTopic(serverId, name, data) {
      const res = await deps.api.call('topics.publish', { clusterId: clusterOf(), serverId, topic: name, data });
      set((s) => ({ topics: { ...s.topics, lastPublish: res } }));
      void get().reloadTopics();
      void get().reloadTopicSubs();
      return res;
    },
    purgeTopicSub: (sub) =>
      subAct(sub, (r) => `Purged ${(r as { purged: number }).purged} queued message(s) of ${sub.clientId} on ${sub.topic}`, () =>
        deps.api.call('subscriptions.purge', { clusterId: clusterOf(), serverId: get().topics.selected?.serverId ?? '', subscriptionKey: sub.subscriptionKey })),
    unsubscribeTopicSub: (sub) =>
      subAct(sub, () => `Unsubscribed ${sub.clientId} from ${sub.topic}`, () =>
        deps.api.call('subscriptions.remove', { clusterId: clusterOf(), serverId: get().topics.selected?.serverId ?? '', subscriptionKey: sub.subscriptionKey })),
  };
};
