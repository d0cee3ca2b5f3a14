import { z } from 'zod';
import { createShape, patchSchema } from './fields';
import { secret } from './schema-walk';
import { IsoTime } from './time';

/** Admin API: server info, channels and security definitions (under /admin/v1). */

export const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'names are 1-64 chars of letters, digits and . _ -');

/** ws://host:port/path — host may be an IP or a name; port is required (0 is allowed in tests). */
export const ChannelAddress = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'ws:' && u.port !== '' && u.search === '' && u.hash === '' && /^ws:\/\/[^/]+:\d+\//.test(s + '/');
  } catch {
    return false;
  }
}, 'expected ws://host:port/path');

/** A topic permission pattern: exact name, `prefix.*`-style with `*` wildcards, or `*` for all. */
export const TopicPattern = z.string().min(1).max(200);

/** A client ID pattern (the same `*` language as topic patterns): exact ID, `till-*`, or `*` for any. */
export const ClientIdPattern = z.string().min(1).max(256);

/** What happens when a client ID that is already logged in (on any channel) logs in again. */
export const DuplicateLoginPolicy = z.enum(['reject', 'replace']);

/** Every channel field but its name, without defaults (see fields.ts: defaults apply on create only). */
export const ChannelShape = {
  active: z.boolean(),
  address: ChannelAddress,
  /** Service invoked for each client request. */
  service: z.string().min(1).max(128),
  /** Security definition name, or null for none. */
  security: Name.nullable(),
  /** Seconds a client has to send a valid hello after the WebSocket opens. */
  newTokenWaitTime: z.number().int().min(1).max(3600),
  /** Seconds of silence after which the session expires; every frame and pong extends it. */
  tokenTtl: z.number().int().min(1).max(30 * 86400),
  /** Seconds between server pings. */
  pingInterval: z.number().int().min(1).max(3600),
  /** Consecutive unanswered pings before the connection is closed with 4002. */
  pingsMissedThreshold: z.number().int().min(1).max(100),
  /** Largest accepted frame; larger frames close the connection with 1009. */
  maxMessageBytes: z.number().int().min(64).max(64 * 1024 * 1024),
  /** Topics clients of this channel may subscribe to. */
  allowSubscribe: z.array(TopicPattern).max(100),
  /** Topics clients of this channel may publish to. */
  allowPublish: z.array(TopicPattern).max(100),
  /**
   * A hello whose client ID is already logged in: `reject` closes the newcomer with 4010,
   * `replace` closes the old connection with 4011 and admits the newcomer.
   */
  duplicateLogin: DuplicateLoginPolicy,
  /**
   * The connection's send budget (soft bound): bytes the server has handed to the socket that the
   * client has not read yet. Pub/sub delivery pauses above it and resumes when the socket drains.
   */
  maxBufferedBytes: z.number().int().min(1024).max(1024 * 1024 * 1024),
  /**
   * Hard bound of the send budget: a frame that cannot wait (response, server request, ping, pong)
   * that would take the unsent bytes past it closes the connection with 4013. At least maxBufferedBytes.
   */
  maxBufferedBytesHard: z.number().int().min(1024).max(4 * 1024 * 1024 * 1024),
  /** WebSocket pings a client may send per second (each is answered with a pong); more close with 4014. 0: no limit. */
  maxPingsPerSecond: z.number().int().min(0).max(100_000),
  /** Message log: keep the frames each connection of this channel sends us (hello credentials redacted). */
  logReceived: z.boolean(),
  /** Message log: keep the frames the server sends each connection. */
  logSent: z.boolean(),
  /** Message log: frames kept per connection (a ring: the oldest goes first). */
  logMaxMessages: z.number().int().min(1).max(10_000),
  /** Message log: bytes kept of each frame (longer frames are kept truncated, marked so). */
  logMaxBytes: z.number().int().min(16).max(1024 * 1024),
  /** Message log: seconds a closed connection's log stays readable. */
  logKeepSeconds: z.number().int().min(0).max(86_400),
};

export const CHANNEL_DEFAULTS = {
  active: true,
  service: 'echo',
  security: null,
  newTokenWaitTime: 5,
  tokenTtl: 3600,
  pingInterval: 30,
  pingsMissedThreshold: 2,
  maxMessageBytes: 1024 * 1024,
  allowSubscribe: ['*'],
  allowPublish: ['*'],
  duplicateLogin: 'reject',
  maxBufferedBytes: 4 * 1024 * 1024,
  maxBufferedBytesHard: 16 * 1024 * 1024,
  maxPingsPerSecond: 10,
  logReceived: false,
  logSent: false,
  logMaxMessages: 100,
  logMaxBytes: 4096,
  logKeepSeconds: 300,
} as const satisfies { [K in keyof typeof ChannelShape]?: z.output<(typeof ChannelShape)[K]> };

