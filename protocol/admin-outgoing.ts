import { z } from 'zod';
import { Name } from './admin-config';
import { InvokeRequestSchema, InvokeResultSchema } from './admin-connections';
import { ClientId, TopicName } from './client-frames';
import { CloseReasonSchema, SendableCloseCodeSchema } from './close-codes';
import { createShape, patchSchema } from './fields';
import { secret } from './schema-walk';
import { IsoTime } from './time';

/**
 * Admin API: outgoing WebSocket connections — connections this server keeps open to remote
 * endpoints, that services send and invoke through by name and hook services react to.
 */

/**
 * ws:// or wss:// with a host; no credentials in the URL (use `security`), no #fragment. Marked
 * secret because a query string may carry a token: the audit log shows it redacted, the store
 * seals it, and responses show the query values as ***.
 */
export const OutgoingAddress = secret(z.string().max(2048).refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'ws:' || u.protocol === 'wss:') && u.hostname !== '' && !u.username && !u.password && !u.hash;
  } catch {
    return false;
  }
}, 'expected ws://host[:port]/path or wss://… (no credentials in the URL, no #fragment)'));

/** `plain`: any WebSocket endpoint. `switchboard`: a Switchboard channel (hello, client protocol). */
export const OutgoingKind = z.enum(['plain', 'switchboard']);
export type OutgoingKind = z.infer<typeof OutgoingKind>;

/** How `data` is framed: JSON text, raw text, or binary (base64 across the admin API). */
export const OutgoingDataFormat = z.enum(['json', 'text', 'binary']);
export type OutgoingDataFormat = z.infer<typeof OutgoingDataFormat>;

const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name').max(128);
/** Header values are treated as credentials (sealed at rest, redacted in the audit log): they often are. */
const HeaderValue = secret(z.string().max(8192).refine((v) => !/[\r\n\0]/.test(v), 'header values cannot contain CR, LF or NUL'));

/**
 * Credentials. On `plain` peers they go in the upgrade request (Authorization or the API key
 * header); on `switchboard` peers in the hello (username/password, apiKey, or token for bearer).
 * Secrets are sealed at rest and never returned.
 */
export const OutgoingSecuritySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('basic'), username: z.string().min(1).max(256), password: secret(z.string().min(1).max(1024)) }).strict(),
  z.object({ type: z.literal('bearer'), token: secret(z.string().min(1).max(16384)) }).strict(),
  z.object({ type: z.literal('apikey'), header: HeaderName.default('X-API-Key'), key: secret(z.string().min(1).max(4096)) }).strict(),
]);
export type OutgoingSecurity = z.output<typeof OutgoingSecuritySchema>;

export const OutgoingTlsSchema = z.object({
  /** Trusted CA certificate(s), PEM; the system store when absent. */
  ca: z.string().min(1).max(65536).optional(),
  /** Client certificate (PEM) for mTLS; needs `key`. */
  cert: z.string().min(1).max(65536).optional(),
  /** Client key (PEM); sealed at rest, never returned. */
  key: secret(z.string().min(1).max(65536)).optional(),
  servername: z.string().min(1).max(255).optional(),
  /** Accept any server certificate. Shown in the console on the connection's row. */
  insecure: z.boolean().default(false),
}).strict().refine((t) => (t.cert === undefined) === (t.key === undefined), { message: 'a client certificate and its key go together', path: ['key'] });

export const OutgoingProxySchema = z.object({
  /** http://host:port (HTTP CONNECT). */
  url: z.string().regex(/^http:\/\/[^/\s@]+(:\d+)?\/?$/, 'expected http://host:port'),
  username: z.string().min(1).max(256).optional(),
  password: secret(z.string().min(1).max(1024)).optional(),
}).strict();

