import type { PublishResult } from '../../protocol/admin-pubsub';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';
import type { PubSubStore, PubSubStoreOp } from '../store/pubsub-store';
import type { Delivery } from './delivery';
import { storedTopic, type SubState, type TopicState } from './state';

export type PublishSource = { kind: 'admin' | 'client' | 'service'; id: string };

interface Pending {
  topic: string;
  data: unknown;
  dataJson: string;
  source: PublishSource;
  resolve(r: PublishResult): void;
  reject(err: unknown): void;
}

export interface PublisherDeps {
  store: PubSubStore;
  topics: Map<string, TopicState>;
  delivery: Delivery;
  /** Creates (in memory) a topic with default limits when autoCreateTopics is on, else undefined. */
  autoCreate(name: string): TopicState | undefined;
  onTopicCreated(t: TopicState): void;
  /** Cursor writes (acks) waiting for a flush; they ride along in the publish transaction. */
  takeDirtyCursors(): PubSubStoreOp[];
  /** Called after a failed write: memory must be rebuilt from the store. */
  onReload(): void;
  touchTopic(name: string): void;
}

/**
 * Group commit: every publish that arrives within one event-loop turn is written in one
 * transaction (one fsync), then each is acknowledged and fanned out. Nothing is acknowledged
 * or delivered before its transaction committed.
 */
export class Publisher {
  private pending: Pending[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  constructor(private readonly deps: PublisherDeps) {}

  publish(topic: string, data: unknown, source: PublishSource, maxMessageBytes: number): Promise<PublishResult> {
    const dataJson = JSON.stringify(data === undefined ? null : data);
    if (Buffer.byteLength(dataJson) > maxMessageBytes) {
      return Promise.reject(new SbError(ErrorCode.PayloadTooLarge, `message data is larger than ${maxMessageBytes} bytes`, { field: 'data' }));
    }
    return new Promise<PublishResult>((resolve, reject) => {
      this.pending.push({ topic, data: data === undefined ? null : data, dataJson, source, resolve, reject });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  close(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.flush();
  }

  private flush(): void {
    this.scheduled = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const { topics, store, delivery } = this.deps;
    const ops: PubSubStoreOp[] = [];
    const touched = new Set<TopicState>();
    const created: TopicState[] = [];
    const cursors = new Set<SubState>();
    const deliveries: { t: TopicState; pos: number; data: unknown; dataJson: string; publishedAt: string }[] = [];
    const outcomes: ({ ok: true; result: PublishResult } | { ok: false; error: SbError })[] = [];

    for (const p of batch) {
      let t = topics.get(p.topic);
      if (!t) {
        t = this.deps.autoCreate(p.topic);
        if (!t) {
          outcomes.push({ ok: false, error: new SbError(ErrorCode.TopicNotFound, `topic ${p.topic} does not exist`, { field: 'topic' }) });
          continue;
        }
        created.push(t);
      }
      touched.add(t);
      if (t.overflow === 'reject') {
        let full = 0;
        for (const s of t.subs.values()) if (t.head - s.acked >= t.maxDepth) full++;
        if (full > 0) {
          t.rejected++;
          outcomes.push({
            ok: false,
            error: new SbError(ErrorCode.TopicFull, `topic ${t.name}: ${full} subscription(s) hold maxDepth ${t.maxDepth} unacked messages`, { field: 'topic', details: { full } }),
          });
          continue;
        }
      }
      const publishedAt = new Date().toISOString();
      const pos = ++t.head;
      t.published++;
      t.lastPublishedAt = publishedAt;
      let dropped = 0;
      if (t.subs.size > 0) {
        ops.push({ kind: 'appendMessage', topic: t.name, message: { pos, publishedAt, data: p.dataJson } });
        for (const s of t.subs.values()) {
          const over = pos - s.acked - t.maxDepth;
          if (over <= 0) continue;
          s.acked += over;
          s.dropped += over;
          dropped += over;
          if (s.delivered < s.acked) s.delivered = s.acked;
          cursors.add(s);
        }
      }
      t.dropped += dropped;
      deliveries.push({ t, pos, data: p.data, dataJson: p.dataJson, publishedAt });
      outcomes.push({ ok: true, result: { topic: t.name, publishedAt, queuedFor: t.subs.size, dropped } });
    }

    ops.push(...this.deps.takeDirtyCursors());
    for (const s of cursors) ops.push({ kind: 'updateCursor', key: s.key, acked: s.acked, dropped: s.dropped });
    for (const t of touched) ops.push({ kind: 'putTopic', topic: storedTopic(t) });
    try {
      store.apply(ops);
    } catch (err) {
      this.deps.onReload();
      const error = new SbError(ErrorCode.Unavailable, `publish not stored: ${err instanceof Error ? err.message : String(err)}`);
      for (const p of batch) p.reject(error);
      return;
    }
    for (const t of created) this.deps.onTopicCreated(t);
    for (const t of touched) this.deps.touchTopic(t.name);
    for (const d of deliveries) delivery.fanOut(d.t, d.pos, d.data, d.dataJson, d.publishedAt);
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.result);
      else p.reject(o.error);
    });
  }
}
