import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { ChannelCreateSchema, Name, SecurityCreateSchema } from '../protocol/admin-config';
import { OutgoingCreateSchema } from '../protocol/admin-outgoing';
import { AuditRetentionSchema } from './admin/audit';
import { HealthConfigSchema } from './metrics/health-sampler';
import { AdminConfigSchema } from './admin/options';
import { CHANNEL_LISTENER_DEFAULTS } from './channels/listener-pool';
import { ListenerLimitsSchema, type ListenerLimits } from './net/connection-guard';
import { GatewayConfigSchema } from './gateway/options';
import { ClusterConfigSchema } from './cluster/options';
import { PubSubConfigSchema } from './pubsub/options';
import { FailureLimitSchema } from './security/login-limiter';
import { SecretsKeyConfigSchema } from './security/secret-box';
import { SbError } from './errors';
import { ErrorCode } from '../protocol/errors';
import { parseInput } from './validate';

export const ServiceDefinitionSchema = z.object({
  name: Name,
  /** ES module path, relative to the config file's directory. */
  module: z.string().min(1),
}).strict();

export const ReverseDnsConfigSchema = z.object({
  enabled: z.boolean().default(true),
  /** A lookup slower than this leaves remoteFqdn null. */
  timeoutMs: z.number().int().min(10).max(30_000).default(2000),
  /** How long an answer (or "no name") is reused. */
  cacheTtlMs: z.number().int().min(0).max(86_400_000).default(300_000),
  /** Max cached addresses. */
  cacheMax: z.number().int().min(1).max(1_000_000).default(10_000),
}).strict();

/**
 * The server configuration file (YAML or JSON). Channels and security definitions here seed the
 * store on first start; after that the store (changed through the admin API) wins.
 */
export const ServerConfigSchema = z.object({
  /** Shown in welcome frames, ConnectionInfo.serverName and the admin API. */
  name: z.string().min(1).max(128).default(hostname()),
  /** `standalone` (one process, SQLite) or `cluster` (many processes sharing Redis; needs `cluster`). */
  mode: z.enum(['standalone', 'cluster']).default('standalone'),
  /** Cluster mode only: Redis, node id, heartbeat and timeouts (docs/configuration.md, Cluster). */
  cluster: ClusterConfigSchema.optional(),
  /** Where switchboard.db lives; relative to the config file's directory. */
  dataDir: z.string().min(1).default('./data'),
  admin: AdminConfigSchema.default(AdminConfigSchema.parse({})),
  /** Timeouts and connection caps of every channel port (one listener per host:port). */
  channelListeners: ListenerLimitsSchema.partial().strict().default({}).transform((l): ListenerLimits => ({ ...CHANNEL_LISTENER_DEFAULTS, ...l })),
  /** Peers whose X-Forwarded-For header is believed (exact IP addresses). */
  trustedProxies: z.array(z.string().min(1)).default([]),
  channels: z.array(ChannelCreateSchema).default([]),
  security: z.array(SecurityCreateSchema).default([]),
  services: z.array(ServiceDefinitionSchema).default([]),
  /** Outgoing WebSocket connections; seed the store on the first start that has them, like channels. */
  outgoing: z.array(OutgoingCreateSchema).default([]),
  /** WebSocket gateway routes (seed): listener path prefix → upstream services. */
  gateway: GatewayConfigSchema.default(GatewayConfigSchema.parse({})),
  /**
   * The key that seals stored JWT HS256 secrets (AES-256-GCM): `{ file }` or `{ env }`, plus
   * `previous` keys during a rotation. Without it: `<dataDir>/secrets.key`, created 0600.
   */
  secretsKey: SecretsKeyConfigSchema.optional(),
  /** Per-address limit on failed channel logins (wrong credentials or client ID): past it, hellos are closed with 4012 unchecked. */
  loginLimits: FailureLimitSchema.default(FailureLimitSchema.parse({})),
  /** How much of the audit log is kept. */
  audit: AuditRetentionSchema.default(AuditRetentionSchema.parse({})),
  /** The health history kept for GET /admin/v1/health. */
  health: HealthConfigSchema.default(HealthConfigSchema.parse({})),
  pubsub: PubSubConfigSchema.default(PubSubConfigSchema.parse({})),
  reverseDns: ReverseDnsConfigSchema.default(ReverseDnsConfigSchema.parse({})),
  /** A server-initiated close (disconnect, shutdown) terminates the socket if the peer has not completed the close handshake by then. */
  closeTimeoutMs: z.number().int().min(100).max(60_000).default(3000),
  /** Deepest nesting of objects and arrays in a client frame (the frame object is level 1); deeper closes with 1008. */
  maxJsonDepth: z.number().int().min(2).max(1000).default(64),
  /** How often login deadlines, session expiry and pings are checked: they fire up to this much late. */
  sessionTickMs: z.number().int().min(10).max(5000).default(250),
  /** connection.updated for counter changes is emitted at most this often per connection. */
  statsIntervalMs: z.number().int().min(100).max(60_000).default(1000),
  /** Graceful shutdown budget: past it the process exits anyway (CLI). */
  shutdownTimeoutMs: z.number().int().min(1000).max(60_000).default(10_000),
  /** Log lines below this level are dropped; `silent` drops all. JSON lines on stderr, secrets redacted. */
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
}).strict();

export type ServerConfigInput = z.input<typeof ServerConfigSchema>;
export type ServerConfig = z.output<typeof ServerConfigSchema>;

export function parseServerConfig(input: unknown): ServerConfig {
  const config = parseInput(ServerConfigSchema, input);
  // Contradictions are errors, not guesses: a cluster block without cluster mode is a typo away from a split brain.
  if (config.mode === 'cluster' && !config.cluster) throw new SbError(ErrorCode.Validation, 'cluster: mode "cluster" needs a cluster block (at least cluster.redis.url)', { field: 'cluster' });
  if (config.mode === 'standalone' && config.cluster) throw new SbError(ErrorCode.Validation, 'cluster: only allowed with mode "cluster"', { field: 'mode' });
  if (config.mode === 'cluster' && !config.secretsKey) throw new SbError(ErrorCode.Validation, 'secretsKey: cluster mode needs the same secretsKey on every node (sealed secrets are shared)', { field: 'secretsKey' });
  return config;
}

/** Reads a YAML (.yaml/.yml) or JSON file; returns the raw input (validated by startServer). */
export async function loadConfigFile(path: string): Promise<ServerConfigInput> {
  const text = await readFile(path, 'utf8');
  const raw: unknown = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  return parseServerConfig(raw ?? {}) as ServerConfigInput;
}
