import { z } from 'zod';
import { TopicCreateSchema } from '../../protocol/admin-pubsub';

/**
 * Delivery flow control. Each subscription has at most `windowPerSubscription` messages delivered
 * but not yet acked; a session stops pushing while its socket holds more unsent bytes than its
 * channel's `maxBufferedBytes` (the connection's send budget, checked after every message) and
 * resumes when the socket drains. Together they bound memory per session no matter how large the
 * backlog is.
 */
export const DeliveryOptionsSchema = z
  .object({
    /** Max delivered-but-unacked messages per subscription. */
    windowPerSubscription: z.number().int().min(1).max(100_000).default(1000),
    /** Max messages read from the store per batch when refilling a window. */
    batchSize: z.number().int().min(1).max(10_000).default(500),
    /** How often a paused session whose socket cannot report 'drain' is checked again. */
    resumeCheckMs: z.number().int().min(1).max(60_000).default(20),
  })
  .strict();

export const PubSubConfigSchema = z
  .object({
    /** Create a topic with default limits on its first publish or subscribe instead of failing with TopicNotFound. */
    autoCreateTopics: z.boolean().default(false),
    /** Topics created on first start (the store wins afterwards). */
    topics: z.array(TopicCreateSchema).default([]),
    delivery: DeliveryOptionsSchema.default(DeliveryOptionsSchema.parse({})),
    /** How often aged-out messages (maxAgeSeconds) are expired and fully acked messages deleted. */
    sweepIntervalMs: z.number().int().min(100).max(3_600_000).default(10_000),
    /**
     * Acks are kept in memory and written in batches at most this often (losing an ack to a crash
     * only causes a redelivery, which at-least-once allows; publishes are always written at once).
     */
    ackFlushMs: z.number().int().min(1).max(60_000).default(100),
    /** topic.changed events caused by publishes/acks are coalesced per topic within this window. */
    topicEventMs: z.number().int().min(1).max(60_000).default(250),
    /** Max JSON size of one published message's data. */
    maxMessageBytes: z.number().int().min(16).max(64 * 1024 * 1024).default(1024 * 1024),
  })
  .strict();

export type PubSubConfigInput = z.input<typeof PubSubConfigSchema>;
export type PubSubConfig = z.infer<typeof PubSubConfigSchema>;
export type DeliveryOptions = z.infer<typeof DeliveryOptionsSchema>;