/** A channel as created: name, address and whatever else differs from the defaults. */
export const ChannelCreateSchema = z.object({ name: Name, ...createShape(ChannelShape, CHANNEL_DEFAULTS) }).strict();
export type ChannelCreate = z.input<typeof ChannelCreateSchema>;
export type ChannelConfig = z.output<typeof ChannelCreateSchema>;

/** PATCH: exactly the fields sent change; nothing is defaulted. */
export const ChannelPatchSchema = patchSchema(ChannelShape);
export type ChannelPatch = z.infer<typeof ChannelPatchSchema>;

export const ChannelSchema = z.object({ name: Name, ...ChannelShape }).extend({
  createdAt: IsoTime,
  updatedAt: IsoTime,
  /** True while this channel's port/path accepts connections. */
  listening: z.boolean(),
  /** The actual bound port (differs from the address when it asked for port 0). */
  boundPort: z.number().int().nullable(),
  connections: z.number().int().nonnegative(),
});
export type Channel = z.infer<typeof ChannelSchema>;
/** GET /admin/v1/channels */
export const ChannelListSchema = z.object({ items: z.array(ChannelSchema) });
export type ChannelList = z.infer<typeof ChannelListSchema>;

// ---- Security definitions: secrets go in, never come out.

const clientIdsRequired = 'list the client IDs this credential may claim (patterns with *, e.g. ["till-*"]; ["*"] allows any)';
/** Which client IDs a credential may claim: at least one pattern; a hello outside them is closed with 4003. */
const ClientIdPatterns = z.array(ClientIdPattern, { error: (iss) => (iss.input === undefined ? clientIdsRequired : undefined) }).min(1, clientIdsRequired).max(100);
/** The JWT claim whose (string) value must equal the hello's client ID; null: the token does not name the client. */
const ClientIdClaim = z.string().min(1).max(128).nullable();

/** Fail closed: a JWT names its subject, so by default the client ID must equal `sub`. */
export const JWT_CLAIM_DEFAULTS = { clientIdClaim: 'sub', clientIds: ['*'] } as const;

const SecurityBase = z.object({ name: Name });
export const BasicSecurityCreate = SecurityBase.extend({
  type: z.literal('basic'),
  username: z.string().min(1).max(256),
  password: secret(z.string().min(1).max(1024)),
  /** Required: a shared username names no client, so the server cannot guess which IDs it may claim. */
  clientIds: ClientIdPatterns,
}).strict();
export const ApiKeySecurityCreate = SecurityBase.extend({
  type: z.literal('apikey'),
  key: secret(z.string().min(8).max(4096)),
  /** Required, as for basic. */
  clientIds: ClientIdPatterns,
}).strict();
export const JwtSecurityCreate = SecurityBase.extend({
  type: z.literal('jwt'),
  algorithm: z.enum(['HS256', 'RS256']),
  /** HS256 shared secret. */
  secret: secret(z.string().min(16).max(4096)).optional(),
  /** RS256 public key, PEM (SPKI). */
  publicKey: z.string().min(1).max(16384).optional(),
  issuer: z.string().max(512).optional(),
  audience: z.string().max(512).optional(),
  /** The claim that must equal the client ID (default `sub`); null to rely on clientIds alone. */
  clientIdClaim: ClientIdClaim.default(JWT_CLAIM_DEFAULTS.clientIdClaim),
  /** Patterns the client ID must also match (default any). */
  clientIds: ClientIdPatterns.default([...JWT_CLAIM_DEFAULTS.clientIds]),
}).strict();
export const SecurityCreateSchema = z
  .discriminatedUnion('type', [BasicSecurityCreate, ApiKeySecurityCreate, JwtSecurityCreate])
  .superRefine((v, ctx) => {
    if (v.type !== 'jwt') return;
    if (v.algorithm === 'HS256' && !v.secret) ctx.addIssue({ code: 'custom', path: ['secret'], message: 'HS256 needs a secret (min 16 chars)' });
    if (v.algorithm === 'RS256' && !v.publicKey) ctx.addIssue({ code: 'custom', path: ['publicKey'], message: 'RS256 needs a PEM public key' });
    // A key the algorithm does not use would be stored and never checked: refused, not ignored.
    if (v.algorithm === 'RS256' && v.secret !== undefined) ctx.addIssue({ code: 'custom', path: ['secret'], message: 'an RS256 definition verifies with its publicKey and has no shared secret' });
    if (v.algorithm === 'HS256' && v.publicKey !== undefined) ctx.addIssue({ code: 'custom', path: ['publicKey'], message: 'an HS256 definition verifies with its shared secret and has no public key' });
  });
