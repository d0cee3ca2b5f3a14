import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { TopicName, type AckFrame, type PublishFrame, type SubscribeFrame, type UnsubscribeFrame } from '../../protocol/client-frames';
import { TopicCreateSchema, TopicPatchSchema, type PublishResult, type Subscription, type Topic, type TopicCreate, type TopicPatch } from '../../protocol/admin-pubsub';
import { ErrorCode } from '../../protocol/errors';
import { SbError, toErrorInfo } from '../errors';
import type { EventBus } from '../event-bus';
import type { PubSubStore, PubSubStoreOp } from '../store/pubsub-store';
import { CommitQueue, type Prepared } from './commit-queue';
import { Delivery } from './delivery';
import type { PubSubConfig } from './options';
import { encodeData, preparePublish, type PublishDeps, type PublishSource } from './publisher';
import { ClientPresence } from './presence';
import { parseOrThrow, PubSubRegistry } from './registry';
import type { PubSubSession } from './session-port';
import { storedSubscription, storedTopic, toSubscription, toTopic, topicAllowed, type SubState, type TopicState } from './state';
import type { SubscriptionDeletedReason } from '../../protocol/admin-pubsub';

export type PubSubFrame = z.infer<typeof SubscribeFrame> | z.infer<typeof UnsubscribeFrame> | z.infer<typeof PublishFrame> | z.infer<typeof AckFrame>;

export interface PubSubEngineOptions {
  events: EventBus;
  config: PubSubConfig;
  lookupConnection(connectionId: string): { clientId: string | null; connectedAt: string } | undefined;
  /** Where topics, messages and cursors live: SQLite in a single process, Redis in a cluster. */
  store: PubSubStore;
  /** Cluster mode: where publishes go instead (the relay to every node); it answers with this node's result. */
  route?: (topic: string, data: unknown, source: PublishSource) => Promise<PublishResult>;
}

/**
 * Topics and durable subscriptions. A subscription belongs to a clientId, not to a connection:
 * it survives disconnects and restarts, and whatever was published meanwhile is delivered when
 * the client attaches again (at-least-once; clients dedupe by seq).
 */