export const AutoReconnectSchema = z.object({
  enabled: z.boolean().default(true),
  /** Upper bound of the first retry's delay (full jitter: the delay is uniform in [0, bound)). */
  initialDelayMs: z.number().int().min(0).max(600_000).default(500),
  /** Cap of every delay. */
  maxDelayMs: z.number().int().min(1).max(3_600_000).default(30_000),
  /** Failed attempts in a row before the connection stops (`stopped`); 0 retries for ever. */
  maxAttempts: z.number().int().min(0).max(1_000_000).default(0),
}).strict().refine((r) => r.maxDelayMs >= r.initialDelayMs, { message: 'maxDelayMs must be at least initialDelayMs', path: ['maxDelayMs'] });

/** JSON paths (dot-separated keys) that pair an invoke's request with its reply on a `plain` peer. */
export const CorrelationSchema = z.object({
  /** Where the request carries its key; a request without it gets a generated one there. */
  requestPath: z.string().regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'dot-separated keys, e.g. id or meta.id').max(256),
  /** Where a reply carries the same key (e.g. `id`, or `inReplyTo`). */
  replyPath: z.string().regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'dot-separated keys, e.g. id or meta.inReplyTo').max(256),
}).strict();

const HookName = z.string().min(1).max(128).nullable();

/** Every field but the name, without defaults (defaults apply on create only; see fields.ts). */
export const OutgoingShape = {
  active: z.boolean(),
  address: OutgoingAddress,
  kind: OutgoingKind,
  autoReconnect: AutoReconnectSchema,
  security: OutgoingSecuritySchema,
  /** Extra upgrade request headers (names the handshake owns are refused). */
  headers: z.record(HeaderName, HeaderValue).refine((h) => Object.keys(h).length <= 50, 'at most 50 headers'),
  subprotocols: z.array(z.string().min(1).max(128)).max(20),
  tls: OutgoingTlsSchema.nullable(),
  proxy: OutgoingProxySchema.nullable(),
  /** Seconds between our pings; 0 sends none. */
  pingInterval: z.number().int().min(0).max(3600),
  /** Consecutive unanswered pings before the socket is dropped (and reconnected). */
  pingsMissedThreshold: z.number().int().min(1).max(100),
  /** The whole dial (DNS, TCP, proxy, TLS, upgrade) and, on `switchboard` peers, the wait for welcome. */
  connectTimeoutMs: z.number().int().min(1).max(600_000),
  /** Nothing received for this long drops the socket (and reconnects); 0 never. */
  idleTimeoutMs: z.number().int().min(0).max(86_400_000),
  /** Largest message either way: bigger incoming ones close the socket with 1009, bigger sends are refused. */
  maxMessageBytes: z.number().int().min(64).max(64 * 1024 * 1024),
  dataFormat: OutgoingDataFormat,
  /** Hook services (any may be null; one service may serve several). */
  onConnect: HookName,
  onMessage: HookName,
  onClose: HookName,
  /** `plain` peers: how an invoke finds its reply; null: invoke is refused (send only). */
  correlation: CorrelationSchema.nullable(),
  /** `switchboard` peers: the hello's client ID and name. */
  clientId: ClientId.nullable(),
  clientName: z.string().max(256).nullable(),
  /** `switchboard` peers: topics subscribed after every login. */
  topics: z.array(TopicName).max(100),
  /** Sends held while connecting or in backoff; one more is refused with SB_ERR_OUTGOING_QUEUE_FULL. */
  sendQueueMax: z.number().int().min(0).max(100_000),
  /** Invokes waiting for a reply; one more is refused with SB_ERR_OUTGOING_BUSY. */
  maxPendingInvokes: z.number().int().min(1).max(100_000),
  /** Frames kept in the recent-frames ring (each as its size and a preview of at most 1 KiB). */
  recentFrames: z.number().int().min(0).max(1000),
};

