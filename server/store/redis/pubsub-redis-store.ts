import type { Redis } from 'ioredis';
import { TOPIC_DEFAULTS } from '../../../protocol/admin-pubsub';
import type { PubSubStore, PubSubStoreOp, StoredMessage, StoredSubscription, StoredTopic } from '../pubsub-store';

/**
 * Applies a batch of PubSubStoreOps atomically: a Lua script runs alone on the server, and it
 * validates every op before writing anything, so a failing batch leaves nothing behind.
 * KEYS[1] = key prefix; ARGV[1] = JSON array of ops.
 */
const APPLY_SCRIPT = `
local p = KEYS[1]
local ops = cjson.decode(ARGV[1])
for _, op in ipairs(ops) do
  if op.kind == 'appendMessage' then
    if #redis.call('ZRANGEBYSCORE', p .. 'msgs:' .. op.topic, op.message.pos, op.message.pos) > 0 then
      return redis.error_reply('duplicate log position ' .. op.message.pos .. ' in ' .. op.topic)
    end
  end
end
for _, op in ipairs(ops) do
  local k = op.kind
  if k == 'putTopic' then
    redis.call('HSET', p .. 'topics', op.topic.name, cjson.encode(op.topic))
  elseif k == 'deleteTopic' then
    local keys = redis.call('SMEMBERS', p .. 'subs-of:' .. op.name)
    for _, key in ipairs(keys) do redis.call('HDEL', p .. 'subs', key) end
    redis.call('DEL', p .. 'subs-of:' .. op.name, p .. 'msgs:' .. op.name)
    redis.call('HDEL', p .. 'topics', op.name)
  elseif k == 'appendMessage' then
    redis.call('ZADD', p .. 'msgs:' .. op.topic, op.message.pos, cjson.encode(op.message))
  elseif k == 'deleteMessagesUpTo' then
    redis.call('ZREMRANGEBYSCORE', p .. 'msgs:' .. op.topic, '-inf', op.pos)
  elseif k == 'putSubscription' then
    redis.call('HSET', p .. 'subs', op.subscription.key, cjson.encode(op.subscription))
    redis.call('SADD', p .. 'subs-of:' .. op.subscription.topic, op.subscription.key)
  elseif k == 'updateCursor' then
    local raw = redis.call('HGET', p .. 'subs', op.key)
    if raw then
      local s = cjson.decode(raw)
      s.acked = op.acked
      s.dropped = op.dropped
      redis.call('HSET', p .. 'subs', op.key, cjson.encode(s))
    end
  elseif k == 'setDetachedAt' then
    local raw = redis.call('HGET', p .. 'subs', op.key)
    if raw then
      local s = cjson.decode(raw)
      if op.detachedAt == nil or op.detachedAt == cjson.null then s.detachedAt = cjson.null else s.detachedAt = op.detachedAt end
      redis.call('HSET', p .. 'subs', op.key, cjson.encode(s))
    end
  elseif k == 'deleteSubscription' then
    local raw = redis.call('HGET', p .. 'subs', op.key)
    if raw then
      redis.call('SREM', p .. 'subs-of:' .. cjson.decode(raw).topic, op.key)
      redis.call('HDEL', p .. 'subs', op.key)
    end
  elseif k == 'setMeta' then
    redis.call('HSET', p .. 'meta', op.key, op.value)
  end
end
return #ops
`;

/**
 * PubSubStore on Redis (standalone or cluster: every key carries one hash tag, so a batch stays in
 * one slot and runs atomically). Open with `RedisPubSubStore.open()`, which reads the snapshot the
 * engine loads synchronously. Durability equals Redis's: run it with `appendonly yes` and
 * `appendfsync always` for the same guarantee as SQLite with synchronous=FULL.
 */
export class RedisPubSubStore implements PubSubStore {
  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly snapshot: { topics: StoredTopic[]; subscriptions: StoredSubscription[]; meta: Map<string, string> },
  ) {}

  /** `namespace` separates servers sharing one Redis; it becomes the hash tag of every key. */
  static async open(redis: Redis, namespace = 'switchboard'): Promise<RedisPubSubStore> {
    const prefix = `{${namespace}}:pubsub:`;
    const [topics, subs, meta] = await Promise.all([redis.hgetall(`${prefix}topics`), redis.hgetall(`${prefix}subs`), redis.hgetall(`${prefix}meta`)]);
    return new RedisPubSubStore(redis, prefix, {
      topics: Object.values(topics)
        .map((j) => JSON.parse(j) as StoredTopic)
        // Topics and subscriptions written before a field existed read with its default.
        .map((t) => ({ ...t, lastPublishedAt: t.lastPublishedAt ?? null, subscriptionTtlSeconds: t.subscriptionTtlSeconds ?? TOPIC_DEFAULTS.subscriptionTtlSeconds }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
      subscriptions: Object.values(subs)
        .map((j) => JSON.parse(j) as StoredSubscription)
        .map((sub) => ({ ...sub, detachedAt: sub.detachedAt ?? null }))
        .sort((a, b) => (a.subscribedAt < b.subscribedAt ? -1 : a.subscribedAt > b.subscribedAt ? 1 : a.key < b.key ? -1 : 1)),
      meta: new Map(Object.entries(meta)),
    });
  }

  load(): { topics: StoredTopic[]; subscriptions: StoredSubscription[] } {
    return { topics: this.snapshot.topics, subscriptions: this.snapshot.subscriptions };
  }

  getMeta(key: string): string | undefined {
    return this.snapshot.meta.get(key);
  }

  async apply(ops: readonly PubSubStoreOp[]): Promise<void> {
    if (ops.length === 0) return;
    await this.redis.eval(APPLY_SCRIPT, 1, this.prefix, JSON.stringify(ops));
    for (const op of ops) if (op.kind === 'setMeta') this.snapshot.meta.set(op.key, op.value);
  }

  async readMessages(topic: string, afterPos: number, limit: number): Promise<StoredMessage[]> {
    const rows = await this.redis.zrangebyscore(`${this.prefix}msgs:${topic}`, `(${afterPos}`, '+inf', 'LIMIT', 0, limit);
    return rows.map((j) => JSON.parse(j) as StoredMessage);
  }

  /** Messages are in position order, which is publish order: scan from the oldest until a fresh one. */
  async lastPosBefore(topic: string, cutoffIso: string): Promise<number | null> {
    const key = `${this.prefix}msgs:${topic}`;
    let last: number | null = null;
    for (let start = 0; ; start += 100) {
      const rows = await this.redis.zrange(key, String(start), String(start + 99));
      if (rows.length === 0) return last;
      for (const j of rows) {
        const m = JSON.parse(j) as StoredMessage;
        if (m.publishedAt >= cutoffIso) return last;
        last = m.pos;
      }
    }
  }
}
