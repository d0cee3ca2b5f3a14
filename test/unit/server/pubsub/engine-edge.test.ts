import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../../protocol/errors';
import { EventBus } from '../../../../server/event-bus';
import { PubSubEngine } from '../../../../server/pubsub/engine';
import { PubSubConfigSchema } from '../../../../server/pubsub/options';
import { openDatabase, type Db } from '../../../../server/store/sqlite/db';
import { SqlitePubSubStore } from '../../../../server/store/sqlite/pubsub-sqlite-store';
import { RedisPubSubStore } from '../../../../server/store/redis/pubsub-redis-store';
import { Redis } from 'ioredis';
import type { PubSubStoreOp } from '../../../../server/store/pubsub-store';
import { makeHarness, RecordingSession, settle, type Harness } from './harness';

let h: Harness | undefined;
const cleanups: (() => void)[] = [];
afterEach(() => {
  h?.dispose();
  h = undefined;
  for (const c of cleanups.splice(0)) c();
});

/** The real SQLite store whose next write can be made to fail (disk full, I/O error). */
class FlakyStore extends SqlitePubSubStore {
  failNext = false;
  override apply(ops: readonly PubSubStoreOp[]): void {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk I/O error');
    }
    super.apply(ops);
  }
}

describe('PubSubEngine edges', () => {
  it('applies subscribe and unsubscribe sent back to back in arrival order', async () => {
    h = makeHarness({ topics: [{ name: 't' }] });
    const s = new RecordingSession('c1', 'x');
    h.engine.attach(s);
    await Promise.all([
      h.engine.handleFrame(s, { type: 'subscribe', id: 1, topic: 't' }),
      h.engine.handleFrame(s, { type: 'unsubscribe', id: 2, topic: 't' }),
      h.engine.handleFrame(s, { type: 'subscribe', id: 3, topic: 't' }),
    ]);
    expect(s.responses().map((r) => [r.inReplyTo, r.ok])).toEqual([[1, true], [2, true], [3, true]]);
    expect(h.engine.subscriptionCount('x')).toBe(1);
    expect(h.events.filter((e) => e.type.startsWith('subscription.')).map((e) => e.type)).toEqual(['subscription.created', 'subscription.deleted', 'subscription.created']);
  });

  it('a failed write acknowledges nothing and changes nothing; the next publish works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-pubsub-flaky-'));
    const db: Db = openDatabase(join(dir, 'switchboard.db'));
    const store = new FlakyStore(db);
    const engine = new PubSubEngine({ store, events: new EventBus(), config: PubSubConfigSchema.parse({ topics: [{ name: 't' }] }), lookupConnection: () => undefined });
    cleanups.push(() => (engine.close(), db.close(), rmSync(dir, { recursive: true, force: true })));
    const s = new RecordingSession('c1', 'x');
    engine.attach(s);
    await engine.handleFrame(s, { type: 'subscribe', id: 1, topic: 't' });
    store.failNext = true;
    await expect(engine.publish('t', 'lost', { kind: 'admin', id: 'test' })).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    expect(engine.getTopic('t')).toMatchObject({ published: 0, depth: 0 });
    await settle();
    expect(s.messages()).toEqual([]);
    await engine.publish('t', 'kept', { kind: 'admin', id: 'test' });
    await settle();
    expect(s.messages().map((m) => [m.seq, m.data])).toEqual([[1, 'kept']]);
  });

  it('pauses delivery while the socket buffers too much and resumes when it drains', async () => {
    h = makeHarness({ topics: [{ name: 't' }], delivery: { resumeCheckMs: 5 } });
    const s = new RecordingSession('c1', 'x');
    s.sendBudget = 1024;
    let buffered = 0;
    s.bufferedAmount = () => buffered;
    h.engine.attach(s);
    await h.engine.handleFrame(s, { type: 'subscribe', id: 1, topic: 't' });
    buffered = 10_000;
    await h.engine.publish('t', 1, { kind: 'admin', id: 'test' });
    await h.engine.publish('t', 2, { kind: 'admin', id: 'test' });
    await settle();
    const whileFull = s.messages().length;
    expect(whileFull).toBeLessThanOrEqual(1);
    buffered = 0;
    await new Promise<void>((resolve) => {
      const check = (): void => (s.messages().length === 2 ? resolve() : void setTimeout(check, 5));
      check();
    });
    expect(s.messages().map((m) => m.data)).toEqual([1, 2]);
  });

  it('rejects oversized data and invalid topic names without changing anything', async () => {
    h = makeHarness({ topics: [{ name: 't' }], maxMessageBytes: 100 });
    await expect(h.engine.publish('t', 'x'.repeat(200), { kind: 'admin', id: 'test' })).rejects.toMatchObject({ code: ErrorCode.PayloadTooLarge, field: 'data' });
    await expect(h.engine.publish('bad topic', 1, { kind: 'admin', id: 'test' })).rejects.toMatchObject({ code: ErrorCode.Validation });
    await expect(h.engine.updateTopic('t', { maxDepth: 0 })).rejects.toMatchObject({ code: ErrorCode.Validation, field: 'maxDepth' });
    await expect(h.engine.updateTopic('nope', { maxDepth: 5 })).rejects.toMatchObject({ code: ErrorCode.TopicNotFound });
    expect(h.engine.getTopic('t')).toMatchObject({ published: 0, maxDepth: 100_000 });
  });

  it('removing a topic deletes its subscriptions with events, durably', async () => {
    h = makeHarness({ topics: [{ name: 't' }] });
    const s = new RecordingSession('c1', 'x');
    h.engine.attach(s);
    await h.engine.handleFrame(s, { type: 'subscribe', id: 1, topic: 't' });
    await h.engine.publish('t', 1, { kind: 'admin', id: 'test' });
    await h.engine.removeTopic('t');
    expect(h.events.slice(-2).map((e) => e.type)).toEqual(['subscription.deleted', 'topic.changed']);
    h = await h.restart();
    expect(h.engine.listTopics()).toEqual([]);
    expect(h.engine.subscriptionCount('x')).toBe(0);
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM pubsub_messages').get()).toEqual({ n: 0 });
  });
});

