import { z } from 'zod';
import { InvokeRequestSchema, type ConnectionInfo } from '../../protocol/admin-connections';
import { CloseCode, SendableCloseCodeSchema } from '../../protocol/close-codes';
import type { PublishResult } from '../../protocol/admin-pubsub';
import type { ChannelManager } from '../channels/channel-manager';
import type { RemoteHolders } from '../connections/login-gate';
import type { RegistryEntry } from '../connections/registry';
import type { LocalControl } from '../control/local';
import type { EventBus } from '../event-bus';
import type { Logger } from '../logger';
import type { PubSubEngine } from '../pubsub/engine';
import type { PublishSource } from '../pubsub/publisher';
import type { SharedLimitStore } from '../security/login-limiter';
import type { SecurityManager } from '../security/security-manager';
import type { ConfigStore } from '../store/config-store';
import { ClusterControl } from './cluster-control';
import { ClusterRegistry, type LocalRegistry } from './cluster-registry';
import { ConfigChangedFrame, ConfigSync } from './config-sync';
import { clusterKeys } from './keys';
import type { ClusterConfig } from './options';
import { EventRelay } from './event-relay';
import { PublishRelay } from './publish-relay';
import { RedisLink } from './redis-link';
import { ClusterRpc } from './rpc';

const NodeLostFrame = z.object({
  type: z.literal('node-lost'),
  node: z.string(),
  connections: z.array(z.object({ connectionId: z.string(), clientId: z.string().nullable(), channel: z.string() })),
});
const BusFrame = z.discriminatedUnion('type', [ConfigChangedFrame, NodeLostFrame]);

/** Arguments of routed commands, parsed on the owner like any input from a peer. */
const InvokeArgs = z.tuple([z.string(), z.unknown(), InvokeRequestSchema.shape.timeoutMs.unwrap()]);
const DisconnectArgs = z.tuple([z.string(), SendableCloseCodeSchema, z.string()]);
const SelectorSchema = z.union([z.object({ connectionIds: z.array(z.string()) }).strict(), z.object({ clientId: z.string() }).strict(), z.object({ channel: z.string() }).strict()]);
const DisconnectManyArgs = z.tuple([SelectorSchema, SendableCloseCodeSchema, z.string()]);
const IdArgs = z.tuple([z.string()]);
const MessagesArgs = z.tuple([z.string(), z.number().int().nonnegative(), z.number().int().positive()]);

export interface ClusterNodeDeps {
  config: ClusterConfig;
  nodeId: string;
  name: string;
  version: string;
  startedAt: string;
  maxMessageBytes: number;
  events: EventBus;
  logger: Logger;
  /** Durable last-applied publish stream entry (this node's SQLite meta). */
  streamPosition: { get(): string | undefined; set(id: string): void };
}

export interface ClusterParts<T extends RegistryEntry> {
  local: LocalControl;
  localRegistry: LocalRegistry<T>;
  store: ConfigStore;
  channels: ChannelManager;
  security: SecurityManager;
  pubsub: PubSubEngine;
  adminUrl(): string | null;
}

/**
 * One node's membership of a cluster: the Redis link, the shared registry, routed commands, the
 * shared configuration and cross-node pub/sub. Built in two steps because the pub/sub engine
 * needs `route` before the parts that need the engine exist: `connect()` (Redis reachable or the
 * server does not start), then `join(parts)` once the node's own parts are built.
 */
export class ClusterNode<T extends RegistryEntry> {
  readonly link: RedisLink;
  private readonly keys;
  private relay: PublishRelay | null = null;
  private registry: ClusterRegistry<T> | null = null;
  private rpc: ClusterRpc | null = null;
  private sync: ConfigSync | null = null;
  private eventRelay: EventRelay | null = null;
  control: ClusterControl<T> | null = null;

  constructor(private readonly d: ClusterNodeDeps) {
    this.link = new RedisLink(d.config, d.logger);
    this.keys = clusterKeys(d.config.redis.namespace);
  }

  /** Client IDs held on other nodes, for the duplicate-login policy (answers "none" until the node joined). */
  readonly remoteHolders: RemoteHolders = {
    holder: async (clientId) => this.registry?.remoteHolder(clientId),
    replace: async (h) => {
      if (!this.rpc) return;
      await this.rpc.call(h.node, 'disconnect', [h.connectionId, CloseCode.Replaced, 'replaced by a newer login of this client ID on another node']);
    },
  };

  /** Where a failure limit of this cluster counts (login limits add up over all nodes). */
  limitStore(name: string): SharedLimitStore {
    return { redis: this.link.cmd, keyPrefix: this.keys.limit(name) };
  }

  connect(): Promise<void> {
    return this.link.connect();
  }

  /** The engine's publish route: through the cluster stream (set before join; used only after). */
  route = (topic: string, data: unknown, source: PublishSource): Promise<PublishResult> => {
    if (!this.relay) throw new Error('cluster relay used before the node joined');
    return this.relay.publish(topic, data, source);
  };

