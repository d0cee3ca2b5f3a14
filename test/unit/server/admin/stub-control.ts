/**
 * An in-memory ServerControl for unit tests of the admin layer alone (the runtime's real one is
 * used by test/integration/admin). Real SQLite config store in a temp dir and the real EventBus.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelCreateSchema, type Channel, type Security } from '../../../../protocol/admin-config';
import type { ConnectionInfo } from '../../../../protocol/admin-connections';
import { ErrorCode } from '../../../../protocol/errors';
import type { Topic } from '../../../../protocol/admin-pubsub';
import type { ServerControl } from '../../../../server/control/control';
import { SbError } from '../../../../server/errors';
import { EventBus } from '../../../../server/event-bus';
import { openDatabase, type Db } from '../../../../server/store/sqlite/db';
import { SqliteConfigStore } from '../../../../server/store/config-store';

const now = () => new Date().toISOString();

export interface StubControl extends ServerControl {
  /** Secrets as given, to prove they are never returned. */
  secrets: Map<string, Record<string, unknown>>;
  addConnection(id: string, clientId: string | null, channel?: string): ConnectionInfo;
  /** Makes the next call of channels.list throw a plain Error (for the 500 path). */
  failNextList: boolean;
  dispose(): void;
}

export function createStubControl(): StubControl {
  const dir = mkdtempSync(join(tmpdir(), 'sb-admin-unit-'));
  const db: Db = openDatabase(join(dir, 'switchboard.db'));
  const store = new SqliteConfigStore(db);
  const events = new EventBus();
  const channels = new Map<string, Channel>();
  const security = new Map<string, Security>();
  const secrets = new Map<string, Record<string, unknown>>();
  const connections = new Map<string, ConnectionInfo>();
  const topics = new Map<string, Topic>();
  const startedAt = now();

  const control: StubControl = {
    secrets,
    failNextList: false,
    events,
    store,
    info: () => ({ name: 'stub', nodeId: `stub-${process.pid}`, pid: process.pid, hostname: 'localhost', version: '0.0.0-test', startedAt, mode: 'standalone', counts: { connections: connections.size, channels: channels.size, topics: topics.size, subscriptions: 0 } }),
    channels: {
      list: () => {
        if (control.failNextList) {
          control.failNextList = false;
          throw new Error('secret internal detail /etc/passwd');
        }
        return [...channels.values()];
      },
      get: (name) => channels.get(name),
      create: async (input) => {
        const cfg = ChannelCreateSchema.parse(input);
        if (channels.has(cfg.name)) throw new SbError(ErrorCode.ChannelExists, `channel ${cfg.name} exists`, { field: 'name' });
        const c: Channel = { ...cfg, createdAt: now(), updatedAt: now(), listening: cfg.active, boundPort: 1234, connections: 0 };
        channels.set(c.name, c);
        events.emit({ type: 'channel.changed', name: c.name, channel: c });
        return c;
      },
      update: async (name, patch) => {
        const c = { ...channels.get(name)!, ...patch, updatedAt: now() };
        channels.set(name, c);
        events.emit({ type: 'channel.changed', name, channel: c });
        return c;
      },
      remove: async (name) => {
        channels.delete(name);
        events.emit({ type: 'channel.changed', name, channel: null });
      },
    },
    security: {
      list: () => [...security.values()],
      get: (name) => security.get(name),
      create: async (input) => {
        const { name, type } = input;
        secrets.set(name, { ...input });
        // Deliberately leaks a secret-bearing field to prove the admin layer strips it.
        const s = { name, type, hasSecret: true, usedBy: [], createdAt: now(), updatedAt: now(), password: 'leak' } as Security;
        security.set(name, s);
        return s;
      },
      update: async (name) => security.get(name)!,
      remove: async (name) => { security.delete(name); },
    },
    connections: {
      list: (q) => {
        const all = [...connections.values()].filter((c) => !q.channel || c.channel === q.channel).sort((a, b) => a.connectionId.localeCompare(b.connectionId));
        const start = q.cursor ? Number(q.cursor) : 0;
        const items = all.slice(start, start + q.limit);
        return { items, total: all.length, nextCursor: start + q.limit < all.length ? String(start + q.limit) : null };
      },
      get: (id) => connections.get(id),
      invoke: async (id, data) => ({ connectionId: id, ok: true, data: { echo: data }, latencyMs: 1, sentAt: now(), respondedAt: now() }),
      disconnect: async (id, code, reason) => {
        connections.delete(id);
        return { connectionId: id, code, reason, terminated: false, closedAt: now() };
      },
    },
    pubsub: {
      listTopics: () => [...topics.values()],
      getTopic: (name) => topics.get(name),
      createTopic: async (input) => {
        const t: Topic = { name: input.name, maxDepth: input.maxDepth ?? 100000, maxAgeSeconds: input.maxAgeSeconds ?? 604800, overflow: input.overflow ?? 'drop-oldest', createdAt: now(), updatedAt: now(), subscribers: 0, depth: 0, published: 0, dropped: 0, rejected: 0, lastPublishedAt: null };
        topics.set(t.name, t);
        return t;
      },
      updateTopic: async (name, patch) => ({ ...topics.get(name)!, ...patch }),
      removeTopic: async (name) => { topics.delete(name); },
      publish: async (topic) => ({ topic, publishedAt: now(), queuedFor: 0, dropped: 0 }),
      listTopicSubscriptions: () => [],
      listConnectionSubscriptions: () => [],
      removeSubscription: async (key) => { throw new SbError(ErrorCode.SubscriptionNotFound, `no subscription ${key}`); },
      purgeSubscription: async (key) => { throw new SbError(ErrorCode.SubscriptionNotFound, `no subscription ${key}`); },
    },
    addConnection(id, clientId, channel = 'main') {
      const c: ConnectionInfo = {
        connectionId: id, kind: 'inbound', node: `stub-${process.pid}`, clientId, clientName: clientId ? `name of ${clientId}` : null, channel, state: clientId ? 'logged-in' : 'awaiting-login',
        remoteAddress: '127.0.0.1', remotePort: 50000, remoteFqdn: null, forwardedFor: null, localAddress: '127.0.0.1', localPort: 1234,
        serverName: 'stub', pid: process.pid, connectedAt: now(), loggedInAt: clientId ? now() : null, lastSeenAt: now(), expiresAt: null,
        msgsIn: 0, msgsOut: 0, bytesIn: 0, bytesOut: 0, subscriptions: 0,
      };
      connections.set(id, c);
      return c;
    },
    dispose() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return control;
}

export const OPERATOR_TOKEN = 'operator-token-0123456789';
export const VIEWER_TOKEN = 'viewer-token-0123456789ab';
export const TEST_TOKENS = [
  { name: 'ops', token: OPERATOR_TOKEN, role: 'operator' as const },
  { name: 'watcher', token: VIEWER_TOKEN, role: 'viewer' as const },
];