describe('acks across reconnects', () => {
  it('accepts an ack for what the previous connection received, before the redelivery arrives', async () => {
    h = makeHarness({ topics: [{ name: 't' }] });
    const a = new RecordingSession('c1', 'x');
    h.engine.attach(a);
    await h.engine.handleFrame(a, { type: 'subscribe', id: 1, topic: 't' });
    await h.engine.publish('t', 1, { kind: 'admin', id: 'test' });
    await h.engine.publish('t', 2, { kind: 'admin', id: 'test' });
    await settle();
    h.engine.detach('c1');
    const b = new RecordingSession('c2', 'x');
    h.engine.attach(b);
    await h.engine.handleFrame(b, { type: 'ack', topic: 't', seq: 2 });
    expect(b.frames.filter((f) => f.type === 'error')).toEqual([]);
    await settle();
    expect(b.messages()).toEqual([]);
    expect(h.engine.listTopicSubscriptions('t')[0]).toMatchObject({ lastAckedSeq: 2, depth: 0 });
  });
});

describe('one attached session per clientId', () => {
  it('a newer session of the clientId (a replace) takes over delivery; the replaced one detaching late changes nothing', async () => {
    h = makeHarness({ topics: [{ name: 't' }] });
    const older = new RecordingSession('c1', 'x');
    const newer = new RecordingSession('c2', 'x');
    h.engine.attach(older);
    await h.engine.handleFrame(older, { type: 'subscribe', id: 1, topic: 't' });
    h.engine.attach(newer);
    await h.engine.publish('t', 1, { kind: 'admin', id: 'test' });
    await settle();
    expect(newer.messages().map((m) => m.data)).toEqual([1]);
    expect(older.messages()).toEqual([]);
    h.engine.detach('c1');
    await h.engine.publish('t', 2, { kind: 'admin', id: 'test' });
    await settle();
    expect(newer.messages().map((m) => m.data)).toEqual([1, 2]);
    expect(older.messages()).toEqual([]);
    // The client is still attached (through c2): its subscription does not start expiring.
    expect(h.engine.listTopicSubscriptions('t')[0]?.expiresAt).toBeNull();
  });
});