  async join(p: ClusterParts<T>): Promise<ClusterControl<T>> {
    const { config, nodeId, logger } = this.d;
    this.rpc = new ClusterRpc(this.link, this.keys, nodeId, config.rpcTimeoutMs, logger.child('rpc'));
    this.sync = new ConfigSync({ link: this.link, keys: this.keys, nodeId, store: p.store, channels: p.channels, security: p.security, pubsub: p.pubsub, logger: logger.child('config') });
    this.registry = new ClusterRegistry<T>({ link: this.link, keys: this.keys, config, nodeId, name: this.d.name, version: this.d.version, startedAt: this.d.startedAt, adminUrl: p.adminUrl, local: p.localRegistry, events: this.d.events, logger: logger.child('registry') });
    this.relay = new PublishRelay({ link: this.link, keys: this.keys, nodeId, maxLen: config.publishStreamMaxLen, maxMessageBytes: this.d.maxMessageBytes, timeoutMs: config.rpcTimeoutMs, publishHere: (t, d, s) => p.pubsub.publishHere(t, d, s), lastId: this.d.streamPosition, logger: logger.child('publish') });

    const local = p.local;
    this.rpc.handle('invoke', async (...a) => {
      const [id, data, timeoutMs] = InvokeArgs.parse(a);
      return local.connections.invoke(id, data, timeoutMs);
    });
    this.rpc.handle('disconnect', async (...a) => {
      const [id, code, reason] = DisconnectArgs.parse(a);
      return local.connections.disconnect(id, code, reason);
    });
    this.rpc.handle('disconnectMany', async (...a) => {
      const [selector, code, reason] = DisconnectManyArgs.parse(a);
      return local.connections.disconnectMany(selector, code, reason);
    });
    this.rpc.handle('messages', async (...a) => {
      const [id, after, limit] = MessagesArgs.parse(a);
      // JSON has no undefined: null says "no log here".
      return (await local.connections.messages(id, after, limit)) ?? null;
    });
    this.rpc.handle('connectionSubscriptions', async (...a) => local.pubsub.listConnectionSubscriptions(IdArgs.parse(a)[0]));
    this.rpc.handle('topicSubscriptions', async (...a) => local.pubsub.listTopicSubscriptions(IdArgs.parse(a)[0]));
    this.rpc.handle('removeSubscription', async (...a) => local.pubsub.removeSubscription(IdArgs.parse(a)[0]));
    this.rpc.handle('purgeSubscription', async (...a) => local.pubsub.purgeSubscription(IdArgs.parse(a)[0]));

    const sync = this.sync;
    this.link.sub.on('message', (channel: string, text: string) => {
      if (channel !== this.keys.bus) return;
      let frame: z.infer<typeof BusFrame>;
      try {
        frame = BusFrame.parse(JSON.parse(text));
      } catch {
        logger.warn('ignored a malformed cluster bus message');
        return;
      }
      if (frame.type === 'config') sync.onMessage(frame);
      else this.nodeLost(frame);
    });
    await this.link.sub.subscribe(this.keys.bus);
    await this.rpc.start();
    await sync.reconcile();
    // Bus messages are lost while Redis is away: a reconnect reconciles the whole configuration.
    this.link.onState((s) => {
      if (s === 'healthy') sync.reconcile().catch(() => undefined);
    });
    await this.registry.start();
    await this.relay.start();
    this.eventRelay = new EventRelay({ link: this.link, channel: this.keys.events, nodeId, events: this.d.events, batchMs: config.registryFlushMs, logger: logger.child('events') });
    await this.eventRelay.start();
    this.control = new ClusterControl<T>({ nodeId, rpcTimeoutMs: config.rpcTimeoutMs, link: this.link, local, localRegistry: p.localRegistry, registry: this.registry, rpc: this.rpc, sync });
    return this.control;
  }

  /** Every node tells its own admin event stream that the lost node's connections are gone. */
  private nodeLost(frame: z.infer<typeof NodeLostFrame>): void {
    if (frame.node === this.d.nodeId) return;
    for (const c of frame.connections) {
      this.d.events.emit({ type: 'connection.closed', connectionId: c.connectionId, clientId: c.clientId, channel: c.channel, code: 1006, reason: `node ${frame.node} lost (no heartbeat within nodeTtlMs)`, initiator: 'node-lost' });
    }
  }

  nodes() {
    if (!this.registry) throw new Error('cluster node not joined');
    return this.registry.nodes();
  }

  owner(id: string): Promise<ConnectionInfo | undefined> {
    if (!this.registry) throw new Error('cluster node not joined');
    return this.registry.owner(id);
  }

  async close(): Promise<void> {
    this.eventRelay?.close();
    await this.relay?.close();
    await this.registry?.stop();
    this.rpc?.close();
    this.link.close();
  }
}
