import { z } from 'zod';
import { TopicCreateSchema, type TopicCreate } from '../../protocol/admin-pubsub';
import { ErrorCode, validationError } from '../../protocol/errors';
import { SbError } from '../errors';
import type { PubSubStore, PubSubStoreOp } from '../store/pubsub-store';
import { storedTopic, topicFromStored, type SubState, type TopicState } from './state';

export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const info = validationError(r.error);
  throw new SbError(ErrorCode.Validation, info.message, { ...(info.field ? { field: info.field } : {}), details: info.details });
}

/**
 * The engine's in-memory working set, mirroring the store: topics with their subscriptions,
 * indexed by clientId and by subscriptionKey. Rebuilt from the store at start and after a failed write.
 */
export class PubSubRegistry {
  readonly topics = new Map<string, TopicState>();
  readonly byClient = new Map<string, Map<string, SubState>>();
  readonly bySubKey = new Map<string, SubState>();

  constructor(private readonly store: PubSubStore) {
    this.load();
  }

  load(): void {
    this.topics.clear();
    this.byClient.clear();
    this.bySubKey.clear();
    const { topics, subscriptions } = this.store.load();
    for (const t of topics) this.topics.set(t.name, topicFromStored(t));
    // A client that was attached when the server stopped lost it then: its TTL counts from now.
    const loadedAt = new Date().toISOString();
    for (const s of subscriptions) {
      const t = this.topics.get(s.topic);
      // Delivery restarts at the acked position: unacked messages are delivered again (at-least-once).
      if (t) this.index({ ...s, delivered: s.acked, sent: s.acked, detachedAt: s.detachedAt ?? loadedAt }, t);
    }
  }

  /** Creates the config topics once (the store wins afterwards). */
  seed(topics: readonly TopicCreate[]): void {
    if (this.store.getMeta('pubsub.seeded') !== undefined) return;
    const ops: PubSubStoreOp[] = [];
    for (const input of topics) {
      if (this.topics.has(input.name)) continue;
      ops.push({ kind: 'putTopic', topic: storedTopic(this.newTopic(input)) });
    }
    ops.push({ kind: 'setMeta', key: 'pubsub.seeded', value: new Date().toISOString() });
    const pending = this.store.apply(ops);
    // An asynchronous store: topics are usable at once; a failed seed write is retried next start.
    if (pending) pending.catch(() => undefined);
  }

  /** Creates the in-memory topic (callers persist it). */
  newTopic(input: TopicCreate): TopicState {
    const p = parseOrThrow(TopicCreateSchema, input);
    const now = new Date().toISOString();
    const t = topicFromStored({ ...p, createdAt: now, updatedAt: now, head: 0, published: 0, dropped: 0, rejected: 0, lastPublishedAt: null });
    this.topics.set(t.name, t);
    return t;
  }

  subscription(clientId: string, topic: string): SubState | undefined {
    return this.byClient.get(clientId)?.get(topic);
  }

  subsOfClient(clientId: string): Iterable<SubState> {
    return this.byClient.get(clientId)?.values() ?? [];
  }

  index(s: SubState, t: TopicState): void {
    t.subs.set(s.key, s);
    this.bySubKey.set(s.key, s);
    let m = this.byClient.get(s.clientId);
    if (!m) this.byClient.set(s.clientId, (m = new Map()));
    m.set(s.topic, s);
  }

  unindex(s: SubState): void {
    this.topics.get(s.topic)?.subs.delete(s.key);
    this.bySubKey.delete(s.key);
    const m = this.byClient.get(s.clientId);
    m?.delete(s.topic);
    if (m && m.size === 0) this.byClient.delete(s.clientId);
  }

  /**
   * Expires messages older than maxAgeSeconds (advancing cursors, counted as dropped) and deletes
   * messages every subscription has passed. Returns the ops and the topics whose counters changed.
   */
  sweep(expiredUpTo: ReadonlyMap<string, number | null>): { ops: PubSubStoreOp[]; changed: string[] } {
    const ops: PubSubStoreOp[] = [];
    const changed: string[] = [];
    for (const t of this.topics.values()) {
      const expired = expiredUpTo.get(t.name) ?? null;
      let dropped = false;
      if (expired !== null) {
        for (const s of t.subs.values()) {
          if (s.acked >= expired) continue;
          const n = expired - s.acked;
          s.dropped += n;
          t.dropped += n;
          s.acked = expired;
          if (s.delivered < s.acked) s.delivered = s.acked;
          ops.push({ kind: 'updateCursor', key: s.key, acked: s.acked, dropped: s.dropped });
          dropped = true;
        }
      }
      let minAcked = t.head;
      for (const s of t.subs.values()) minAcked = Math.min(minAcked, s.acked);
      if (minAcked > t.trimmedUpTo) {
        ops.push({ kind: 'deleteMessagesUpTo', topic: t.name, pos: minAcked });
        t.trimmedUpTo = minAcked;
      }
      if (dropped) {
        ops.push({ kind: 'putTopic', topic: storedTopic(t) });
        changed.push(t.name);
      }
    }
    return { ops, changed };
  }
}
