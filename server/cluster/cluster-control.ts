import type { MessageLogPage } from '../../protocol/admin-message-log';
import type { BulkDisconnectResult, ConnectionInfo } from '../../protocol/admin-connections';
import type { ClusterNodeList } from '../../protocol/admin-cluster';
import type { ServerInfo } from '../../protocol/admin-config';
import { ErrorCode } from '../../protocol/errors';
import type { RegistryEntry } from '../connections/registry';
import type { ChannelControl, ConnectionControl, ConnectionSelector, PubSubControl, SecurityControl, ServerControl } from '../control/control';
import type { LocalControl } from '../control/local';
import { SbError, toErrorInfo } from '../errors';
import type { ClusterRegistry, LocalRegistry } from './cluster-registry';
import type { ConfigKind, ConfigSync } from './config-sync';
import type { ClusterRpc } from './rpc';
import type { RedisLink } from './redis-link';

export interface ClusterControlDeps<T extends RegistryEntry> {
  nodeId: string;
  rpcTimeoutMs: number;
  link: RedisLink;
  local: LocalControl;
  localRegistry: LocalRegistry<T>;
  registry: ClusterRegistry<T>;
  rpc: ClusterRpc;
  sync: ConfigSync;
}

const notFound = (id: string) => new SbError(ErrorCode.ConnectionNotFound, `connection ${id} not found on any node of the cluster (never existed or already closed)`);

/**
 * ServerControl for a cluster node. Reads of connections go to the cluster registry; commands on a
 * connection run where it lives (here, or routed to its owner over Redis); configuration changes
 * apply here, then go to Redis for every other node. Operations that need the cluster are refused
 * with SB_ERR_CLUSTER_UNAVAILABLE while Redis is away — nothing is changed on this node alone.
 */
export class ClusterControl<T extends RegistryEntry> implements ServerControl {
  readonly events;
  readonly audit;

  constructor(private readonly d: ClusterControlDeps<T>) {
    this.events = d.local.events;
    this.audit = d.local.audit;
  }

  async info(): Promise<ServerInfo> {
    return { ...(await this.d.local.info()), mode: 'cluster', cluster: { state: this.d.link.state } };
  }

  /** A degraded node answers its last view (an operator sees the outage, not a 503). */
  async clusterNodes(): Promise<ClusterNodeList> {
    if (this.d.link.state === 'healthy') {
      try {
        return { mode: 'cluster', state: 'healthy', self: this.d.nodeId, items: await this.d.registry.nodes() };
      } catch {
        // Redis failed between the check and the read: answer like a degraded node.
      }
    }
    return { mode: 'cluster', state: 'degraded', self: this.d.nodeId, items: this.d.registry.lastNodes() };
  }

  services() {
    return this.d.local.services();
  }

  /**
   * Outgoing connections and gateway routes live in this node's own store and dial from here, like
   * its audit log: each node answers for its own (docs/admin-api.md, cluster mode).
   */
  /** This node's own figures, like its audit log. */
  health() {
    return this.d.local.health();
  }

  get outgoing() {
    return this.d.local.outgoing;
  }
  get gateway() {
    return this.d.local.gateway;
  }

  /** Wraps a local configuration change: refused before it starts when Redis is away, shared after it succeeded. */
  private synced<A extends unknown[], R>(kind: ConfigKind, what: string, fn: (...a: A) => Promise<R>, nameOf: (r: R, a: A) => string) {
    return async (...a: A): Promise<R> => {
      this.d.link.require(what);
      const r = await fn(...a);
      await this.d.sync.changed(kind, nameOf(r, a));
      return r;
    };
  }

  get channels(): ChannelControl {
    const l = this.d.local.channels;
    return {
      list: l.list,
      get: l.get,
      create: this.synced('channels', 'channels.create', l.create, (r) => r.name),
      update: this.synced('channels', 'channels.update', l.update, (r) => r.name),
      remove: this.synced('channels', 'channels.remove', l.remove, (_r, a) => a[0]),
    };
  }

  get security(): SecurityControl {
    const l = this.d.local.security;
    return {
      list: l.list,
      get: l.get,
      create: this.synced('security', 'security.create', l.create, (r) => r.name),
      update: this.synced('security', 'security.update', l.update, (r) => r.name),
      remove: this.synced('security', 'security.remove', l.remove, (_r, a) => a[0]),
    };
  }

  /** Runs `here` when this node holds the connection, otherwise the same command on its owner. */
  private async onOwner<R>(id: string, method: string, args: unknown[], here: () => Promise<R>, timeoutMs = this.d.rpcTimeoutMs): Promise<R> {
    if (this.d.localRegistry.get(id)) return here();
    const info = await this.d.registry.owner(id);
    if (!info) throw notFound(id);
    if (info.node === this.d.nodeId) return here(); // a row not yet removed after a close: here() answers not found
    return (await this.d.rpc.call(info.node, method, args, timeoutMs)) as R;
  }

