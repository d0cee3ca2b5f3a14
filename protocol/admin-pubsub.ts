import { z } from 'zod';
import { createShape, patchSchema } from './fields';
import { IsoTime } from './time';
import { ClientId, TopicName } from './client-frames';

/** Admin API: topics and subscriptions. */

export const OverflowPolicy = z.enum(['drop-oldest', 'reject']);

/** Every topic field but its name, without defaults (defaults apply on create only). */
export const TopicShape = {
  /** Max queued (unacked) messages per subscription. */
  maxDepth: z.number().int().min(1).max(10_000_000),
  /** Messages older than this many seconds are dropped from queues (counted as dropped). */
  maxAgeSeconds: z.number().int().min(1).max(365 * 86400),
  /** What happens when a subscription's queue is full. */
  overflow: OverflowPolicy,
  /**
   * A durable subscription whose client has not been attached for this many seconds is deleted
   * (subscription.deleted, reason `expired`), so clients that never come back stop pinning messages.
   */
  subscriptionTtlSeconds: z.number().int().min(1).max(365 * 86400),
};
export const TOPIC_DEFAULTS = { maxDepth: 100_000, maxAgeSeconds: 7 * 86400, overflow: 'drop-oldest', subscriptionTtlSeconds: 7 * 86400 } as const;
export const TopicCreateSchema = z.object({ name: TopicName, ...createShape(TopicShape, TOPIC_DEFAULTS) }).strict();
export type TopicCreate = z.input<typeof TopicCreateSchema>;
export const TopicPatchSchema = patchSchema(TopicShape);
export type TopicPatch = z.infer<typeof TopicPatchSchema>;

export const TopicSchema = z.object({ name: TopicName, ...TopicShape }).extend({
  createdAt: IsoTime,
  updatedAt: IsoTime,
  subscribers: z.number().int(),
  /** Sum of queue depths over all subscriptions. */
  depth: z.number().int(),
  published: z.number().int(),
  /** Messages dropped by drop-oldest or age limits, over all subscriptions. */
  dropped: z.number().int(),
  /** Publishes refused by the reject policy. */
  rejected: z.number().int(),
  lastPublishedAt: IsoTime.nullable(),
});
export type Topic = z.infer<typeof TopicSchema>;
/** GET /admin/v1/topics */
export const TopicListSchema = z.object({ items: z.array(TopicSchema) });
export type TopicList = z.infer<typeof TopicListSchema>;

export const PublishRequestSchema = z.object({ data: z.unknown() }).strict();
export const PublishResultSchema = z.object({
  topic: TopicName,
  publishedAt: IsoTime,
  /** Subscriptions the message was queued for. */
  queuedFor: z.number().int(),
  /** Older messages dropped to make room (drop-oldest). */
  dropped: z.number().int(),
});
export type PublishResult = z.infer<typeof PublishResultSchema>;

export const SubscriptionSchema = z.object({
  subscriptionKey: z.string(),
  topic: TopicName,
  clientId: ClientId,
  /** Channel the subscription was made through. */
  channel: z.string(),
  subscribedAt: IsoTime,
  /** Only on per-connection listings: subscribedAt is earlier than that connection's connectedAt. */
  predatesConnection: z.boolean().optional(),
  depth: z.number().int(),
  lastSeq: z.number().int(),
  lastDeliveredSeq: z.number().int(),
  lastAckedSeq: z.number().int(),
  dropped: z.number().int(),
  /** When the subscription expires (its client detached + the topic's subscriptionTtlSeconds); null while the client is attached. */
  expiresAt: IsoTime.nullable(),
});
export type Subscription = z.infer<typeof SubscriptionSchema>;
export const SubscriptionListSchema = z.object({ items: z.array(SubscriptionSchema) });
/** POST /admin/v1/subscriptions/{key}/purge */
export const PurgeResultSchema = z.object({ purged: z.number().int() });
export type PurgeResult = z.infer<typeof PurgeResultSchema>;

/** Why a subscription was deleted (the subscription.deleted event). */
export const SubscriptionDeletedReason = z.enum(['unsubscribed', 'removed', 'topic-deleted', 'expired']);
export type SubscriptionDeletedReason = z.infer<typeof SubscriptionDeletedReason>;
