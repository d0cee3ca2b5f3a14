import { z } from 'zod';
import { ErrorInfoSchema } from './errors';
import { IsoTime } from './time';
import { ClientId } from './client-frames';

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
});
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

export const DisconnectRequestSchema = z.object({
  code: z.number().int().refine((c) => c === 1000 || c === 1001 || (c >= 3000 && c <= 4999), 'code must be 1000, 1001 or 3000-4999').default(4005),
  reason: z.string().refine((r) => new TextEncoder().encode(r).length <= 123, 'reason must be at most 123 UTF-8 bytes').default('closed by administrator'),
}).strict();
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
