import { z } from 'zod';
import { IsoTime } from './time';
import { ConnectionInfoSchema } from './admin-connections';
import { ChannelSchema, ServerInfoSchema } from './admin-config';
import { SubscriptionDeletedReason, SubscriptionSchema, TopicSchema } from './admin-pubsub';
import { OutgoingSchema } from './admin-outgoing';
import { GatewaySessionSchema } from './gateway';

/**
 * GET /admin/v1/events (WebSocket). After the upgrade the server sends one `ready` frame, then
 * `events` frames, each a batch of AdminEvents (flushed at most every eventBatchMs). Events carry
 * a per-server increasing `seq`. connection.updated is coalesced per connection within a batch.
 */
const base = { seq: z.number().int(), at: IsoTime };

export const AdminEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('connection.opened'), connection: ConnectionInfoSchema }),
  z.object({ ...base, type: z.literal('connection.updated'), connection: ConnectionInfoSchema }),
  z.object({
    ...base,
    type: z.literal('connection.closed'),
    connectionId: z.string(),
    clientId: z.string().nullable(),
    channel: z.string(),
    code: z.number().int(),
    reason: z.string(),
    /**
     * Who started the close: the server (incl. admin), the client, or nobody (socket dropped);
     * `node-lost`: cluster mode, the owning node stopped heartbeating and its rows were removed.
     */
    initiator: z.enum(['server', 'client', 'none', 'node-lost']),
  }),
  z.object({ ...base, type: z.literal('channel.changed'), name: z.string(), channel: ChannelSchema.nullable() }),
  z.object({ ...base, type: z.literal('security.changed'), name: z.string() }),
  z.object({ ...base, type: z.literal('topic.changed'), name: z.string(), topic: TopicSchema.nullable() }),
  z.object({ ...base, type: z.literal('subscription.created'), subscription: SubscriptionSchema }),
  /** A routed session whose both legs are open (not sent for upgrades refused with an HTTP error). */
  z.object({ ...base, type: z.literal('gateway.session.opened'), session: GatewaySessionSchema }),
  /** Both legs closed; each leg's close code and reason as it got them (null: its connection was lost). */
  z.object({
    ...base,
    type: z.literal('gateway.session.closed'),
    id: z.string(),
    route: z.string(),
    client: z.object({ code: z.number().int().nullable(), reason: z.string().nullable() }),
    upstream: z.object({ code: z.number().int().nullable(), reason: z.string().nullable() }),
  }),
  z.object({
    ...base,
    type: z.literal('subscription.deleted'),
    subscriptionKey: z.string(),
    clientId: z.string(),
    topic: z.string(),
    /** unsubscribed by the client, removed by an administrator, its topic deleted, or expired (subscriptionTtlSeconds). */
    reason: SubscriptionDeletedReason,
  }),
  /** An outgoing connection moved (state, reason) or its counters changed (at most every statsIntervalMs); null: deleted. */
  z.object({ ...base, type: z.literal('outgoing.updated'), name: z.string(), outgoing: OutgoingSchema.nullable() }),
]);
export type AdminEvent = z.infer<typeof AdminEventSchema>;
export type AdminEventType = AdminEvent['type'];

export const AdminEventFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), server: ServerInfoSchema, seq: z.number().int() }),
  z.object({ type: z.literal('events'), events: z.array(AdminEventSchema) }),
]);
export type AdminEventFrame = z.infer<typeof AdminEventFrameSchema>;
