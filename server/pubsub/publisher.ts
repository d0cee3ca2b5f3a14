import type { PublishResult } from '../../protocol/admin-pubsub';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';
import type { PubSubStoreOp } from '../store/pubsub-store';
import type { Prepared } from './commit-queue';
import type { Delivery } from './delivery';
import { storedTopic, type TopicState } from './state';

export type PublishSource = { kind: 'admin' | 'client' | 'service'; id: string };

export interface PublishDeps {
  topics: Map<string, TopicState>;
  delivery: Delivery;
  /** Creates (in memory) a topic with default limits when autoCreateTopics is on, else undefined. */
  autoCreate(name: string): TopicState | undefined;
  onTopicCreated(t: TopicState): void;
  touchTopic(name: string): void;
}

/** Serializes the data once (stored and fanned out as is) and enforces the size limit. */
export function encodeData(data: unknown, maxMessageBytes: number): string {
  const json = JSON.stringify(data === undefined ? null : data);
  if (Buffer.byteLength(json) > maxMessageBytes) {
    throw new SbError(ErrorCode.PayloadTooLarge, `message data is larger than ${maxMessageBytes} bytes`, { field: 'data' });
  }
  return json;
}

/**
 * One publish as a commit-queue job: assigns the next log position, applies the overflow policy
 * to every subscription (drop-oldest advances and counts; reject refuses and counts) and, after
 * the commit, fans the message out from memory.
 */
export function preparePublish(deps: PublishDeps, topicName: string, data: unknown, dataJson: string): Prepared<PublishResult> {
  let t = deps.topics.get(topicName);
  let created = false;
  if (!t) {
    t = deps.autoCreate(topicName);
    if (!t) throw new SbError(ErrorCode.TopicNotFound, `topic ${topicName} does not exist`, { field: 'topic' });
    created = true;
  }
  const topic = t;
  const announce = (): void => {
    if (created) deps.onTopicCreated(topic);
    deps.touchTopic(topic.name);
  };
  if (topic.overflow === 'reject') {
    let full = 0;
    for (const s of topic.subs.values()) if (topic.head - s.acked >= topic.maxDepth) full++;
    if (full > 0) {
      topic.rejected++;
      return {
        ops: [{ kind: 'putTopic', topic: storedTopic(topic) }],
        after: () => {
          announce();
          throw new SbError(ErrorCode.TopicFull, `topic ${topic.name}: ${full} subscription(s) hold maxDepth ${topic.maxDepth} unacked messages`, {
            field: 'topic',
            details: { full },
          });
        },
      };
    }
  }
  const publishedAt = new Date().toISOString();
  const pos = ++topic.head;
  topic.published++;
  topic.lastPublishedAt = publishedAt;
  const ops: PubSubStoreOp[] = [];
  let dropped = 0;
  // A topic without subscriptions stores nothing: nobody could ever receive the message.
  if (topic.subs.size > 0) {
    ops.push({ kind: 'appendMessage', topic: topic.name, message: { pos, publishedAt, data: dataJson } });
    for (const s of topic.subs.values()) {
      const over = pos - s.acked - topic.maxDepth;
      if (over <= 0) continue;
      s.acked += over;
      s.dropped += over;
      dropped += over;
      if (s.delivered < s.acked) s.delivered = s.acked;
      ops.push({ kind: 'updateCursor', key: s.key, acked: s.acked, dropped: s.dropped });
    }
  }
  topic.dropped += dropped;
  ops.push({ kind: 'putTopic', topic: storedTopic(topic) });
  const queuedFor = topic.subs.size;
  return {
    ops,
    after: () => {
      announce();
      deps.delivery.fanOut(topic, pos, data === undefined ? null : data, dataJson, publishedAt);
      return { topic: topic.name, publishedAt, queuedFor, dropped };
    },
  };
}