export const OUTGOING_DEFAULTS = {
  active: true,
  kind: 'plain',
  autoReconnect: { enabled: true, initialDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 0 },
  security: { type: 'none' },
  headers: {},
  subprotocols: [],
  tls: null,
  proxy: null,
  pingInterval: 30,
  pingsMissedThreshold: 2,
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 0,
  maxMessageBytes: 1024 * 1024,
  dataFormat: 'json',
  onConnect: null,
  onMessage: null,
  onClose: null,
  correlation: null,
  clientId: null,
  clientName: null,
  topics: [],
  sendQueueMax: 100,
  maxPendingInvokes: 1000,
  recentFrames: 50,
} as const satisfies { [K in keyof typeof OutgoingShape]?: z.output<(typeof OutgoingShape)[K]> };

export const OutgoingCreateSchema = z.object({ name: Name, ...createShape(OutgoingShape, OUTGOING_DEFAULTS) }).strict();
export type OutgoingCreate = z.input<typeof OutgoingCreateSchema>;
export type OutgoingConfig = z.output<typeof OutgoingCreateSchema>;

/** PATCH: exactly the fields sent change; a nested object (security, tls, proxy, autoReconnect) is replaced whole. */
export const OutgoingPatchSchema = patchSchema(OutgoingShape);
export type OutgoingPatch = z.infer<typeof OutgoingPatchSchema>;

/** Rules that need the whole definition (after a patch is applied too). */
export function outgoingConfigProblem(c: OutgoingConfig): { field: string; message: string } | null {
  if (c.kind === 'switchboard' && !c.clientId) return { field: 'clientId', message: 'a switchboard peer needs the clientId its hello sends' };
  if (c.tls && !c.address.startsWith('wss:')) return { field: 'tls', message: 'TLS options need a wss:// address' };
  if (c.kind === 'switchboard' && c.dataFormat !== 'json') return { field: 'dataFormat', message: 'a switchboard peer speaks JSON' };
  if (c.kind === 'switchboard' && c.security.type === 'apikey' && c.security.header !== 'X-API-Key') return { field: 'security.header', message: 'a switchboard peer takes its API key in the hello, not a header' };
  if (c.topics.length > 0 && c.kind !== 'switchboard') return { field: 'topics', message: 'topics are subscribed on switchboard peers only' };
  return null;
}

export const OutgoingState = z.enum(['idle', 'connecting', 'open', 'closing', 'backoff', 'stopped']);
export type OutgoingState = z.infer<typeof OutgoingState>;

/** What a definition shows of its secrets: that they are set, never their values. */
export const OutgoingPublicSecurity = z.object({
  type: z.enum(['none', 'basic', 'bearer', 'apikey']),
  username: z.string().optional(),
  header: z.string().optional(),
  hasSecret: z.boolean(),
});

export const OutgoingStatusSchema = z.object({
  state: OutgoingState,
  /** Why the last move happened (e.g. "peer closed 1001 going away", "retry 3 in 1200 ms"). */
  reason: z.string(),
  since: IsoTime,
  /** Failed attempts in a row (reset by a successful open). */
  attempts: z.number().int(),
  /** When the next attempt is due, while in backoff. */
  nextAttemptAt: IsoTime.nullable(),
  /** The last dial or protocol failure: a DIAL_* code (docs/codes.md) or an SB_ERR_* code. */
  lastError: z.object({ code: z.string(), message: z.string(), at: IsoTime }).nullable(),
  /** The last close of an open socket: its code and reason, and who closed it. */
  lastClose: z.object({ code: z.number().int(), reason: z.string(), initiator: z.enum(['local', 'peer', 'none']), at: IsoTime }).nullable(),
  connectedSince: IsoTime.nullable(),
  /** Round trip of the last answered ping, ms. */
  rttMs: z.number().nullable(),
  framesIn: z.number().int(),
  framesOut: z.number().int(),
  bytesIn: z.number().int(),
  bytesOut: z.number().int(),
  /** Sends waiting for the socket to open. */
  queued: z.number().int(),
  /** Invokes waiting for a reply. */
  pending: z.number().int(),
  /** The subprotocol the peer chose ('' when none). */
  protocol: z.string(),
});
export type OutgoingStatus = z.infer<typeof OutgoingStatusSchema>;

