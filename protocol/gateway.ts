import { z } from 'zod';
import { Name } from './admin-config';
import { CloseReasonSchema, SendableCloseCodeSchema } from './close-codes';
import { createShape, patchSchema } from './fields';
import { secret } from './schema-walk';
import { IsoTime } from './time';

/**
 * The WebSocket gateway: routes map a listener path prefix to upstream services. The gateway is a
 * WebSocket server to the client and a WebSocket client to the service; it dials the upstream
 * before it answers the client's upgrade, so a refused upstream is an HTTP error, not a close code.
 */

/** ws://host:port with no path (the route's `path` is the prefix); port 0 binds a free one (tests). */
export const GatewayListen = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'ws:' && u.port !== '' && (u.pathname === '/' || u.pathname === '') && u.search === '' && u.hash === '' && !u.username;
  } catch {
    return false;
  }
}, 'expected ws://host:port (the path prefix goes in `path`)');

/** `/orders/ws/v1`: starts with /, no query or fragment, no trailing slash (except `/` itself). */
export const GatewayPath = z.string().max(512).regex(/^\/(?:[A-Za-z0-9._~!$&'()*+,;=:@%-]+(?:\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*)?$/, 'expected a path prefix such as /orders/ws/v1 (no query, no trailing /)');

/** ws:// or wss:// upstream base URL; the rest of the client's path and its query are appended. */
export const UpstreamUrl = z.string().max(2048).refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'ws:' || u.protocol === 'wss:') && u.search === '' && u.hash === '' && !u.username && !u.password;
  } catch {
    return false;
  }
}, 'expected ws://host[:port][/path] or wss://… (no query, fragment or credentials)');

const Subprotocol = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'a subprotocol is an HTTP token');
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'not a valid HTTP header name');
const Pem = z.string().min(1).max(65_536);

/** TLS towards wss:// upstreams. `insecure` accepts any certificate and is shown on the route. */
export const UpstreamTlsSchema = z.object({
  ca: Pem.optional(),
  cert: Pem.optional(),
  key: secret(Pem).optional(),
  insecure: z.boolean().default(false),
}).strict().refine((t) => (t.cert === undefined) === (t.key === undefined), { message: 'cert and key go together (mTLS)', path: ['key'] });

export const GatewayMode = z.enum(['frames', 'raw']);
export type GatewayMode = z.infer<typeof GatewayMode>;
export const BalancePolicy = z.enum(['round-robin', 'least-sessions']);

export const GatewayRouteShape = {
  active: z.boolean(),
  /** The listener; may be a channel's host:port (upgrades are routed by path). */
  listen: GatewayListen,
  /** Path prefix; the rest of the client's path and its query are appended to the upstream URL. */
  path: GatewayPath,
  /** Static upstream instances (dynamic ones register through the admin API). */
  upstreams: z.array(UpstreamUrl).max(64),
  balance: BalancePolicy,
  /** Offered subprotocols allowed through; a client offering none of them gets 400. Empty: no subprotocol (and clients offering one are refused). */
  subprotocols: z.array(Subprotocol).max(32),
  /** End-to-end request headers never passed to the upstream (case-insensitive); hop-by-hop ones never pass anyway. */
  denyHeaders: z.array(HeaderName).max(64),
  /** No frame either way for this long closes both legs with 4030. */
  idleTimeoutMs: z.number().int().min(1000).max(7 * 86_400_000),
  /** The upstream dial (TCP, TLS, upgrade) must finish within this, or the client gets 504. */
  connectTimeoutMs: z.number().int().min(100).max(600_000),
  /** Largest message either way (frames mode); bigger closes the sending side with 1009. */
  maxMessageBytes: z.number().int().min(64).max(64 * 1024 * 1024),
  /** frames: parse frames (counts, size limit); raw: pipe bytes after both handshakes (byte counts only). */
  mode: GatewayMode,
  /** A leg whose send buffer holds more than this pauses reading the other leg until it drains. */
  maxBufferedBytes: z.number().int().min(1024).max(256 * 1024 * 1024),
  /** Consecutive failed dials after which an instance is skipped for `coolDownMs`. */
  failThreshold: z.number().int().min(1).max(1000),
  coolDownMs: z.number().int().min(100).max(3_600_000),
  tls: UpstreamTlsSchema.nullable(),
};

export const GATEWAY_ROUTE_DEFAULTS = {
  active: true,
  upstreams: [],
  balance: 'round-robin',
  subprotocols: ['v12.stomp', 'v11.stomp'],
  denyHeaders: [],
  idleTimeoutMs: 3_600_000,
  connectTimeoutMs: 45_000,
  maxMessageBytes: 1024 * 1024,
  mode: 'frames',
  maxBufferedBytes: 1024 * 1024,
  failThreshold: 3,
  coolDownMs: 30_000,
  tls: null,
} as const satisfies { [K in keyof typeof GatewayRouteShape]?: z.output<(typeof GatewayRouteShape)[K]> };