describe('subscription expiry (subscriptionTtlSeconds)', () => {
  const ttl = 60;
  it('deletes a subscription whose client stayed away longer than the TTL, with reason expired, and frees its messages', async () => {
    h = makeHarness({ topics: [{ name: 't', subscriptionTtlSeconds: ttl }, { name: 'u', subscriptionTtlSeconds: 10 * ttl }] });
    const a = new RecordingSession('c1', 'gone');
    h.engine.attach(a);
    await h.engine.handleFrame(a, { type: 'subscribe', id: 1, topic: 't' });
    await h.engine.handleFrame(a, { type: 'subscribe', id: 2, topic: 'u' });
    expect(h.engine.listTopicSubscriptions('t')[0]?.expiresAt).toBeNull();
    const t0 = Date.now();
    h.engine.detach('c1');
    await h.engine.publish('t', 1, { kind: 'admin', id: 'test' });
    const sub = h.engine.listTopicSubscriptions('t')[0]!;
    const expiresAt = Date.parse(sub.expiresAt!);
    expect(expiresAt).toBeGreaterThanOrEqual(t0 + ttl * 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + ttl * 1000);

    await h.engine.sweep(expiresAt - 1);
    expect(h.engine.listTopicSubscriptions('t')).toHaveLength(1);
    await h.engine.sweep(expiresAt);
    expect(h.engine.listTopicSubscriptions('t')).toEqual([]);
    expect(h.engine.listTopicSubscriptions('u')).toHaveLength(1);
    expect(h.events.filter((e) => e.type === 'subscription.deleted')).toEqual([expect.objectContaining({ subscriptionKey: sub.subscriptionKey, clientId: 'gone', topic: 't', reason: 'expired' })]);
    expect(h.engine.getTopic('t')).toMatchObject({ subscribers: 0, depth: 0 });
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM pubsub_messages WHERE topic = ?').get('t')).toEqual({ n: 0 });
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM pubsub_subscriptions WHERE topic = ?').get('t')).toEqual({ n: 0 });
  });

  it('never expires an attached client, and counts again from its next detach', async () => {
    h = makeHarness({ topics: [{ name: 't', subscriptionTtlSeconds: ttl }] });
    const a = new RecordingSession('c1', 'back');
    h.engine.attach(a);
    await h.engine.handleFrame(a, { type: 'subscribe', id: 1, topic: 't' });
    await h.engine.sweep(Date.now() + 100 * ttl * 1000);
    expect(h.engine.listTopicSubscriptions('t')).toHaveLength(1);
    h.engine.detach('c1');
    const b = new RecordingSession('c2', 'back');
    h.engine.attach(b);
    await h.engine.sweep(Date.now() + 100 * ttl * 1000);
    expect(h.engine.listTopicSubscriptions('t')[0]).toMatchObject({ clientId: 'back', expiresAt: null });
  });

  it('keeps when the client detached across a restart; a client attached at the stop counts from the restart', async () => {
    h = makeHarness({ topics: [{ name: 't', subscriptionTtlSeconds: ttl }, { name: 'u', subscriptionTtlSeconds: ttl }] });
    const away = new RecordingSession('c1', 'away');
    const here = new RecordingSession('c2', 'here');
    h.engine.attach(away);
    h.engine.attach(here);
    await h.engine.handleFrame(away, { type: 'subscribe', id: 1, topic: 't' });
    await h.engine.handleFrame(here, { type: 'subscribe', id: 1, topic: 'u' });
    h.engine.detach('c1');
    await settle();
    const awayExpires = h.engine.listTopicSubscriptions('t')[0]!.expiresAt;
    const beforeRestart = Date.now();
    h = await h.restart();
    expect(h.engine.listTopicSubscriptions('t')[0]!.expiresAt).toBe(awayExpires);
    const hereExpires = Date.parse(h.engine.listTopicSubscriptions('u')[0]!.expiresAt!);
    expect(hereExpires).toBeGreaterThanOrEqual(beforeRestart + ttl * 1000);
  });

  it('a topic patch of subscriptionTtlSeconds moves expiresAt at once', async () => {
    h = makeHarness({ topics: [{ name: 't', subscriptionTtlSeconds: ttl }] });
    const a = new RecordingSession('c1', 'p');
    h.engine.attach(a);
    await h.engine.handleFrame(a, { type: 'subscribe', id: 1, topic: 't' });
    h.engine.detach('c1');
    const before = Date.parse(h.engine.listTopicSubscriptions('t')[0]!.expiresAt!);
    await h.engine.updateTopic('t', { subscriptionTtlSeconds: 2 * ttl });
    expect(Date.parse(h.engine.listTopicSubscriptions('t')[0]!.expiresAt!)).toBe(before + ttl * 1000);
  });
});

describe('on the Redis store (real Redis at 127.0.0.1:6379)', () => {
  it('keeps subscriptions and queues across an engine restart and delivers them', async () => {
    const namespace = `sb-engine-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'sb-pubsub-redis-'));
    const db = openDatabase(join(dir, 'unused.db'));
    cleanups.push(() => {
      void redis.keys(`{${namespace}}:*`).then((keys) => (keys.length ? redis.del(...keys) : 0)).finally(() => redis.quit());
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const config = PubSubConfigSchema.parse({ topics: [{ name: 'jobs' }] });
    const build = async (): Promise<PubSubEngine> =>
      new PubSubEngine({ store: await RedisPubSubStore.open(redis, namespace), events: new EventBus(), config, lookupConnection: () => undefined });

    const first = await build();
    const a = new RecordingSession('c1', 'worker');
    first.attach(a);
    await first.handleFrame(a, { type: 'subscribe', id: 1, topic: 'jobs' });
    expect(a.lastResponse().ok).toBe(true);
    first.detach('c1');
    for (let i = 1; i <= 50; i++) await first.publish('jobs', i, { kind: 'admin', id: 'test' });
    first.close();
    await first.whenClosed();

    const second = await build();
    cleanups.push(() => second.close());
    expect(second.getTopic('jobs')).toMatchObject({ subscribers: 1, depth: 50, published: 50 });
    const b = new RecordingSession('c2', 'worker');
    second.attach(b);
    // The backlog comes back over Redis round trips: wait on the clock (up to 5 s), not on event-loop turns.
    for (const until = Date.now() + 5000; Date.now() < until && b.messages().length < 50; ) await new Promise((r) => setTimeout(r, 10));
    expect(b.messages().map((m) => m.data)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await second.handleFrame(b, { type: 'ack', topic: 'jobs', seq: 50 });
    expect(second.getTopic('jobs')?.depth).toBe(0);
  });
});
