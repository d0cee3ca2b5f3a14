import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../server/store/sqlite/db';
import { SqlitePubSubStore } from '../../../../server/store/sqlite/pubsub-sqlite-store';
import type { PubSubStore, StoredTopic } from '../../../../server/store/pubsub-store';
import { AsyncSqliteStore } from './harness';
import { Redis } from 'ioredis';
import { RedisPubSubStore } from '../../../../server/store/redis/pubsub-redis-store';

/**
 * The PubSubStore contract, written against the interface so another store (e.g. a Redis
 * cluster store) can run the same cases: atomic apply, durable across reopen, ordered reads.
 */
type Env = { store: PubSubStore; reopen(): PubSubStore | Promise<PubSubStore>; dispose(): void | Promise<void> };

function contract(name: string, open: () => Env | Promise<Env>): void {
  describe(`${name} satisfies the PubSubStore contract`, () => {
    let env: Env | undefined;
    afterEach(async () => {
      await env?.dispose();
      env = undefined;
    });

    const topic = (over: Partial<StoredTopic> = {}): StoredTopic => ({
      name: 't',
      maxDepth: 10,
      maxAgeSeconds: 60,
      overflow: 'drop-oldest',
      subscriptionTtlSeconds: 3600,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      head: 0,
      published: 0,
      dropped: 0,
      rejected: 0,
      lastPublishedAt: null,
      ...over,
    });

    it('persists topics, subscriptions and messages across reopen', async () => {
      env = await open();
      await env.store.apply([
        { kind: 'putTopic', topic: topic({ head: 2, published: 2 }) },
        { kind: 'putSubscription', subscription: { key: 'k1', clientId: 'c', topic: 't', channel: 'main', subscribedAt: '2026-01-01T00:00:01.000Z', base: 0, acked: 0, dropped: 0, detachedAt: null } },
        { kind: 'appendMessage', topic: 't', message: { pos: 1, publishedAt: '2026-01-01T00:00:02.000Z', data: '{"a":1}' } },
        { kind: 'appendMessage', topic: 't', message: { pos: 2, publishedAt: '2026-01-01T00:00:03.000Z', data: '2' } },
        { kind: 'updateCursor', key: 'k1', acked: 1, dropped: 0 },
        { kind: 'setMeta', key: 'x', value: 'y' },
      ]);
      const again = await env.reopen();
      const { topics, subscriptions } = again.load();
      expect(topics).toEqual([topic({ head: 2, published: 2 })]);
      expect(subscriptions).toMatchObject([{ key: 'k1', acked: 1 }]);
      expect((await again.readMessages('t', 0, 10)).map((m) => [m.pos, m.data])).toEqual([[1, '{"a":1}'], [2, '2']]);
      expect((await again.readMessages('t', 1, 10)).map((m) => m.pos)).toEqual([2]);
      expect((await again.readMessages('t', 0, 1)).map((m) => m.pos)).toEqual([1]);
      expect(await again.lastPosBefore('t', '2026-01-01T00:00:02.500Z')).toBe(1);
      expect(await again.lastPosBefore('t', '2000-01-01T00:00:00.000Z')).toBeNull();
      expect(again.getMeta('x')).toBe('y');
    });

    it('records when a subscription lost its client, and clears it again', async () => {
      env = await open();
      await env.store.apply([
        { kind: 'putTopic', topic: topic({ subscriptionTtlSeconds: 120 }) },
        { kind: 'putSubscription', subscription: { key: 'k1', clientId: 'c', topic: 't', channel: 'main', subscribedAt: '2026-01-01T00:00:01.000Z', base: 0, acked: 0, dropped: 0, detachedAt: null } },
        { kind: 'setDetachedAt', key: 'k1', detachedAt: '2026-01-01T00:05:00.000Z' },
      ]);
      const once = (await env.reopen()).load();
      expect(once.topics[0]?.subscriptionTtlSeconds).toBe(120);
      expect(once.subscriptions[0]?.detachedAt).toBe('2026-01-01T00:05:00.000Z');
      await env.store.apply([{ kind: 'setDetachedAt', key: 'k1', detachedAt: null }, { kind: 'setDetachedAt', key: 'missing', detachedAt: null }]);
      expect((await env.reopen()).load().subscriptions).toEqual([expect.objectContaining({ key: 'k1', detachedAt: null })]);
    });

    it('applies a batch atomically: a failing op leaves nothing of the batch behind', async () => {
      env = await open();
      await env.store.apply([{ kind: 'putTopic', topic: topic() }, { kind: 'appendMessage', topic: 't', message: { pos: 1, publishedAt: '2026-01-01T00:00:02.000Z', data: '1' } }]);
      await expect(async () =>
        env!.store.apply([
          { kind: 'putTopic', topic: topic({ head: 5 }) },
          // Same position twice: the log refuses it, so the whole batch must roll back.
          { kind: 'appendMessage', topic: 't', message: { pos: 1, publishedAt: '2026-01-01T00:00:04.000Z', data: 'dup' } },
        ]),
      ).rejects.toThrow();
      // load() is the snapshot the engine starts from: read it through a fresh open.
      expect((await env.reopen()).load().topics[0]?.head).toBe(0);
      expect((await env.store.readMessages('t', 0, 10)).map((m) => m.data)).toEqual(['1']);
    });

    it('trims messages and deletes topics with their subscriptions and messages', async () => {
      env = await open();
      await env.store.apply([
        { kind: 'putTopic', topic: topic() },
        { kind: 'putSubscription', subscription: { key: 'k1', clientId: 'c', topic: 't', channel: 'main', subscribedAt: '2026-01-01T00:00:01.000Z', base: 0, acked: 0, dropped: 0, detachedAt: null } },
        ...[1, 2, 3].map((pos) => ({ kind: 'appendMessage' as const, topic: 't', message: { pos, publishedAt: '2026-01-01T00:00:02.000Z', data: String(pos) } })),
        { kind: 'deleteMessagesUpTo', topic: 't', pos: 2 },
      ]);
      expect((await env.store.readMessages('t', 0, 10)).map((m) => m.pos)).toEqual([3]);
      await env.store.apply([{ kind: 'deleteTopic', name: 't' }]);
      expect((await env.reopen()).load()).toEqual({ topics: [], subscriptions: [] });
      expect(await env.store.readMessages('t', 0, 10)).toEqual([]);
    });
  });
}

