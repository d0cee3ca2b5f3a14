import { hostname } from 'node:os';
import type { HealthReport } from '../../protocol/admin-health';
import type { HealthSampler } from '../metrics/health-sampler';
import type { MessageLogBook } from '../connections/message-log';
import { DisconnectRequestSchema, type BulkDisconnectResult, type DisconnectResult } from '../../protocol/admin-connections';
import type { AuthCounters, ServerInfo } from '../../protocol/admin-config';
import { ErrorCode } from '../../protocol/errors';
import type { ChannelManager } from '../channels/channel-manager';
import type { InboundConnection } from '../connections/inbound-connection';
import type { Registry } from '../connections/registry';
import { SbError, toErrorInfo } from '../errors';
import type { EventBus } from '../event-bus';
import type { PubSubEngine } from '../pubsub/engine';
import type { SecurityManager } from '../security/security-manager';
import { BUILTIN_SERVICES, type ServiceHandler } from '../services/services';
import type { ConfigStore } from '../store/config-store';
import { parseInput } from '../validate';
import type { AuditLog, ConnectionControl, ConnectionSelector, PubSubControl, ServerControl } from './control';

export interface LocalControlDeps {
  name: string;
  nodeId: string;
  version: string;
  startedAt: string;
  events: EventBus;
  store: ConfigStore;
  channels: ChannelManager;
  security: SecurityManager;
  registry: Registry<InboundConnection>;
  pubsub: PubSubEngine;
  services: ReadonlyMap<string, ServiceHandler>;
  /** Failed-login and admin-authentication counters (live object). */
  authCounters: AuthCounters;
  health: HealthSampler;
  messageLog: MessageLogBook;
}

const notFound = (id: string) => new SbError(ErrorCode.ConnectionNotFound, `connection ${id} not found (never existed or already closed)`);

/**
 * The server's control surface acting on this process alone. The admin API calls it; in cluster
 * mode a routing control stands in front of it and sends each command to the owning node.
 */
export class LocalControl implements ServerControl {
  readonly events: EventBus;
  readonly audit: AuditLog;

  constructor(private readonly d: LocalControlDeps) {
    this.events = d.events;
    this.audit = {
      append: (entry) => d.store.appendAudit(entry),
      list: async (q) => d.store.listAudit(q),
    };
  }

  async health(): Promise<HealthReport> {
    return this.d.health.report();
  }

  async info(): Promise<ServerInfo> {
    const topics = this.d.pubsub.listTopics();
    return {
      name: this.d.name,
      nodeId: this.d.nodeId,
      pid: process.pid,
      hostname: hostname(),
      version: this.d.version,
      startedAt: this.d.startedAt,
      mode: 'standalone',
      counts: {
        connections: this.d.registry.size,
        channels: this.d.channels.list().length,
        topics: topics.length,
        subscriptions: topics.reduce((n, t) => n + t.subscribers, 0),
      },
      auth: { ...this.d.authCounters },
    };
  }

  async services() {
    return { items: [...this.d.services.keys()].sort().map((name) => ({ name, builtin: Object.hasOwn(BUILTIN_SERVICES, name) })) };
  }

  readonly channels: ServerControl['channels'] = {
    list: async () => this.d.channels.list(),
    get: async (name) => this.d.channels.get(name),
    create: (input) => this.d.channels.create(input),
    update: (name, patch) => this.d.channels.update(name, patch),
    remove: (name) => this.d.channels.remove(name),
  };

  readonly security: ServerControl['security'] = {
    list: async () => this.d.security.list(),
    get: async (name) => this.d.security.get(name),
    create: (input) => this.d.security.create(input),
    update: (name, patch) => this.d.security.update(name, patch),
    remove: (name) => this.d.security.remove(name),
  };

  readonly connections: ConnectionControl = {
    list: async (query) => this.d.registry.list(query),
    get: async (id) => this.d.registry.get(id)?.info(),
    messages: async (id, after, limit) => {
      const live = this.d.registry.get(id);
      return this.d.messageLog.page(id, after, limit, live ? { channel: live.channel } : undefined);
    },
    invoke: (id, data, timeoutMs) => {
      const c = this.d.registry.get(id);
      if (!c) return Promise.reject(notFound(id));
      return c.invoke(data, timeoutMs);
    },
    disconnect: async (id, code, reason): Promise<DisconnectResult> => {
      parseInput(DisconnectRequestSchema, { code, reason });
      const c = this.d.registry.get(id);
      if (!c) throw notFound(id);
      const r = await c.close(code, reason);
      return { connectionId: id, code, reason, terminated: r.terminated, closedAt: r.closedAt };
    },
    disconnectMany: async (selector, code, reason) => this.disconnectMany(selector, code, reason),
  };

  private async disconnectMany(selector: ConnectionSelector, code: number, reason: string): Promise<BulkDisconnectResult> {
    parseInput(DisconnectRequestSchema, { code, reason });
    const ids = this.select(selector);
    const items = await Promise.all(ids.map(async (id): Promise<BulkDisconnectResult['items'][number]> => {
      try {
        return { ok: true, connectionId: id, result: await this.connections.disconnect(id, code, reason) };
      } catch (err) {
        return { ok: false, connectionId: id, error: toErrorInfo(err) };
      }
    }));
    return { code, reason, matched: ids.length, items };
  }

  private select(selector: ConnectionSelector): string[] {
    if ('connectionIds' in selector) return [...new Set(selector.connectionIds)];
    const out: string[] = [];
    for (const c of this.d.registry.values()) {
      if ('clientId' in selector ? c.clientId === selector.clientId : c.channelName === selector.channel) out.push(c.connectionId);
    }
    return out;
  }

  readonly pubsub: PubSubControl = {
    listTopics: async () => this.d.pubsub.listTopics(),
    getTopic: async (name) => this.d.pubsub.getTopic(name),
    createTopic: (input) => this.d.pubsub.createTopic(input),
    updateTopic: (name, patch) => this.d.pubsub.updateTopic(name, patch),
    removeTopic: (name) => this.d.pubsub.removeTopic(name),
    publish: (topic, data, source) => this.d.pubsub.publish(topic, data, source),
    listTopicSubscriptions: async (topic) => this.d.pubsub.listTopicSubscriptions(topic),
    listConnectionSubscriptions: async (id) => this.d.pubsub.listConnectionSubscriptions(id),
    removeSubscription: (key) => this.d.pubsub.removeSubscription(key),
    purgeSubscription: (key) => this.d.pubsub.purgeSubscription(key),
  };
}