export class PubSubEngine {
  private readonly store: PubSubStore;
  private readonly events: EventBus;
  private readonly config: PubSubConfig;
  private readonly reg: PubSubRegistry;
  private readonly delivery: Delivery;
  private readonly queue: CommitQueue;
  private readonly publishDeps: PublishDeps;
  private readonly dirtyCursors = new Set<SubState>();
  private readonly dirtyTopicEvents = new Set<string>();
  private readonly presence: ClientPresence;
  private ackTimer: NodeJS.Timeout | null = null;
  private topicEventTimer: NodeJS.Timeout | null = null;
  private readonly sweepTimer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: PubSubEngineOptions) {
    this.store = opts.store;
    this.events = opts.events;
    this.config = opts.config;
    this.reg = new PubSubRegistry(this.store);
    this.reg.seed(this.config.topics);
    this.delivery = new Delivery(this.config.delivery, this.store, this.reg.topics, (clientId) => this.reg.subsOfClient(clientId));
    this.queue = new CommitQueue(this.store, () => this.takeCursorOps(), () => this.reload());
    this.presence = new ClientPresence(this.reg, this.delivery, (ops) => {
      if (!this.closed) this.queue.run(() => ({ ops: ops(), after: () => undefined })).catch(() => undefined);
    });
    this.publishDeps = {
      topics: this.reg.topics,
      delivery: this.delivery,
      autoCreate: (name) => (this.config.autoCreateTopics ? this.reg.newTopic({ name }) : undefined),
      onTopicCreated: (t) => this.events.emit({ type: 'topic.changed', name: t.name, topic: toTopic(t) }),
      touchTopic: (name) => this.touchTopic(name),
    };
    this.sweepTimer = setInterval(() => void this.sweep().catch(() => undefined), this.config.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  /** After a failed write the store is the truth: rebuild memory from it (delivery restarts at acked). */
  private reload(): void {
    this.dirtyCursors.clear();
    this.reg.load();
    this.presence.reapply();
  }

  // ---- sessions and client frames -------------------------------------------------------

  attach(session: PubSubSession): void {
    this.delivery.attach(session);
    this.presence.attached(session);
  }

  detach(connectionId: string): void {
    this.delivery.detach(connectionId);
    this.presence.detached(connectionId);
  }

  subscriptionCount(clientId: string): number {
    return this.reg.byClient.get(clientId)?.size ?? 0;
  }

  async handleFrame(session: PubSubSession, frame: PubSubFrame): Promise<void> {
    switch (frame.type) {
      case 'subscribe':
        return this.reply(session, frame.id, () => this.queue.run(() => this.prepareSubscribe(session, frame.topic)));
      case 'unsubscribe':
        return this.reply(session, frame.id, () => this.queue.run(() => this.prepareUnsubscribe(session.clientId, frame.topic)));
      case 'publish':
        return this.reply(session, frame.id, async () => {
          if (!topicAllowed(session.allowPublish(), frame.topic)) {
            throw new SbError(ErrorCode.NotPermitted, `channel ${session.channel} does not allow publishing to ${frame.topic}`, { field: 'topic' });
          }
          return this.publish(frame.topic, frame.data, { kind: 'client', id: session.connectionId });
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

  private prepareSubscribe(session: PubSubSession, topicName: string): Prepared<Subscription> {
    if (!topicAllowed(session.allowSubscribe(), topicName)) {
      throw new SbError(ErrorCode.NotPermitted, `channel ${session.channel} does not allow subscribing to ${topicName}`, { field: 'topic' });
    }
    const existing = this.reg.subscription(session.clientId, topicName);
    const existingTopic = this.reg.topics.get(topicName);
    if (existing && existingTopic) return { ops: [], after: () => toSubscription(existing, existingTopic) };
    const ops: PubSubStoreOp[] = [];
    let t = existingTopic;
    if (!t) {
      if (!this.config.autoCreateTopics) throw new SbError(ErrorCode.TopicNotFound, `topic ${topicName} does not exist`, { field: 'topic' });
      t = this.reg.newTopic({ name: topicName });
      ops.push({ kind: 'putTopic', topic: storedTopic(t) });
    }
    const topic: TopicState = t;
    const s: SubState = {
      key: `sub_${randomBytes(12).toString('hex')}`,
      clientId: session.clientId,
      topic: topicName,
      channel: session.channel,
      subscribedAt: new Date().toISOString(),
      base: topic.head,
      acked: topic.head,
      dropped: 0,
      delivered: topic.head,
      sent: topic.head,
      detachedAt: null,
    };
    ops.push({ kind: 'putSubscription', subscription: storedSubscription(s) });
    this.reg.index(s, topic);
    return {
      ops,
      after: () => {
        const sub = toSubscription(s, topic);
        if (!existingTopic) this.events.emit({ type: 'topic.changed', name: topic.name, topic: toTopic(topic) });
        else this.touchTopic(topic.name);
        this.events.emit({ type: 'subscription.created', subscription: sub });
        this.delivery.kick(s.clientId);
        return sub;
      },
    };
  }

  private prepareUnsubscribe(clientId: string, topicName: string): Prepared<{ topic: string }> {
    const s = this.reg.subscription(clientId, topicName);
    if (!s) throw new SbError(ErrorCode.SubscriptionNotFound, `client ${clientId} is not subscribed to ${topicName}`, { field: 'topic' });
    return { ...this.prepareDelete(s), after: () => (this.announceDeleted(s, 'unsubscribed'), { topic: topicName }) };
  }

  private prepareDelete(s: SubState): { ops: PubSubStoreOp[] } {
    this.reg.unindex(s);
    this.dirtyCursors.delete(s);
    return { ops: [{ kind: 'deleteSubscription', key: s.key }] };
  }

  private announceDeleted(s: SubState, reason: SubscriptionDeletedReason): void {
    this.events.emit({ type: 'subscription.deleted', subscriptionKey: s.key, clientId: s.clientId, topic: s.topic, reason });
    this.touchTopic(s.topic);
  }

  private ack(clientId: string, topicName: string, seq: number): void {
    const s = this.reg.subscription(clientId, topicName);
    if (!s) throw new SbError(ErrorCode.SubscriptionNotFound, `client ${clientId} is not subscribed to ${topicName}`, { field: 'topic' });
    const pos = s.base + seq;
    const reached = Math.max(s.sent, s.acked);
    if (pos > reached) {
      throw new SbError(ErrorCode.Validation, `seq ${seq} of ${topicName} has not been delivered (last delivered ${reached - s.base})`, { field: 'seq' });
    }
    if (pos <= s.acked) return;
    s.acked = pos;
    this.dirtyCursors.add(s);
    this.scheduleAckFlush();
    this.touchTopic(topicName);
    // Only a subscription with more to send needs its window refilled.
    const head = this.reg.topics.get(topicName)?.head ?? 0;
    if (Math.max(s.delivered, s.acked) < head) this.delivery.kick(clientId);
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

  /** Acks ride with the next commit-queue batch (a batch of only acks when nothing else is queued). */
  private flushAcks(): void {
    if (this.dirtyCursors.size === 0) return;
    // Losing acks only causes redelivery; memory still holds them and later cursor writes carry them.
    this.queue.run(() => ({ ops: [], after: () => undefined })).catch(() => undefined);
  }

  /** Coalesces topic.changed events caused by traffic (publish/ack) to one per topic per topicEventMs. */
  private touchTopic(name: string): void {
    this.dirtyTopicEvents.add(name);
    if (this.topicEventTimer || this.closed) return;
    this.topicEventTimer = setTimeout(() => {
      this.topicEventTimer = null;
      for (const n of this.dirtyTopicEvents) {
        const t = this.reg.topics.get(n);
        if (t) this.events.emit({ type: 'topic.changed', name: n, topic: toTopic(t) });
      }
      this.dirtyTopicEvents.clear();
    }, this.config.topicEventMs);
    this.topicEventTimer.unref();
  }

  /**
   * Expires messages older than maxAgeSeconds (counted as dropped) and deletes fully acked ones.
   * Runs as a commit-queue job so its writes are ordered with publishes.
   */
  async sweep(now = Date.now()): Promise<void> {
    const expired = new Map<string, number | null>();
    for (const t of [...this.reg.topics.values()]) {
      const r = this.store.lastPosBefore(t.name, new Date(now - t.maxAgeSeconds * 1000).toISOString());
      expired.set(t.name, typeof r === 'object' && r !== null ? await r : r);
    }
    const changed = await this.queue.run(() => {
      const gone = this.presence.expired(now);
      const ops = gone.flatMap((s) => this.prepareDelete(s).ops);
      // Deleted first, so the trim below no longer waits for their cursors.
      const r = this.reg.sweep(expired);
      return {
        ops: [...ops, ...r.ops],
        after: () => {
          for (const s of gone) this.announceDeleted(s, 'expired');
          return r.changed;
        },
      };
    });
    for (const name of changed) this.touchTopic(name);
  }

  async publishFromService(topic: string, data: unknown, connectionId: string): Promise<PublishResult> {
    return this.publish(topic, data, { kind: 'service', id: connectionId });
  }

  /** After close(): resolves once the last writes settled (only asynchronous stores need to wait). */
  whenClosed(): Promise<void> {
    return this.queue.idle();
  }

  /** Commits queued work, writes pending acks and stops timers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    if (this.ackTimer) clearTimeout(this.ackTimer);
    if (this.topicEventTimer) clearTimeout(this.topicEventTimer);
    this.ackTimer = null;
    this.topicEventTimer = null;
    this.flushAcks();
    this.queue.close();
    this.delivery.close();
  }

  // ---- admin side (wrapped by control/local.ts) ----------------------------------------

  listTopics(): Topic[] {
    return [...this.reg.topics.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map(toTopic);
  }

  getTopic(name: string): Topic | undefined {
    const t = this.reg.topics.get(name);
    return t ? toTopic(t) : undefined;
  }

  private requireTopic(name: string): TopicState {
    const t = this.reg.topics.get(name);
    if (!t) throw new SbError(ErrorCode.TopicNotFound, `topic ${name} does not exist`, { field: 'name' });
    return t;
  }

  async createTopic(input: TopicCreate): Promise<Topic> {
    const p = parseOrThrow(TopicCreateSchema, input);
    if (this.reg.topics.has(p.name)) throw new SbError(ErrorCode.TopicExists, `topic ${p.name} already exists`, { field: 'name' });
    return this.queue.run(() => {
      if (this.reg.topics.has(p.name)) throw new SbError(ErrorCode.TopicExists, `topic ${p.name} already exists`, { field: 'name' });
      const t = this.reg.newTopic(p);
      return {
        ops: [{ kind: 'putTopic', topic: storedTopic(t) }],
        after: () => {
          const topic = toTopic(t);
          this.events.emit({ type: 'topic.changed', name: t.name, topic });
          return topic;
        },
      };
    });
  }

  async updateTopic(name: string, patch: TopicPatch): Promise<Topic> {
    this.requireTopic(name);
    const p = parseOrThrow(TopicPatchSchema, patch);
    return this.queue.run(() => {
      const t = this.requireTopic(name);
      Object.assign(t, p, { updatedAt: new Date().toISOString() });
      return {
        ops: [{ kind: 'putTopic', topic: storedTopic(t) }],
        after: () => {
          const topic = toTopic(t);
          this.events.emit({ type: 'topic.changed', name, topic });
          return topic;
        },
      };
    });
  }

  async removeTopic(name: string): Promise<void> {
    this.requireTopic(name);
    await this.queue.run(() => {
      const t = this.requireTopic(name);
      const subs = [...t.subs.values()];
      for (const s of subs) {
        this.reg.unindex(s);
        this.dirtyCursors.delete(s);
      }
      this.reg.topics.delete(name);
      return {
        ops: [{ kind: 'deleteTopic', name }],
        after: () => {
          for (const s of subs) this.events.emit({ type: 'subscription.deleted', subscriptionKey: s.key, clientId: s.clientId, topic: s.topic, reason: 'topic-deleted' });
          this.events.emit({ type: 'topic.changed', name, topic: null });
        },
      };
    });
  }

  /** Every publish (admin, client frame, service); in cluster mode it goes through `route` to every node. */
  async publish(topic: string, data: unknown, source: PublishSource): Promise<PublishResult> {
    if (this.opts.route) return this.opts.route(topic, data, source);
    return this.publishHere(topic, data, source);
  }

  /** Publishes on this node only: the cluster relay applies each cross-node publish with it, in stream order. */
  async publishHere(topic: string, data: unknown, _source: PublishSource): Promise<PublishResult> {
    parseOrThrow(TopicName, topic);
    const dataJson = encodeData(data, this.config.maxMessageBytes);
    return this.queue.run(() => preparePublish(this.publishDeps, topic, data, dataJson));
  }

  listTopicSubscriptions(topic: string): Subscription[] {
    const t = this.requireTopic(topic);
    return [...t.subs.values()].map((s) => toSubscription(s, t));
  }

  listConnectionSubscriptions(connectionId: string): Subscription[] {
    const c = this.opts.lookupConnection(connectionId);
    if (!c) throw new SbError(ErrorCode.ConnectionNotFound, `connection ${connectionId} does not exist`, { field: 'connectionId' });
    if (c.clientId === null) return [];
    return [...this.reg.subsOfClient(c.clientId)].map((s) => toSubscription(s, this.reg.topics.get(s.topic) ?? { head: s.acked, subscriptionTtlSeconds: 0 }, c.connectedAt));
  }

  private requireSubscription(key: string): SubState {
    const s = this.reg.bySubKey.get(key);
    if (!s) throw new SbError(ErrorCode.SubscriptionNotFound, `subscription ${key} does not exist`, { field: 'subscriptionKey' });
    return s;
  }

  async removeSubscription(subscriptionKey: string): Promise<void> {
    this.requireSubscription(subscriptionKey);
    await this.queue.run(() => {
      const s = this.requireSubscription(subscriptionKey);
      return { ...this.prepareDelete(s), after: () => this.announceDeleted(s, 'removed') };
    });
  }

  /** Acknowledges everything queued for the subscription on its behalf; returns how many. */
  async purgeSubscription(subscriptionKey: string): Promise<{ purged: number }> {
    this.requireSubscription(subscriptionKey);
    return this.queue.run(() => {
      const s = this.requireSubscription(subscriptionKey);
      const t = this.requireTopic(s.topic);
      const purged = t.head - s.acked;
      s.acked = t.head;
      if (s.delivered < s.acked) s.delivered = s.acked;
      this.dirtyCursors.delete(s);
      return {
        ops: purged === 0 ? [] : [{ kind: 'updateCursor', key: s.key, acked: s.acked, dropped: s.dropped }],
        after: () => {
          this.touchTopic(t.name);
          return { purged };
        },
      };
    });
  }
}
