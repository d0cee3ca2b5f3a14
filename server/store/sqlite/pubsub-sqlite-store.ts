import type { Db } from './db';
import type { PubSubStore, PubSubStoreOp, StoredMessage, StoredSubscription, StoredTopic } from '../pubsub-store';

interface TopicRow {
  name: string;
  max_depth: number;
  max_age_seconds: number;
  overflow: string;
  subscription_ttl_seconds: number;
  created_at: string;
  updated_at: string;
  head: number;
  published: number;
  dropped: number;
  rejected: number;
  last_published_at: string | null;
}
interface SubRow { key: string; client_id: string; topic: string; channel: string; subscribed_at: string; base: number; acked: number; dropped: number; detached_at: string | null }

/**
 * PubSubStore on the shared SQLite database (WAL + synchronous=FULL): when apply returns, the
 * transaction is on disk, so the engine may acknowledge what it wrote.
 */
export class SqlitePubSubStore implements PubSubStore {
  private readonly q;
  private readonly tx: (ops: readonly PubSubStoreOp[]) => void;

  constructor(db: Db) {
    this.q = {
      topics: db.prepare<[], TopicRow>('SELECT * FROM pubsub_topics ORDER BY name'),
      subs: db.prepare<[], SubRow>('SELECT * FROM pubsub_subscriptions ORDER BY subscribed_at, key'),
      putTopic: db.prepare(
        `INSERT INTO pubsub_topics(name, max_depth, max_age_seconds, overflow, subscription_ttl_seconds, created_at, updated_at, head, published, dropped, rejected, last_published_at)
         VALUES (@name, @maxDepth, @maxAgeSeconds, @overflow, @subscriptionTtlSeconds, @createdAt, @updatedAt, @head, @published, @dropped, @rejected, @lastPublishedAt)
         ON CONFLICT(name) DO UPDATE SET max_depth = excluded.max_depth, max_age_seconds = excluded.max_age_seconds, overflow = excluded.overflow,
           subscription_ttl_seconds = excluded.subscription_ttl_seconds,
           updated_at = excluded.updated_at, head = excluded.head, published = excluded.published, dropped = excluded.dropped,
           rejected = excluded.rejected, last_published_at = excluded.last_published_at`,
      ),
      deleteTopic: db.prepare('DELETE FROM pubsub_topics WHERE name = ?'),
      deleteTopicMessages: db.prepare('DELETE FROM pubsub_messages WHERE topic = ?'),
      deleteTopicSubs: db.prepare('DELETE FROM pubsub_subscriptions WHERE topic = ?'),
      append: db.prepare('INSERT INTO pubsub_messages(topic, pos, published_at, data) VALUES (?, ?, ?, ?)'),
      trim: db.prepare('DELETE FROM pubsub_messages WHERE topic = ? AND pos <= ?'),
      putSub: db.prepare(
        `INSERT INTO pubsub_subscriptions(key, client_id, topic, channel, subscribed_at, base, acked, dropped, detached_at)
         VALUES (@key, @clientId, @topic, @channel, @subscribedAt, @base, @acked, @dropped, @detachedAt)
         ON CONFLICT(key) DO UPDATE SET channel = excluded.channel, base = excluded.base, acked = excluded.acked, dropped = excluded.dropped, detached_at = excluded.detached_at`,
      ),
      cursor: db.prepare('UPDATE pubsub_subscriptions SET acked = ?, dropped = ? WHERE key = ?'),
      detached: db.prepare('UPDATE pubsub_subscriptions SET detached_at = ? WHERE key = ?'),
      deleteSub: db.prepare('DELETE FROM pubsub_subscriptions WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO pubsub_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM pubsub_meta WHERE key = ?'),
      read: db.prepare<[string, number, number], { pos: number; published_at: string; data: string }>(
        'SELECT pos, published_at, data FROM pubsub_messages WHERE topic = ? AND pos > ? ORDER BY pos LIMIT ?',
      ),
      lastBefore: db.prepare<[string, string], { pos: number | null }>('SELECT MAX(pos) AS pos FROM pubsub_messages WHERE topic = ? AND published_at < ?'),
    };
    this.tx = db.transaction((ops: readonly PubSubStoreOp[]) => {
      for (const op of ops) this.applyOne(op);
    });
  }

  load(): { topics: StoredTopic[]; subscriptions: StoredSubscription[] } {
    const topics = this.q.topics.all().map(
      (r): StoredTopic => ({
        name: r.name,
        maxDepth: r.max_depth,
        maxAgeSeconds: r.max_age_seconds,
        overflow: r.overflow === 'reject' ? 'reject' : 'drop-oldest',
        subscriptionTtlSeconds: r.subscription_ttl_seconds,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        head: r.head,
        published: r.published,
        dropped: r.dropped,
        rejected: r.rejected,
        lastPublishedAt: r.last_published_at,
      }),
    );
    const subscriptions = this.q.subs.all().map(
      (r): StoredSubscription => ({
        key: r.key,
        clientId: r.client_id,
        topic: r.topic,
        channel: r.channel,
        subscribedAt: r.subscribed_at,
        base: r.base,
        acked: r.acked,
        dropped: r.dropped,
        detachedAt: r.detached_at,
      }),
    );
    return { topics, subscriptions };
  }

  apply(ops: readonly PubSubStoreOp[]): void {
    if (ops.length > 0) this.tx(ops);
  }

  private applyOne(op: PubSubStoreOp): void {
    switch (op.kind) {
      case 'putTopic':
        this.q.putTopic.run(op.topic);
        return;
      case 'deleteTopic':
        this.q.deleteTopicMessages.run(op.name);
        this.q.deleteTopicSubs.run(op.name);
        this.q.deleteTopic.run(op.name);
        return;
      case 'appendMessage':
        this.q.append.run(op.topic, op.message.pos, op.message.publishedAt, op.message.data);
        return;
      case 'deleteMessagesUpTo':
        this.q.trim.run(op.topic, op.pos);
        return;
      case 'putSubscription':
        this.q.putSub.run(op.subscription);
        return;
      case 'updateCursor':
        this.q.cursor.run(op.acked, op.dropped, op.key);
        return;
      case 'setDetachedAt':
        this.q.detached.run(op.detachedAt, op.key);
        return;
      case 'deleteSubscription':
        this.q.deleteSub.run(op.key);
        return;
      case 'setMeta':
        this.q.setMeta.run(op.key, op.value);
        return;
      default: {
        const never: never = op;
        throw new Error(`unknown store op ${JSON.stringify(never)}`);
      }
    }
  }

  readMessages(topic: string, afterPos: number, limit: number): StoredMessage[] {
    return this.q.read.all(topic, afterPos, limit).map((r) => ({ pos: r.pos, publishedAt: r.published_at, data: r.data }));
  }

  lastPosBefore(topic: string, cutoffIso: string): number | null {
    return this.q.lastBefore.get(topic, cutoffIso)?.pos ?? null;
  }

  getMeta(key: string): string | undefined {
    return this.q.getMeta.get(key)?.value;
  }
}