export const OutgoingSchema = z.object({
  name: Name,
  active: z.boolean(),
  address: z.string(),
  kind: OutgoingKind,
  autoReconnect: z.object({ enabled: z.boolean(), initialDelayMs: z.number(), maxDelayMs: z.number(), maxAttempts: z.number() }),
  security: OutgoingPublicSecurity,
  /** Header names only: values may be credentials. */
  headerNames: z.array(z.string()),
  subprotocols: z.array(z.string()),
  tls: z.object({ hasCa: z.boolean(), hasClientCert: z.boolean(), servername: z.string().optional(), insecure: z.boolean() }).nullable(),
  proxy: z.object({ url: z.string(), username: z.string().optional(), hasPassword: z.boolean() }).nullable(),
  pingInterval: z.number().int(),
  pingsMissedThreshold: z.number().int(),
  connectTimeoutMs: z.number().int(),
  idleTimeoutMs: z.number().int(),
  maxMessageBytes: z.number().int(),
  dataFormat: OutgoingDataFormat,
  onConnect: z.string().nullable(),
  onMessage: z.string().nullable(),
  onClose: z.string().nullable(),
  correlation: z.object({ requestPath: z.string(), replyPath: z.string() }).nullable(),
  clientId: z.string().nullable(),
  clientName: z.string().nullable(),
  topics: z.array(z.string()),
  sendQueueMax: z.number().int(),
  maxPendingInvokes: z.number().int(),
  recentFrames: z.number().int(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  /** The server process that holds the socket. */
  node: z.string(),
  status: OutgoingStatusSchema,
});
export type Outgoing = z.infer<typeof OutgoingSchema>;
export const OutgoingListSchema = z.object({ items: z.array(OutgoingSchema) });
export type OutgoingList = z.infer<typeof OutgoingListSchema>;

/** `data` per the connection's dataFormat: any JSON value, a string, or base64 for binary. */
export const OutgoingSendSchema = z.object({ data: z.unknown() }).strict();
export const OutgoingSendResultSchema = z.object({
  /** True when the socket was closed and the frame waits in the send queue. */
  queued: z.boolean(),
  bytes: z.number().int(),
});
export type OutgoingSendResult = z.infer<typeof OutgoingSendResultSchema>;

/** An invoke through an outgoing connection takes a connection invoke's body: data, timeoutMs (its default and bound). */
export const OutgoingInvokeSchema = InvokeRequestSchema;
export type OutgoingInvokeRequest = z.input<typeof OutgoingInvokeSchema>;
/**
 * A connection invoke's result, named by the outgoing connection. `ok`: switchboard peers, the
 * response's ok; plain peers, true (the reply arrived).
 */
export const OutgoingInvokeResultSchema = InvokeResultSchema.omit({ connectionId: true }).extend({ name: z.string() });
export type OutgoingInvokeResult = z.infer<typeof OutgoingInvokeResultSchema>;

/** Stop: close the socket (code/reason sent to the peer) and retry no more until start or reconnect. */
export const OutgoingStopSchema = z.object({
  code: SendableCloseCodeSchema.default(1000),
  reason: CloseReasonSchema.default('stopped by administrator'),
}).strict();
export type OutgoingStopRequest = z.input<typeof OutgoingStopSchema>;

export const OutgoingFrameSchema = z.object({
  dir: z.enum(['in', 'out']),
  at: IsoTime,
  /** Frame size in bytes. */
  size: z.number().int(),
  binary: z.boolean(),
  /** The first 1 KiB as text (binary frames: base64 of the first 768 bytes). */
  preview: z.string(),
  truncated: z.boolean(),
});
export type OutgoingFrame = z.infer<typeof OutgoingFrameSchema>;
export const OutgoingFrameListSchema = z.object({ items: z.array(OutgoingFrameSchema) });
