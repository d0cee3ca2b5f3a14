import type { AuditEntry } from '../../protocol/admin-audit';
import type { ClusterNodeList } from '../../protocol/admin-cluster';
import type { HealthReport } from '../../protocol/admin-health';
import type { MessageLogPage } from '../../protocol/admin-message-log';
import type { Channel, ChannelCreate, ChannelPatch, Security, SecurityCreate, SecurityPatch, ServerInfo, ServiceList } from '../../protocol/admin-config';
import type { BulkDisconnectResult, ConnectionInfo, ConnectionList, ConnectionListQuery, DisconnectResult, InvokeResult } from '../../protocol/admin-connections';
import type { PublishResult, Subscription, Topic, TopicCreate, TopicPatch } from '../../protocol/admin-pubsub';
import type { Outgoing, OutgoingCreate, OutgoingFrame, OutgoingInvokeResult, OutgoingPatch, OutgoingSendResult } from '../../protocol/admin-outgoing';
import type { EventBus } from '../event-bus';
import type { GatewayControl } from '../gateway/gateway-control';
import type { AuditInput, AuditListQuery } from '../store/config-store';

/**
 * What the admin API (server/admin/) needs from a running server. The local implementation
 * (control/local.ts) acts on this process; in cluster mode the same interface routes a command
 * to the node that owns the connection. Everything is asynchronous so either can stand behind it.
 * Methods throw SbError on purpose. Mutating methods resolve only after the change is durable
 * and in effect.
 */
export interface ServerControl {
  info(): Promise<ServerInfo>;
  /** Health now and the bounded recent history. */
  health(): Promise<HealthReport>;
  readonly events: EventBus;
  readonly audit: AuditLog;
  services(): Promise<ServiceList>;
  channels: ChannelControl;
  security: SecurityControl;
  connections: ConnectionControl;
  pubsub: PubSubControl;
  /** Outgoing WebSocket connections; absent where this mode keeps none (the admin API answers 503). */
  outgoing?: OutgoingControl;
  gateway: GatewayControl;
  /** The cluster's nodes; a standalone server lists itself. */
  clusterNodes(): Promise<ClusterNodeList>;
}

export interface AuditLog {
  append(entry: AuditInput): void;
  list(q: AuditListQuery): Promise<AuditEntry[]>;
}

export interface ChannelControl {
  list(): Promise<Channel[]>;
  get(name: string): Promise<Channel | undefined>;
  create(input: ChannelCreate): Promise<Channel>;
  update(name: string, patch: ChannelPatch): Promise<Channel>;
  remove(name: string): Promise<void>;
}

export interface SecurityControl {
  list(): Promise<Security[]>;
  get(name: string): Promise<Security | undefined>;
  create(input: SecurityCreate): Promise<Security>;
  update(name: string, patch: SecurityPatch): Promise<Security>;
  remove(name: string): Promise<void>;
}

/** Which connections a bulk disconnect closes (exactly one is set). */
export type ConnectionSelector = { connectionIds: readonly string[] } | { clientId: string } | { channel: string };

export interface ConnectionControl {
  list(query: ConnectionListQuery): Promise<ConnectionList>;
  get(connectionId: string): Promise<ConnectionInfo | undefined>;
  invoke(connectionId: string, data: unknown, timeoutMs: number): Promise<InvokeResult>;
  disconnect(connectionId: string, code: number, reason: string): Promise<DisconnectResult>;
  disconnectMany(selector: ConnectionSelector, code: number, reason: string): Promise<BulkDisconnectResult>;
  /** A page of the connection's message log; undefined for a connection neither open nor kept. */
  messages(connectionId: string, after: number, limit: number): Promise<MessageLogPage | undefined>;
}

export interface PubSubControl {
  listTopics(): Promise<Topic[]>;
  getTopic(name: string): Promise<Topic | undefined>;
  createTopic(input: TopicCreate): Promise<Topic>;
  updateTopic(name: string, patch: TopicPatch): Promise<Topic>;
  removeTopic(name: string): Promise<void>;
  publish(topic: string, data: unknown, source: { kind: 'admin' | 'client' | 'service'; id: string }): Promise<PublishResult>;
  listTopicSubscriptions(topic: string): Promise<Subscription[]>;
  /** Subscriptions of the connection's clientId, each with predatesConnection set. */
  listConnectionSubscriptions(connectionId: string): Promise<Subscription[]>;
  removeSubscription(subscriptionKey: string): Promise<void>;
  purgeSubscription(subscriptionKey: string): Promise<{ purged: number }>;
}

export interface OutgoingControl {
  list(): Promise<Outgoing[]>;
  get(name: string): Promise<Outgoing | undefined>;
  create(input: OutgoingCreate): Promise<Outgoing>;
  update(name: string, patch: OutgoingPatch): Promise<Outgoing>;
  remove(name: string): Promise<void>;
  send(name: string, data: unknown): Promise<OutgoingSendResult>;
  invoke(name: string, data: unknown, timeoutMs: number): Promise<OutgoingInvokeResult>;
  reconnect(name: string): Promise<Outgoing>;
  stop(name: string, code: number, reason: string): Promise<Outgoing>;
  start(name: string): Promise<Outgoing>;
  frames(name: string): Promise<OutgoingFrame[]>;
}
