import type { Channel, ChannelConfig, ChannelCreate, ChannelPatch, Security, SecurityCreate, SecurityPatch, ServerInfo } from '../../protocol/admin-config';
import type { ConnectionInfo, ConnectionList, ConnectionListQuery, DisconnectResult, InvokeResult } from '../../protocol/admin-connections';
import type { PublishResult, Subscription, Topic, TopicCreate, TopicPatch } from '../../protocol/admin-pubsub';
import type { EventBus } from '../event-bus';
import type { ConfigStore } from '../store/config-store';

/**
 * What the admin API (server/admin/) needs from a running server. The runtime implements it;
 * the admin layer adds auth, validation, audit and HTTP. Methods throw SbError on purpose.
 * Mutating methods resolve only after the change is durable and in effect.
 */
export interface ServerControl {
  info(): ServerInfo;
  readonly events: EventBus;
  readonly store: ConfigStore;

  channels: {
    list(): Channel[];
    get(name: string): Channel | undefined;
    create(input: ChannelCreate | ChannelConfig): Promise<Channel>;
    update(name: string, patch: ChannelPatch): Promise<Channel>;
    remove(name: string): Promise<void>;
  };
  security: {
    list(): Security[];
    get(name: string): Security | undefined;
    create(input: SecurityCreate): Promise<Security>;
    update(name: string, patch: SecurityPatch): Promise<Security>;
    remove(name: string): Promise<void>;
  };
  connections: {
    list(query: ConnectionListQuery): ConnectionList;
    get(connectionId: string): ConnectionInfo | undefined;
    invoke(connectionId: string, data: unknown, timeoutMs: number): Promise<InvokeResult>;
    disconnect(connectionId: string, code: number, reason: string): Promise<DisconnectResult>;
  };
  pubsub: PubSubControl;
}

export interface PubSubControl {
  listTopics(): Topic[];
  getTopic(name: string): Topic | undefined;
  createTopic(input: TopicCreate): Promise<Topic>;
  updateTopic(name: string, patch: TopicPatch): Promise<Topic>;
  removeTopic(name: string): Promise<void>;
  publish(topic: string, data: unknown, source: { kind: 'admin' | 'client' | 'service'; id: string }): Promise<PublishResult>;
  listTopicSubscriptions(topic: string): Subscription[];
  /** Subscriptions of the connection's clientId, each with predatesConnection set. */
  listConnectionSubscriptions(connectionId: string): Subscription[];
  removeSubscription(subscriptionKey: string): Promise<void>;
  purgeSubscription(subscriptionKey: string): Promise<{ purged: number }>;
}