  get connections(): ConnectionControl {
    const l = this.d.local.connections;
    return {
      list: (q) => this.d.registry.list(q),
      get: (id) => this.d.registry.owner(id),
      invoke: (id, data, timeoutMs) => this.onOwner(id, 'invoke', [id, data, timeoutMs], () => l.invoke(id, data, timeoutMs), timeoutMs + this.d.rpcTimeoutMs),
      disconnect: (id, code, reason) => this.onOwner(id, 'disconnect', [id, code, reason], () => l.disconnect(id, code, reason)),
      disconnectMany: (selector, code, reason) => this.disconnectMany(selector, code, reason),
      // A closed connection's log outlives its registry row (logKeepSeconds): without an owner, this node's own.
      messages: async (id, after, limit) => {
        const info = await this.d.registry.owner(id);
        if (!info || info.node === this.d.nodeId) return l.messages(id, after, limit);
        return ((await this.d.rpc.call(info.node, 'messages', [id, after, limit])) as MessageLogPage | null) ?? undefined;
      },
    };
  }

  private async disconnectMany(selector: ConnectionSelector, code: number, reason: string): Promise<BulkDisconnectResult> {
    if ('connectionIds' in selector) {
      const ids = [...new Set(selector.connectionIds)];
      const items = await Promise.all(ids.map(async (id): Promise<BulkDisconnectResult['items'][number]> => {
        try {
          return { ok: true, connectionId: id, result: await this.connections.disconnect(id, code, reason) };
        } catch (err) {
          return { ok: false, connectionId: id, error: toErrorInfo(err) };
        }
      }));
      return { code, reason, matched: ids.length, items };
    }
    // By client ID or channel: every live node closes its own, at the same time.
    const nodes = (await this.d.registry.nodes()).filter((n) => n.state !== 'lost');
    const parts = await Promise.all(nodes.map(async (n): Promise<BulkDisconnectResult> => {
      try {
        if (n.nodeId === this.d.nodeId) return await this.d.local.connections.disconnectMany(selector, code, reason);
        return (await this.d.rpc.call(n.nodeId, 'disconnectMany', [selector, code, reason])) as BulkDisconnectResult;
      } catch (err) {
        // The node did not answer: report each of its matching rows as not closed, with why.
        const rows = await this.rowsOf(n.nodeId, selector).catch(() => [] as ConnectionInfo[]);
        return { code, reason, matched: rows.length, items: rows.map((r) => ({ ok: false, connectionId: r.connectionId, error: toErrorInfo(err) })) };
      }
    }));
    return { code, reason, matched: parts.reduce((s, p) => s + p.matched, 0), items: parts.flatMap((p) => p.items) };
  }

  private async rowsOf(node: string, selector: { clientId: string } | { channel: string }): Promise<ConnectionInfo[]> {
    const page = await this.d.registry.list('clientId' in selector ? { clientId: selector.clientId, limit: 5000 } : { channel: selector.channel, limit: 5000 });
    return page.items.filter((i) => i.node === node);
  }

  get pubsub(): PubSubControl {
    const l = this.d.local.pubsub;
    return {
      listTopics: l.listTopics,
      getTopic: l.getTopic,
      createTopic: this.synced('topics', 'topics.create', l.createTopic, (r) => r.name),
      updateTopic: this.synced('topics', 'topics.update', l.updateTopic, (r) => r.name),
      removeTopic: this.synced('topics', 'topics.remove', l.removeTopic, (_r, a) => a[0]),
      publish: l.publish,
      // Subscriptions live on the node where their client subscribed: ask every live node.
      listTopicSubscriptions: async (topic) => (await this.onEveryNode('topicSubscriptions', [topic], () => l.listTopicSubscriptions(topic), true)).flat(),
      listConnectionSubscriptions: (id) => this.onOwner(id, 'connectionSubscriptions', [id], () => l.listConnectionSubscriptions(id)),
      removeSubscription: async (key) => {
        await this.onEveryNode('removeSubscription', [key], () => l.removeSubscription(key), false);
      },
      purgeSubscription: async (key) => ({ purged: (await this.onEveryNode('purgeSubscription', [key], () => l.purgeSubscription(key), false)).reduce((n, r) => n + r.purged, 0) }),
    };
  }

  /**
   * Runs a command on this node and every other live node. `all`: every node must answer (a
   * listing that silently missed a node would look complete). Otherwise it succeeds where any
   * node had the thing; when none had it the first error is thrown (not found, or unreachable).
   */
  private async onEveryNode<R>(method: string, args: unknown[], here: () => Promise<R>, all: boolean): Promise<R[]> {
    const nodes = (await this.d.registry.nodes()).filter((n) => n.state !== 'lost' && n.nodeId !== this.d.nodeId);
    const settled = await Promise.allSettled([here(), ...nodes.map((n) => this.d.rpc.call(n.nodeId, method, args) as Promise<R>)]);
    const ok = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    if (all ? failed.length > 0 : ok.length === 0) {
      // A node that lacks it says "not found"; prefer a more telling error (unreachable) when there is one.
      throw failed.find((e) => !(e instanceof SbError && (e.code === ErrorCode.SubscriptionNotFound || e.code === ErrorCode.TopicNotFound))) ?? failed[0];
    }
    return ok;
  }
}
