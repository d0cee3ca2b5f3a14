import { z } from 'zod';
import { secret } from '../../protocol/schema-walk';
import { ListenerLimitsSchema } from '../net/connection-guard';
import { FailureLimitSchema } from '../security/login-limiter';

/** One admin API bearer token. `name` is what the audit log records as the actor. */
export const AdminTokenSchema = z.object({
  name: z.string().min(1).max(64),
  /** The secret presented as `Authorization: Bearer <token>`; at least 16 characters. */
  token: secret(z.string().min(16).max(4096)),
  /** viewer: read only (and may watch events); operator: may also change things. */
  role: z.enum(['viewer', 'operator']),
}).strict();
export type AdminToken = z.infer<typeof AdminTokenSchema>;

export const ADMIN_LIMIT_DEFAULTS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024,
  maxConnectionsPerIp: 128,
} as const;

export const ADMIN_DEFAULTS = {
  enabled: true,
  host: '127.0.0.1',
  port: 0,
  eventBatchMs: 100,
  maxBodyBytes: 1024 * 1024,
  /** A live-events socket whose unsent bytes exceed this gets no more events and is closed with 4029. */
  maxEventBufferBytes: 4 * 1024 * 1024,
  /** After the 4029 close is queued, a consumer that still does not read is terminated after this. */
  eventsCloseTimeoutMs: 10_000,
} as const;

/** The `admin` section of the server configuration. */
export const AdminConfigSchema = z
  .object({
    /** Whether the admin HTTP API listens at all. */
    enabled: z.boolean().default(ADMIN_DEFAULTS.enabled),
    /** Interface to bind; keep loopback unless a proxy in front adds TLS. */
    host: z.string().min(1).default(ADMIN_DEFAULTS.host),
    /** TCP port; 0 binds a random free port (tests). The example config uses 7070. */
    port: z.number().int().min(0).max(65535).default(ADMIN_DEFAULTS.port),
    tokens: z.array(AdminTokenSchema).default([]),
    /** Live events are batched and flushed at most this often (ms). */
    eventBatchMs: z.number().int().min(1).max(10_000).default(ADMIN_DEFAULTS.eventBatchMs),
    /** Largest accepted request body; larger bodies get 413. */
    maxBodyBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(ADMIN_DEFAULTS.maxBodyBytes),
    /** Bound on a live-events socket's send buffer before it is closed with 4029. */
    maxEventBufferBytes: z.number().int().min(64 * 1024).max(256 * 1024 * 1024).default(ADMIN_DEFAULTS.maxEventBufferBytes),
    /** How long a 4029-closed events consumer may take to read up to the Close frame before it is terminated. */
    eventsCloseTimeoutMs: z.number().int().min(100).max(120_000).default(ADMIN_DEFAULTS.eventsCloseTimeoutMs),
    /**
     * Per-address limit on requests answered 401 (unknown or missing token): past it the address
     * gets 429 before its token is looked at, for blockSeconds.
     */
    authLimits: FailureLimitSchema.default(FailureLimitSchema.parse({ maxFailures: 20, blockSeconds: 60 })),
    /** Timeouts and connection caps of the admin listener. */
    limits: ListenerLimitsSchema.partial().strict().default({}).transform((l) => ({ ...ADMIN_LIMIT_DEFAULTS, ...l })),
  })
  // Strict: a misspelt option is an error at startup, not a silently ignored default.
  .strict()
  .superRefine((v, ctx) => {
    const seenNames = new Set<string>();
    const seenTokens = new Set<string>();
    v.tokens.forEach((t, i) => {
      if (seenNames.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tokens', i, 'name'], message: `duplicate token name "${t.name}"` });
      if (seenTokens.has(t.token)) ctx.addIssue({ code: 'custom', path: ['tokens', i, 'token'], message: 'duplicate token value' });
      seenNames.add(t.name);
      seenTokens.add(t.token);
    });
  });
export type AdminConfig = z.output<typeof AdminConfigSchema>;
export type AdminConfigInput = z.input<typeof AdminConfigSchema>;
