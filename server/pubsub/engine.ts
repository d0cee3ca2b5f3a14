import type { z } from 'zod';
import type { AckFrame, PublishFrame, SubscribeFrame, UnsubscribeFrame } from '../../protocol/client-frames';
import type { PublishResult, Subscription, Topic, TopicCreate, TopicPatch } from '../../protocol/admin-pubsub';
import { ErrorCode } from '../../protocol/errors';
import type { PubSubControl } from '../control';
import { SbError } from '../errors';
import type { EventBus } from '../event-bus';
import type { Db } from '../store/db';
import type { PubSubConfig } from './options';
import type { PubSubSession } from './session-port';

export type PubSubFrame = z.infer<typeof SubscribeFrame> | z.infer<typeof UnsubscribeFrame> | z.infer<typeof PublishFrame> | z.infer<typeof AckFrame>;

export interface PubSubEngineOptions {
  db: Db;
  events: EventBus;
  config: PubSubConfig;
  lookupConnection(connectionId: string): { clientId: string | null; connectedAt: string } | undefined;
}

/** SKELETON — real implementation follows. */
export class PubSubEngine implements PubSubControl {
  constructor(private readonly opts: PubSubEngineOptions) {}

  attach(_session: PubSubSession): void {}
  detach(_connectionId: string): void {}
  async handleFrame(_session: PubSubSession, _frame: PubSubFrame): Promise<void> {}
  subscriptionCount(_clientId: string): number {
    return 0;
  }
  async publishFromService(topic: string, data: unknown, connectionId: string): Promise<PublishResult> {
    return this.publish(topic, data, { kind: 'service', id: connectionId });
  }
  close(): void {}

  listTopics(): Topic[] {
    return [];
  }
  getTopic(_name: string): Topic | undefined {
    return undefined;
  }
  async createTopic(_input: TopicCreate): Promise<Topic> {
    throw new SbError(ErrorCode.Unavailable, 'pub/sub not implemented yet');
  }
  async updateTopic(_name: string, _patch: TopicPatch): Promise<Topic> {
    throw new SbError(ErrorCode.Unavailable, 'pub/sub not implemented yet');
  }
  async removeTopic(_name: string): Promise<void> {
    throw new SbError(ErrorCode.Unavailable, 'pub/sub not implemented yet');
  }
  async publish(_topic: string, _data: unknown, _source: { kind: 'admin' | 'client' | 'service'; id: string }): Promise<PublishResult> {
    throw new SbError(ErrorCode.Unavailable, 'pub/sub not implemented yet');
  }
  listTopicSubscriptions(_topic: string): Subscription[] {
    return [];
  }
  listConnectionSubscriptions(_connectionId: string): Subscription[] {
    return [];
  }
  async removeSubscription(_subscriptionKey: string): Promise<void> {
    throw new SbError(ErrorCode.Unavailable, 'pub/sub not implemented yet');
  }
  async purgeSubscription(_subscriptionKey: string): Promise<{ purged: number }> {
    throw new SbError(ErrorCode.Unavailable, 'pub/sub not implemented yet');
  }
}