contract('SqlitePubSubStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-pubsub-store-'));
  const file = join(dir, 'switchboard.db');
  const dbs: Db[] = [openDatabase(file)];
  return {
    store: new SqlitePubSubStore(dbs[0]!),
    reopen() {
      const db = openDatabase(file);
      dbs.push(db);
      return new SqlitePubSubStore(db);
    },
    dispose() {
      for (const db of dbs) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

contract('an asynchronous store (AsyncSqliteStore)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-pubsub-store-async-'));
  const file = join(dir, 'switchboard.db');
  const dbs: Db[] = [openDatabase(file)];
  return {
    store: new AsyncSqliteStore(dbs[0]!),
    reopen() {
      const db = openDatabase(file);
      dbs.push(db);
      return new AsyncSqliteStore(db);
    },
    dispose() {
      for (const db of dbs) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

contract('RedisPubSubStore (real Redis at 127.0.0.1:6379)', async () => {
  const namespace = `sb-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const clients: Redis[] = [];
  const connect = (): Redis => {
    const r = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
    clients.push(r);
    return r;
  };
  const first = connect();
  return {
    store: await RedisPubSubStore.open(first, namespace),
    reopen: () => RedisPubSubStore.open(connect(), namespace),
    async dispose() {
      const keys = await first.keys(`{${namespace}}:*`);
      if (keys.length > 0) await first.del(...keys);
      await Promise.all(clients.map((c) => c.quit()));
    },
  };
});
