import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { TopicName, type AckFrame, type PublishFrame, type SubscribeFrame, type UnsubscribeFrame } from '../../protocol/client-frames';
import { TopicCreateSchema, TopicPatchSchema, type PublishResult, type Subscription, type Topic, type TopicCreate, type TopicPatch } from '../../protocol/admin-pubsub';
import { ErrorCode, validationError } from '../../protocol/errors';
import type { PubSubControl } from '../control';
import { SbError, toErrorInfo } from '../errors';
import type { EventBus } from '../event-bus';
import type { Db } from '../store/db';
import type { PubSubStore, PubSubStoreOp } from '../store/pubsub-store';
import { SqlitePubSubStore } from '../store/pubsub-sqlite-store';
import { Delivery } from './delivery';
import type { PubSubConfig } from './options';
import { Publisher, type PublishSource } from './publisher';
import type { PubSubSession } from './session-port';
import { storedSubscription, storedTopic, toSubscription, toTopic, topicAllowed, topicFromStored, type SubState, type TopicState } from './state';

export type PubSubFrame = z.infer<typeof SubscribeFrame> | z.infer<typeof UnsubscribeFrame> | z.infer<typeof PublishFrame> | z.infer<typeof AckFrame>;

export interface PubSubEngineOptions {
  db: Db;
  events: EventBus;
  config: PubSubConfig;
  lookupConnection(connectionId: string): { clientId: string | null; connectedAt: string } | undefined;
  /** Defaults to the SQLite store on `db`; a clustered store can be passed instead. */
  store?: PubSubStore;
}

function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const info = validationError(r.error);
  throw new SbError(ErrorCode.Validation, info.message, { ...(info.field ? { field: info.field } : {}), details: info.details });
}

/**
 * Topics and durable subscriptions. A subscription belongs to a clientId, not to a connection:
 * it survives disconnects and restarts, and whatever was published meanwhile is delivered when
 * the client attaches again (at-least-once; clients dedupe by seq).
 */
