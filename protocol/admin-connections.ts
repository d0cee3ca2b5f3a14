import { z } from 'zod';
import { ErrorInfoSchema } from './errors';
import { IsoTime } from './time';
import { ClientId } from './client-frames';
import { CloseReasonSchema, SendableCloseCodeSchema } from './close-codes';

/** Admin API: the live client registry, invoke and disconnect. */

export const ConnectionState = z.enum(['awaiting-login', 'logged-in', 'closing']);

/**
 * What a registry row is: a client that connected to one of our channels (`inbound`), a
 * connection this server keeps to a remote endpoint (`outgoing`), or a client routed by the
 * gateway to an upstream service (`routed`).
 */
export const ConnectionKind = z.enum(['inbound', 'outgoing', 'routed']);
export type ConnectionKind = z.infer<typeof ConnectionKind>;

export const ConnectionInfoSchema = z.object({
  connectionId: z.string(),
  kind: ConnectionKind,
  /**
   * The server process (node) that holds the socket: its nodeId. Connection IDs are unique per
   * node, so (node, connectionId) names a connection across a whole cluster.
   */
  node: z.string(),
  /** Null until the client's hello is accepted. */
  clientId: ClientId.nullable(),
  clientName: z.string().nullable(),
  channel: z.string(),
  state: ConnectionState,
  remoteAddress: z.string(),
  remotePort: z.number().int(),
  /** Reverse DNS of remoteAddress; null while unresolved or when there is no PTR record. */
  remoteFqdn: z.string().nullable(),
  /** X-Forwarded-For, only when the peer is a configured trusted proxy. */
  forwardedFor: z.string().nullable(),
  localAddress: z.string(),
  localPort: z.number().int(),
  serverName: z.string(),
  pid: z.number().int(),
  connectedAt: IsoTime,
  loggedInAt: IsoTime.nullable(),
  lastSeenAt: IsoTime,
  expiresAt: IsoTime.nullable(),
  msgsIn: z.number().int(),
  msgsOut: z.number().int(),
  bytesIn: z.number().int(),
  bytesOut: z.number().int(),
  /** Number of pub/sub subscriptions held by this connection's clientId. */
  subscriptions: z.number().int(),
});
export type ConnectionInfo = z.infer<typeof ConnectionInfoSchema>;

const intParam = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * GET /admin/v1/connections query. `clientId` matches exactly, or as a prefix when it ends with `*`.
 * `q` matches a substring of client ID, client name or remote address (case-insensitive).
 * Results are ordered by (clientId, connectionId); connections awaiting login sort first.
 */
export const ConnectionListQuerySchema = z.object({
  channel: z.string().max(64).optional(),
  clientId: z.string().min(1).max(257).optional(),
  q: z.string().min(1).max(256).optional(),
  limit: intParam(1, 5000).default(100),
  cursor: z.string().max(1024).optional(),
}).strict();
export type ConnectionListQuery = z.infer<typeof ConnectionListQuerySchema>;

export const ConnectionListSchema = z.object({
  items: z.array(ConnectionInfoSchema),
  /** Matching connections in all pages. */
  total: z.number().int(),
  nextCursor: z.string().nullable(),
});
export type ConnectionList = z.infer<typeof ConnectionListSchema>;

export const INVOKE_DEFAULT_TIMEOUT_MS = 5000;
export const INVOKE_MAX_TIMEOUT_MS = 60000;

export const InvokeRequestSchema = z.object({
  data: z.unknown(),
  timeoutMs: z.number().int().min(1).max(INVOKE_MAX_TIMEOUT_MS).default(INVOKE_DEFAULT_TIMEOUT_MS),
}).strict();
export type InvokeRequest = z.input<typeof InvokeRequestSchema>;

/**
 * 200 when the client answered (its answer may itself be ok:false). A timeout (504
 * SB_ERR_INVOKE_TIMEOUT), an unknown/gone connection (404 SB_ERR_CONNECTION_NOT_FOUND) and a
 * connection that closed while waiting (409 SB_ERR_CONNECTION_CLOSED) are errors.
 */
export const InvokeResultSchema = z.object({
  connectionId: z.string(),
  ok: z.boolean(),
  data: z.unknown().optional(),
  error: ErrorInfoSchema.optional(),
  latencyMs: z.number(),
  sentAt: IsoTime,
  respondedAt: IsoTime,
});
export type InvokeResult = z.infer<typeof InvokeResultSchema>;

/** The code and reason of an administrator's disconnect (shared by the single and bulk routes). */
export const DisconnectFields = {
  code: SendableCloseCodeSchema.default(4005),
  reason: CloseReasonSchema.default('closed by administrator'),
};
export const DisconnectRequestSchema = z.object(DisconnectFields).strict();
export type DisconnectRequest = z.input<typeof DisconnectRequestSchema>;

export const DisconnectResultSchema = z.object({
  connectionId: z.string(),
  code: z.number().int(),
  reason: z.string(),
  /** True when the peer did not finish the close handshake in time and the socket was terminated. */
  terminated: z.boolean(),
  closedAt: IsoTime,
});
export type DisconnectResult = z.infer<typeof DisconnectResultSchema>;

/**
 * POST /admin/v1/connections/disconnect: one request closes many. Exactly one selector:
 * `connectionIds`, `clientId` (every connection logged in with it) or `channel` (every connection of it).
 */
export const BulkDisconnectRequestSchema = z.object({
  connectionIds: z.array(z.string().min(1).max(128)).min(1).max(1000).optional(),
  clientId: ClientId.optional(),
  channel: z.string().min(1).max(64).optional(),
  ...DisconnectFields,
}).strict().superRefine((v, ctx) => {
  const given = (['connectionIds', 'clientId', 'channel'] as const).filter((k) => v[k] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({ code: 'custom', path: given.length > 1 ? [given[1]!] : ['connectionIds'], message: 'give exactly one of connectionIds, clientId or channel' });
  }
});
export type BulkDisconnectRequest = z.input<typeof BulkDisconnectRequestSchema>;

export const BulkDisconnectResultSchema = z.object({
  code: z.number().int(),
  reason: z.string(),
  /** How many connections the selector matched when the request arrived. */
  matched: z.number().int(),
  items: z.array(z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), connectionId: z.string(), result: DisconnectResultSchema }),
    z.object({ ok: z.literal(false), connectionId: z.string(), error: ErrorInfoSchema }),
  ])),
});
export type BulkDisconnectResult = z.infer<typeof BulkDisconnectResultSchema>;
