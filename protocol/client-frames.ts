import { z } from 'zod';
import { ErrorInfoSchema } from './errors';
import { secret } from './schema-walk';
import { IsoTime } from './time';

/**
 * The client protocol: JSON text frames, each with a `type`. See docs/protocol.md.
 * Client → server frames are parsed with ClientFrameSchema where they enter the server;
 * server → client frames with ServerFrameSchema where they enter the client library.
 */

export const ClientId = z.string().min(1).max(256);
export const RequestId = z.union([z.string().min(1).max(128), z.number().int()]);
export const TopicName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/, 'topic names are 1-200 chars of letters, digits and . _ : / -');

export const HelloFrame = z.object({
  type: z.literal('hello'),
  clientId: ClientId,
  clientName: z.string().max(256).optional(),
  /** basic security */
  username: z.string().max(256).optional(),
  password: secret(z.string().max(1024)).optional(),
  /** apikey security */
  apiKey: secret(z.string().max(4096)).optional(),
  /** jwt security */
  token: secret(z.string().max(16384)).optional(),
}).strict();

export const ClientRequestFrame = z.object({ type: z.literal('request'), id: RequestId, data: z.unknown() }).strict();

/** A client's answer to a server request (an admin invoke). `ok` defaults to true. */
export const ClientResponseFrame = z.object({
  type: z.literal('response'),
  inReplyTo: RequestId,
  ok: z.boolean().optional(),
  data: z.unknown().optional(),
  error: ErrorInfoSchema.strict().optional(),
}).strict();

export const SubscribeFrame = z.object({ type: z.literal('subscribe'), id: RequestId, topic: TopicName }).strict();
export const UnsubscribeFrame = z.object({ type: z.literal('unsubscribe'), id: RequestId, topic: TopicName }).strict();
export const PublishFrame = z.object({ type: z.literal('publish'), id: RequestId, topic: TopicName, data: z.unknown() }).strict();
/** Cumulative acknowledgement: every message of `topic` with seq <= `seq` is acknowledged. */
export const AckFrame = z.object({ type: z.literal('ack'), topic: TopicName, seq: z.number().int().nonnegative() }).strict();

export const ClientFrameSchema = z.discriminatedUnion('type', [
  HelloFrame,
  ClientRequestFrame,
  ClientResponseFrame,
  SubscribeFrame,
  UnsubscribeFrame,
  PublishFrame,
  AckFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type HelloFrame = z.infer<typeof HelloFrame>;

export const WelcomeFrame = z.object({
  type: z.literal('welcome'),
  connectionId: z.string(),
  clientId: ClientId,
  serverName: z.string(),
  /** When the session expires unless the client sends something (each frame or pong extends it). */
  expiresAt: IsoTime,
});

export const ServerResponseFrame = z.object({
  type: z.literal('response'),
  inReplyTo: RequestId,
  ok: z.boolean(),
  data: z.unknown().optional(),
  error: ErrorInfoSchema.optional(),
});

/** A server → client request (an admin invoke). The client answers with a `response`. */
export const ServerRequestFrame = z.object({ type: z.literal('request'), id: RequestId, data: z.unknown() });

/** A pub/sub delivery. `seq` is per subscription (clientId, topic) and strictly increasing. */
export const MessageFrame = z.object({
  type: z.literal('message'),
  topic: TopicName,
  seq: z.number().int().positive(),
  data: z.unknown(),
  publishedAt: IsoTime,
});

/** A protocol-level problem that does not close the connection (e.g. an ack for an unknown topic). */
export const ErrorFrame = z.object({ type: z.literal('error'), error: ErrorInfoSchema, inReplyTo: RequestId.optional() });

export const ServerFrameSchema = z.discriminatedUnion('type', [
  WelcomeFrame,
  ServerResponseFrame,
  ServerRequestFrame,
  MessageFrame,
  ErrorFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;
export type MessageFrame = z.infer<typeof MessageFrame>;