export class PubSubEngine implements PubSubControl {
  private readonly store: PubSubStore;
  private readonly events: EventBus;
  private readonly config: PubSubConfig;
  private readonly topics = new Map<string, TopicState>();
  private readonly byClient = new Map<string, Map<string, SubState>>();
  private readonly bySubKey = new Map<string, SubState>();
  private readonly delivery: Delivery;
  private readonly publisher: Publisher;
  private readonly dirtyCursors = new Set<SubState>();
  private readonly dirtyTopicEvents = new Set<string>();
  private ackTimer: NodeJS.Timeout | null = null;
  private topicEventTimer: NodeJS.Timeout | null = null;
  private readonly sweepTimer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: PubSubEngineOptions) {
    this.store = opts.store ?? new SqlitePubSubStore(opts.db);
    this.events = opts.events;
    this.config = opts.config;
    this.load();
    this.seed();
    this.delivery = new Delivery(this.config.delivery, this.store, this.topics, (clientId) => this.byClient.get(clientId)?.values() ?? []);
    this.publisher = new Publisher({
      store: this.store,
      topics: this.topics,
      delivery: this.delivery,
      autoCreate: (name) => (this.config.autoCreateTopics ? this.newTopic({ name }) : undefined),
      onTopicCreated: (t) => this.events.emit({ type: 'topic.changed', name: t.name, topic: toTopic(t) }),
      takeDirtyCursors: () => this.takeCursorOps(),
      onReload: () => this.reload(),
      touchTopic: (name) => this.touchTopic(name),
    });
    this.sweepTimer = setInterval(() => this.sweep(), this.config.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  private load(): void {
    const { topics, subscriptions } = this.store.load();
    for (const t of topics) this.topics.set(t.name, topicFromStored(t));
    for (const s of subscriptions) {
      const t = this.topics.get(s.topic);
      if (t) this.index({ ...s, delivered: s.acked }, t);
    }
  }

  /** After a failed write the store is the truth: rebuild memory from it (delivery restarts at acked). */
  private reload(): void {
    this.topics.clear();
    this.byClient.clear();
    this.bySubKey.clear();
    this.dirtyCursors.clear();
    this.load();
  }

  private seed(): void {
    if (this.store.getMeta('seeded') !== undefined) return;
    const ops: PubSubStoreOp[] = [];
    for (const input of this.config.topics) {
      if (this.topics.has(input.name)) continue;
      const t = this.newTopic(input);
      ops.push({ kind: 'putTopic', topic: storedTopic(t) });
    }
    ops.push({ kind: 'setMeta', key: 'seeded', value: new Date().toISOString() });
    this.store.apply(ops);
  }

  /** Creates the in-memory topic (callers persist it). */
  private newTopic(input: TopicCreate): TopicState {
    const p = parseOrThrow(TopicCreateSchema, input);
    const now = new Date().toISOString();
    const t = topicFromStored({ ...p, createdAt: now, updatedAt: now, head: 0, published: 0, dropped: 0, rejected: 0, lastPublishedAt: null });
    this.topics.set(t.name, t);
    return t;
  }

  private index(s: SubState, t: TopicState): void {
    t.subs.set(s.key, s);
    this.bySubKey.set(s.key, s);
    let m = this.byClient.get(s.clientId);
    if (!m) this.byClient.set(s.clientId, (m = new Map()));
    m.set(s.topic, s);
  }

  private unindex(s: SubState): void {
    this.topics.get(s.topic)?.subs.delete(s.key);
    this.bySubKey.delete(s.key);
    this.dirtyCursors.delete(s);
    const m = this.byClient.get(s.clientId);
    m?.delete(s.topic);
    if (m && m.size === 0) this.byClient.delete(s.clientId);
  }

  // ---- sessions and client frames -------------------------------------------------------

  attach(session: PubSubSession): void {
    this.delivery.attach(session);
  }

  detach(connectionId: string): void {
    this.delivery.detach(connectionId);
  }

  subscriptionCount(clientId: string): number {
    return this.byClient.get(clientId)?.size ?? 0;
  }

  async handleFrame(session: PubSubSession, frame: PubSubFrame): Promise<void> {
    switch (frame.type) {
      case 'subscribe':
        return this.reply(session, frame.id, async () => this.subscribe(session, frame.topic));
      case 'unsubscribe':
        return this.reply(session, frame.id, async () => {
          this.unsubscribe(session.clientId, frame.topic);
          return { topic: frame.topic };
        });
      case 'publish':
        return this.reply(session, frame.id, async () => {
          if (!topicAllowed(session.allowPublish(), frame.topic)) {
            throw new SbError(ErrorCode.NotPermitted, `channel ${session.channel} does not allow publishing to ${frame.topic}`, { field: 'topic' });
          }
          return this.publisher.publish(frame.topic, frame.data, { kind: 'client', id: session.connectionId }, this.config.maxMessageBytes);
        });
      case 'ack':
        try {
          this.ack(session.clientId, frame.topic, frame.seq);
        } catch (err) {
          session.send({ type: 'error', error: toErrorInfo(err) });
        }
        return;
      default: {
        const never: never = frame;
        throw new Error(`unexpected frame ${JSON.stringify(never)}`);
      }
    }
  }

  private async reply(session: PubSubSession, id: string | number, fn: () => Promise<unknown>): Promise<void> {
    try {
      const data = await fn();
      session.send({ type: 'response', inReplyTo: id, ok: true, data });
    } catch (err) {
      session.send({ type: 'response', inReplyTo: id, ok: false, error: toErrorInfo(err) });
    }
  }

  private subscribe(session: PubSubSession, topicName: string): Subscription {
    if (!topicAllowed(session.allowSubscribe(), topicName)) {
      throw new SbError(ErrorCode.NotPermitted, `channel ${session.channel} does not allow subscribing to ${topicName}`, { field: 'topic' });
    }
    const existing = this.byClient.get(session.clientId)?.get(topicName);
    const t0 = this.topics.get(topicName);
    if (existing && t0) return toSubscription(existing, t0.head);
    const ops: PubSubStoreOp[] = [];
    let t = t0;
    if (!t) {
      if (!this.config.autoCreateTopics) throw new SbError(ErrorCode.TopicNotFound, `topic ${topicName} does not exist`, { field: 'topic' });
      t = this.newTopic({ name: topicName });
      ops.push({ kind: 'putTopic', topic: storedTopic(t) });
    }
    const s: SubState = {
      key: `sub_${randomBytes(12).toString('hex')}`,
      clientId: session.clientId,
      topic: topicName,
      channel: session.channel,
      subscribedAt: new Date().toISOString(),
      base: t.head,
      acked: t.head,
      dropped: 0,
      delivered: t.head,
    };
    ops.push({ kind: 'putSubscription', subscription: storedSubscription(s) });
    try {
      this.store.apply(ops);
    } catch (err) {
      if (!t0) this.topics.delete(topicName);
      throw err;
    }
    this.index(s, t);
    const sub = toSubscription(s, t.head);
    if (!t0) this.events.emit({ type: 'topic.changed', name: t.name, topic: toTopic(t) });
    else this.touchTopic(t.name);
    this.events.emit({ type: 'subscription.created', subscription: sub });
    return sub;
  }

  private unsubscribe(clientId: string, topicName: string): void {
    const s = this.byClient.get(clientId)?.get(topicName);
    if (!s) throw new SbError(ErrorCode.SubscriptionNotFound, `client ${clientId} is not subscribed to ${topicName}`, { field: 'topic' });
    this.deleteSubscription(s);
  }

  private deleteSubscription(s: SubState): void {
    this.store.apply([{ kind: 'deleteSubscription', key: s.key }]);
    this.unindex(s);
    this.events.emit({ type: 'subscription.deleted', subscriptionKey: s.key, clientId: s.clientId, topic: s.topic });
    this.touchTopic(s.topic);
  }

  private ack(clientId: string, topicName: string, seq: number): void {
    const s = this.byClient.get(clientId)?.get(topicName);
    if (!s) throw new SbError(ErrorCode.SubscriptionNotFound, `client ${clientId} is not subscribed to ${topicName}`, { field: 'topic' });
    const pos = s.base + seq;
    if (pos > Math.max(s.delivered, s.acked)) {
      throw new SbError(ErrorCode.Validation, `seq ${seq} of ${topicName} has not been delivered (last delivered ${Math.max(s.delivered, s.acked) - s.base})`, { field: 'seq' });
    }
    if (pos <= s.acked) return;
    s.acked = pos;
    this.dirtyCursors.add(s);
    this.scheduleAckFlush();
    this.touchTopic(topicName);
    this.delivery.kick(clientId);
  }

  private takeCursorOps(): PubSubStoreOp[] {
    const ops: PubSubStoreOp[] = [];
    for (const s of this.dirtyCursors) ops.push({ kind: 'updateCursor', key: s.key, acked: s.acked, dropped: s.dropped });
    this.dirtyCursors.clear();
    return ops;
  }

  private scheduleAckFlush(): void {
    if (this.ackTimer || this.closed) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = null;
      this.flushAcks();
    }, this.config.ackFlushMs);
  }

  private flushAcks(): void {
    const ops = this.takeCursorOps();
    try {
      this.store.apply(ops);
    } catch {
      // Losing acks only causes redelivery; the next ack or publish writes the cursors again.
    }
  }

  /** Coalesces topic.changed events caused by traffic (publish/ack) to one per topicEventMs. */
  private touchTopic(name: string): void {
    this.dirtyTopicEvents.add(name);
    if (this.topicEventTimer || this.closed) return;
    this.topicEventTimer = setTimeout(() => {
      this.topicEventTimer = null;
      for (const n of this.dirtyTopicEvents) {
        const t = this.topics.get(n);
        if (t) this.events.emit({ type: 'topic.changed', name: n, topic: toTopic(t) });
      }
      this.dirtyTopicEvents.clear();
    }, this.config.topicEventMs);
    this.topicEventTimer.unref();
  }

  /** Expires messages older than maxAgeSeconds (counted as dropped) and deletes fully acked ones. */
  sweep(now = Date.now()): void {
    const ops = this.takeCursorOps();
    for (const t of this.topics.values()) {
      const cutoff = new Date(now - t.maxAgeSeconds * 1000).toISOString();
      const expired = this.store.lastPosBefore(t.name, cutoff);
      let changed = false;
      if (expired !== null) {
        for (const s of t.subs.values()) {
          if (s.acked >= expired) continue;
          const n = expired - s.acked;
          s.dropped += n;
          t.dropped += n;
          s.acked = expired;
          if (s.delivered < s.acked) s.delivered = s.acked;
          ops.push({ kind: 'updateCursor', key: s.key, acked: s.acked, dropped: s.dropped });
          changed = true;
        }
      }
      let minAcked = t.head;
      for (const s of t.subs.values()) minAcked = Math.min(minAcked, s.acked);
      if (minAcked > t.trimmedUpTo || (expired !== null && t.subs.size === 0)) {
        ops.push({ kind: 'deleteMessagesUpTo', topic: t.name, pos: minAcked });
        t.trimmedUpTo = minAcked;
      }
      if (changed) {
        ops.push({ kind: 'putTopic', topic: storedTopic(t) });
        this.touchTopic(t.name);
      }
    }
    try {
      this.store.apply(ops);
    } catch {
      this.reload();
    }
  }

  async publishFromService(topic: string, data: unknown, connectionId: string): Promise<PublishResult> {
    return this.publish(topic, data, { kind: 'service', id: connectionId });
  }

  /** Writes pending acks and stops timers. Messages already acknowledged are on disk. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    if (this.ackTimer) clearTimeout(this.ackTimer);
    if (this.topicEventTimer) clearTimeout(this.topicEventTimer);
    this.ackTimer = null;
    this.topicEventTimer = null;
    this.publisher.close();
    this.flushAcks();
    this.delivery.close();
  }

  // ---- admin side (PubSubControl) ------------------------------------------------------

  listTopics(): Topic[] {
    return [...this.topics.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map(toTopic);
  }

  getTopic(name: string): Topic | undefined {
    const t = this.topics.get(name);
    return t ? toTopic(t) : undefined;
  }

  private requireTopic(name: string): TopicState {
    const t = this.topics.get(name);
    if (!t) throw new SbError(ErrorCode.TopicNotFound, `topic ${name} does not exist`, { field: 'name' });
    return t;
  }

  async createTopic(input: TopicCreate): Promise<Topic> {
    const p = parseOrThrow(TopicCreateSchema, input);
    if (this.topics.has(p.name)) throw new SbError(ErrorCode.TopicExists, `topic ${p.name} already exists`, { field: 'name' });
    const t = this.newTopic(p);
    try {
      this.store.apply([{ kind: 'putTopic', topic: storedTopic(t) }]);
    } catch (err) {
      this.topics.delete(p.name);
      throw err;
    }
    const topic = toTopic(t);
    this.events.emit({ type: 'topic.changed', name: t.name, topic });
    return topic;
  }

  async updateTopic(name: string, patch: TopicPatch): Promise<Topic> {
    const t = this.requireTopic(name);
    const p = parseOrThrow(TopicPatchSchema, patch);
    const next = { ...storedTopic(t), ...p, updatedAt: new Date().toISOString() };
    this.store.apply([{ kind: 'putTopic', topic: next }]);
    Object.assign(t, next);
    const topic = toTopic(t);
    this.events.emit({ type: 'topic.changed', name, topic });
    return topic;
  }

  async removeTopic(name: string): Promise<void> {
    const t = this.requireTopic(name);
    this.store.apply([{ kind: 'deleteTopic', name }]);
    const subs = [...t.subs.values()];
    for (const s of subs) this.unindex(s);
    this.topics.delete(name);
    for (const s of subs) this.events.emit({ type: 'subscription.deleted', subscriptionKey: s.key, clientId: s.clientId, topic: s.topic });
    this.events.emit({ type: 'topic.changed', name, topic: null });
  }

  async publish(topic: string, data: unknown, source: PublishSource): Promise<PublishResult> {
    parseOrThrow(TopicName, topic);
    return this.publisher.publish(topic, data, source, this.config.maxMessageBytes);
  }

  listTopicSubscriptions(topic: string): Subscription[] {
    const t = this.requireTopic(topic);
    return [...t.subs.values()].map((s) => toSubscription(s, t.head));
  }

  listConnectionSubscriptions(connectionId: string): Subscription[] {
    const c = this.opts.lookupConnection(connectionId);
    if (!c) throw new SbError(ErrorCode.ConnectionNotFound, `connection ${connectionId} does not exist`, { field: 'connectionId' });
    if (c.clientId === null) return [];
    const subs = this.byClient.get(c.clientId);
    if (!subs) return [];
    return [...subs.values()].map((s) => toSubscription(s, this.topics.get(s.topic)?.head ?? s.acked, c.connectedAt));
  }

  private requireSubscription(key: string): SubState {
    const s = this.bySubKey.get(key);
    if (!s) throw new SbError(ErrorCode.SubscriptionNotFound, `subscription ${key} does not exist`, { field: 'subscriptionKey' });
    return s;
  }

  async removeSubscription(subscriptionKey: string): Promise<void> {
    this.deleteSubscription(this.requireSubscription(subscriptionKey));
  }

  /** Acknowledges everything queued for the subscription on its behalf; returns how many. */
  async purgeSubscription(subscriptionKey: string): Promise<{ purged: number }> {
    const s = this.requireSubscription(subscriptionKey);
    const t = this.requireTopic(s.topic);
    const purged = t.head - s.acked;
    if (purged === 0) return { purged };
    this.store.apply([{ kind: 'updateCursor', key: s.key, acked: t.head, dropped: s.dropped }]);
    s.acked = t.head;
    if (s.delivered < s.acked) s.delivered = s.acked;
    this.dirtyCursors.delete(s);
    this.touchTopic(t.name);
    return { purged };
  }
}