export type SecurityCreate = z.input<typeof SecurityCreateSchema>;

/** PATCH: any field but name and type; secrets may be replaced, never read. */
export const SecurityPatchSchema = patchSchema({
  username: z.string().min(1).max(256),
  password: secret(z.string().min(1).max(1024)),
  key: secret(z.string().min(8).max(4096)),
  algorithm: z.enum(['HS256', 'RS256']),
  secret: secret(z.string().min(16).max(4096)),
  publicKey: z.string().min(1).max(16384),
  issuer: z.string().max(512).nullable(),
  audience: z.string().max(512).nullable(),
  clientIds: ClientIdPatterns,
  clientIdClaim: ClientIdClaim,
});
export type SecurityPatch = z.infer<typeof SecurityPatchSchema>;

export const SecuritySchema = z.object({
  name: Name,
  type: z.enum(['basic', 'apikey', 'jwt']),
  username: z.string().optional(),
  algorithm: z.enum(['HS256', 'RS256']).optional(),
  issuer: z.string().optional(),
  audience: z.string().optional(),
  /** Client ID patterns this definition's credentials may claim. */
  clientIds: z.array(z.string()),
  /** jwt only: the claim that must equal the client ID (null: none). */
  clientIdClaim: z.string().nullable().optional(),
  /** True when a secret (password, key, HS256 secret or RS256 key) is stored. */
  hasSecret: z.boolean(),
  /** Channels using this definition. */
  usedBy: z.array(Name),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type Security = z.infer<typeof SecuritySchema>;
/** GET /admin/v1/security */
export const SecurityListSchema = z.object({ items: z.array(SecuritySchema) });
export type SecurityList = z.infer<typeof SecurityListSchema>;

/** Failed-login and admin-authentication counters since the server started. */
export const AuthCountersSchema = z.object({
  /** Hellos refused for wrong credentials or a client ID outside the credential's rule. */
  failedLogins: z.number().int(),
  /** Hellos refused (4012) before their credentials were checked: the address had too many failures. */
  loginsRateLimited: z.number().int(),
  /** Hellos refused because their client ID was already logged in (4010). */
  duplicateLoginsRejected: z.number().int(),
  /** Connections closed because a newer login took their client ID (4011). */
  duplicateLoginsReplaced: z.number().int(),
  /** Admin API requests answered 401. */
  adminUnauthorized: z.number().int(),
  /** Admin API requests answered 429 because their address had too many 401s. */
  adminRateLimited: z.number().int(),
});
export type AuthCounters = z.infer<typeof AuthCountersSchema>;

export const ServerInfoSchema = z.object({
  name: z.string(),
  /** This process's node id: what ConnectionInfo.node says of its connections. */
  nodeId: z.string(),
  pid: z.number().int(),
  hostname: z.string(),
  version: z.string(),
  startedAt: IsoTime,
  mode: z.enum(['standalone', 'cluster']),
  counts: z.object({
    connections: z.number().int(),
    channels: z.number().int(),
    topics: z.number().int(),
    subscriptions: z.number().int(),
  }),
  /** Absent from servers that predate login rate limiting. */
  auth: AuthCountersSchema.optional(),
  /** Cluster mode only: `degraded` while this node cannot reach Redis (it keeps serving its own clients). */
  cluster: z.object({ state: z.enum(['healthy', 'degraded']) }).optional(),
});
export type ServerInfo = z.infer<typeof ServerInfoSchema>;

/** GET /admin/v1/services: what a channel may name as its `service`. */
export const ServiceListSchema = z.object({
  items: z.array(z.object({ name: z.string(), builtin: z.boolean() })),
});
export type ServiceList = z.infer<typeof ServiceListSchema>;

/** Who is calling the admin API; returned by GET /admin/v1/whoami. */
export const WhoAmISchema = z.object({ token: z.string(), role: z.enum(['viewer', 'operator']) });
export type WhoAmI = z.infer<typeof WhoAmISchema>;
export type AdminRole = WhoAmI['role'];