export const GatewayRouteCreateSchema = z.object({ name: Name, ...createShape(GatewayRouteShape, GATEWAY_ROUTE_DEFAULTS) }).strict();
export type GatewayRouteCreate = z.input<typeof GatewayRouteCreateSchema>;
export type GatewayRouteConfig = z.output<typeof GatewayRouteCreateSchema>;

export const GatewayRoutePatchSchema = patchSchema(GatewayRouteShape);
export type GatewayRoutePatch = z.infer<typeof GatewayRoutePatchSchema>;

export const InstanceHealth = z.enum(['healthy', 'cooling-down']);

export const GatewayInstanceSchema = z.object({
  url: z.string(),
  /** static: from the route; dynamic: registered, gone at expiresAt unless renewed. */
  source: z.enum(['static', 'dynamic']),
  expiresAt: IsoTime.nullable(),
  health: InstanceHealth,
  /** Consecutive failed dials. */
  failures: z.number().int(),
  coolDownUntil: IsoTime.nullable(),
  sessions: z.number().int(),
  sessionsTotal: z.number().int(),
  dialFailuresTotal: z.number().int(),
});
export type GatewayInstance = z.infer<typeof GatewayInstanceSchema>;

/** The public view of upstream TLS: the private key is never returned, only whether one is set. */
export const UpstreamTlsPublicSchema = z.object({ ca: z.string().optional(), cert: z.string().optional(), hasKey: z.boolean(), insecure: z.boolean() });

export const GatewayRouteSchema = z.object({ name: Name, ...GatewayRouteShape, tls: UpstreamTlsPublicSchema.nullable() }).extend({
  createdAt: IsoTime,
  updatedAt: IsoTime,
  listening: z.boolean(),
  boundPort: z.number().int().nullable(),
  sessions: z.number().int(),
  sessionsTotal: z.number().int(),
  /** Upgrades answered with an HTTP error, by status. */
  refusedTotal: z.record(z.string(), z.number().int()),
  instances: z.array(GatewayInstanceSchema),
});
export type GatewayRoute = z.infer<typeof GatewayRouteSchema>;
export const GatewayRouteListSchema = z.object({ items: z.array(GatewayRouteSchema) });

/** Body of POST /gateway/routes/{name}/instances: an upstream announcing itself; renew before ttl runs out. */
export const InstanceRegisterSchema = z.object({
  url: UpstreamUrl,
  ttlSeconds: z.number().int().min(1).max(86_400).default(30),
}).strict();
export type InstanceRegister = z.input<typeof InstanceRegisterSchema>;

export const LegState = z.enum(['connecting', 'open', 'closing', 'closed']);
export type LegState = z.infer<typeof LegState>;

export const GatewayLegSchema = z.object({
  state: LegState,
  /** Messages received on this leg (raw mode counts them by following frame headers). */
  framesIn: z.number().int(),
  bytesIn: z.number().int(),
  /** Bytes waiting in this leg's send buffer. */
  bufferedBytes: z.number().int(),
  /** True while reading this leg is paused because the other leg's buffer is over maxBufferedBytes. */
  paused: z.boolean(),
  closeCode: z.number().int().nullable(),
  closeReason: z.string().nullable(),
});

export const GatewaySessionState = z.enum(['dialing', 'open', 'closing', 'closed']);

export const GatewaySessionSchema = z.object({
  id: z.string(),
  node: z.string(),
  route: z.string(),
  mode: GatewayMode,
  clientAddress: z.string(),
  clientPort: z.number().int(),
  /** X-Forwarded-For, only when the peer is a trusted proxy. */
  forwardedFor: z.string().nullable(),
  /** The path the client asked for (its query is left out: it may hold secrets). */
  path: z.string(),
  /** The upstream URL dialled (query left out: it may hold secrets). */
  upstreamUrl: z.string(),
  instance: z.string(),
  subprotocol: z.string(),
  openedAt: IsoTime,
  lastActivityAt: IsoTime,
  state: GatewaySessionState,
  client: GatewayLegSchema,
  upstream: GatewayLegSchema,
});
export type GatewaySession = z.infer<typeof GatewaySessionSchema>;

export const GatewaySessionQuerySchema = z.object({
  route: z.string().max(64).optional(),
  clientAddress: z.string().max(64).optional(),
  /** Instance URL, exactly. */
  upstream: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
}).strict();
export type GatewaySessionQuery = z.infer<typeof GatewaySessionQuerySchema>;

export const GatewaySessionListSchema = z.object({ items: z.array(GatewaySessionSchema), total: z.number().int() });
export type GatewaySessionList = z.infer<typeof GatewaySessionListSchema>;

/** Disconnect: the code and reason both sides receive. */
export const GatewayDisconnectSchema = z.object({
  code: SendableCloseCodeSchema.default(4005),
  reason: CloseReasonSchema.default('closed by an administrator'),
}).strict();
export type GatewayDisconnect = z.input<typeof GatewayDisconnectSchema>;

export const GatewayDisconnectResultSchema = z.object({ closed: z.number().int() });
