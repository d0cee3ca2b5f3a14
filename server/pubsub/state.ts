import { matchesAnyPattern } from '../../common/patterns';
import type { Subscription, Topic } from '../../protocol/admin-pubsub';
import type { StoredSubscription, StoredTopic } from '../store/pubsub-store';

/** In-memory mirror of a stored topic plus its subscriptions (the engine's working set). */
export interface TopicState extends StoredTopic {
  subs: Map<string, SubState>;
  /** Messages at or below this position are known to be deleted from the store. */
  trimmedUpTo: number;
}

/** In-memory mirror of a stored subscription plus the volatile delivery cursor. */
export interface SubState extends StoredSubscription {
  /** Last delivered log position on the current connection (reset to acked on attach). */
  delivered: number;
  /**
   * Highest position ever sent since the server started (not reset on attach): a client may ack
   * what it received on its previous connection before the redelivery reaches it.
   */
  sent: number;
}

export function topicFromStored(t: StoredTopic): TopicState {
  return { ...t, subs: new Map(), trimmedUpTo: 0 };
}

export function storedTopic(t: TopicState): StoredTopic {
  return {
    name: t.name,
    maxDepth: t.maxDepth,
    maxAgeSeconds: t.maxAgeSeconds,
    overflow: t.overflow,
    subscriptionTtlSeconds: t.subscriptionTtlSeconds,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    head: t.head,
    published: t.published,
    dropped: t.dropped,
    rejected: t.rejected,
    lastPublishedAt: t.lastPublishedAt,
  };
}

export function storedSubscription(s: SubState): StoredSubscription {
  return { key: s.key, clientId: s.clientId, topic: s.topic, channel: s.channel, subscribedAt: s.subscribedAt, base: s.base, acked: s.acked, dropped: s.dropped, detachedAt: s.detachedAt };
}

export function toTopic(t: TopicState): Topic {
  let depth = 0;
  for (const s of t.subs.values()) depth += t.head - s.acked;
  return {
    name: t.name,
    maxDepth: t.maxDepth,
    maxAgeSeconds: t.maxAgeSeconds,
    overflow: t.overflow,
    subscriptionTtlSeconds: t.subscriptionTtlSeconds,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    subscribers: t.subs.size,
    depth,
    published: t.published,
    dropped: t.dropped,
    rejected: t.rejected,
    lastPublishedAt: t.lastPublishedAt,
  };
}

/** When `s` expires under its topic's TTL; null while its client is attached. */
export function expiresAtMs(s: SubState, ttlSeconds: number): number | null {
  return s.detachedAt === null ? null : Date.parse(s.detachedAt) + ttlSeconds * 1000;
}

export function toSubscription(s: SubState, topic: Pick<TopicState, 'head' | 'subscriptionTtlSeconds'>, connectedAt?: string): Subscription {
  const head = topic.head;
  const expires = expiresAtMs(s, topic.subscriptionTtlSeconds);
  return {
    subscriptionKey: s.key,
    topic: s.topic,
    clientId: s.clientId,
    channel: s.channel,
    subscribedAt: s.subscribedAt,
    ...(connectedAt !== undefined ? { predatesConnection: s.subscribedAt < connectedAt } : {}),
    depth: head - s.acked,
    lastSeq: head - s.base,
    lastDeliveredSeq: Math.max(s.sent, s.acked) - s.base,
    lastAckedSeq: s.acked - s.base,
    dropped: s.dropped,
    expiresAt: expires === null ? null : new Date(expires).toISOString(),
  };
}

/** Channel permission patterns: `*` matches any run of characters, everything else is literal. */
export const topicAllowed = matchesAnyPattern;

/** The frame text of one delivery; built by concatenation so a fan-out serializes the data once. */
export function messageFrameText(topicJson: string, seq: number, dataJson: string, publishedAt: string): string {
  return `{"type":"message","topic":${topicJson},"seq":${seq},"data":${dataJson},"publishedAt":"${publishedAt}"}`;
}
