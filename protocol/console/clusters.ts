import { z } from 'zod';
import { defineCalls, defineEvents } from './define';
import { IsoTime } from '../time';
import { ClientId, TopicName } from '../client-frames';
import { adminApi } from '../admin-api';
import { secret } from '../schema-walk';
import { ChannelSchema, Name, SecuritySchema, ServerInfoSchema, ServiceListSchema } from '../admin-config';
import { BulkDisconnectResultSchema, ConnectionInfoSchema, DisconnectFields, DisconnectResultSchema, INVOKE_DEFAULT_TIMEOUT_MS, INVOKE_MAX_TIMEOUT_MS, InvokeResultSchema } from '../admin-connections';
import { PublishResultSchema, SubscriptionSchema, TopicSchema } from '../admin-pubsub';
import { ClusterNodeListSchema } from '../admin-cluster';
import { AuditEntrySchema, AuditQuerySchema } from '../admin-audit';
import { HealthReportSchema } from '../admin-health';
import { MessageLogPageSchema } from '../admin-message-log';

/**
 * Cluster profiles, live connections, subscriptions, invoke, disconnect, channels, security,
 * topics, audit and settings. Owned by the console core (main/core/).
 *
 * Errors: a failing call resolves its transport envelope with an ErrorInfo. When the error is about
 * one input field, `field` is the dotted path *in this call's input* (e.g. `channel.address` for
 * createChannel), also when the admin API reported it — so the UI can show it next to that field.
 * Errors from a particular server carry `details.serverId`.
 */

// ---------------------------------------------------------------- shared pieces

/** Calls without arguments accept `{}` or nothing at all. */
const NoInput = z.object({}).strict().default({});
const Ok = z.object({ ok: z.literal(true) });

export const ClusterId = z.string().min(1).max(64);
export const ServerId = z.string().min(1).max(64);

/** Admin API base URL: http(s)://host:port, no path beyond `/`. */
export const AdminUrl = z.string().max(2048).refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.pathname === '/' && u.search === '' && u.hash === '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}, 'expected http(s)://host:port (the admin API root, no path)');

export const TlsOptionsSchema = z.object({
  /** PEM file with extra CA certificates to trust for this server. */
  caFile: z.string().min(1).max(4096).optional(),
  /** Accept a self-signed / unverifiable certificate (dev only; shown as a warning). */
  allowSelfSigned: z.boolean().default(false),
}).strict();
export type TlsOptions = z.output<typeof TlsOptionsSchema>;

/** Where a cluster-wide call goes: a named server, or the first connected one when omitted. */
const Target = { clusterId: ClusterId, serverId: ServerId.optional() };
/** Where a per-connection call goes: always one server (the one the row came from). */
const ConnTarget = { clusterId: ClusterId, serverId: ServerId, connectionId: z.string().min(1).max(128) };

// ---------------------------------------------------------------- cluster profiles

/**
 * Saving a server: `token` is write-only. Omitted → keep the stored token of the server with the
 * same `id` (or, without id, the same url); `null` → forget it; a string → replace it.
 */
export const ServerProfileInputSchema = z.object({
  id: ServerId.optional(),
  url: AdminUrl,
  token: secret(z.string().min(16, 'admin tokens are at least 16 characters').max(4096)).nullable().optional(),
  tls: TlsOptionsSchema.default({ allowSelfSigned: false }),
}).strict();
export type ServerProfileInput = z.input<typeof ServerProfileInputSchema>;

export const ClusterSaveSchema = z.object({
  /** Absent → create a new profile. */
  id: ClusterId.optional(),
  name: z.string().trim().min(1, 'name is required').max(100),
  servers: z.array(ServerProfileInputSchema).min(1, 'add at least one server').max(64),
}).strict();
export type ClusterSave = z.input<typeof ClusterSaveSchema>;

export const ServerProfileSchema = z.object({
  id: ServerId,
  url: z.string(),
  /** Tokens go in, never come out. */
  hasToken: z.boolean(),
  tls: TlsOptionsSchema,
});
export type ServerProfile = z.output<typeof ServerProfileSchema>;

export const ClusterProfileSchema = z.object({
  id: ClusterId,
  name: z.string(),
  servers: z.array(ServerProfileSchema),
  /** 'sandbox' for the embedded local server the console started itself; null for user profiles. */
  builtin: z.enum(['sandbox']).nullable(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type ClusterProfile = z.output<typeof ClusterProfileSchema>;

// ---------------------------------------------------------------- cluster state

/**
 * connected: events stream up and the server's rows synced — the server is *live*; its rows are
 * current. Every other status means its rows are stale (see ConnectionRow.staleSince).
 * connecting: first attempt. reconnecting: the stream dropped; retrying (see nextRetryAt).
 * auth-failed: 401/403 (no automatic retry until the profile changes, the cluster is reopened or
 * retryCluster is called). unreachable: network/TLS error on the last attempt (a retry is
 * scheduled: see nextRetryAt). closed: the cluster is not open.
 */
export const ServerStatusKind = z.enum(['connected', 'connecting', 'reconnecting', 'auth-failed', 'unreachable', 'closed']);
export type ServerStatusKind = z.infer<typeof ServerStatusKind>;

export const ServerStatusSchema = z.object({
  serverId: ServerId,
  url: z.string(),
  status: ServerStatusKind,
  /** Human-readable cause of the current status (last error), null when connected. */
  reason: z.string().nullable(),
  nextRetryAt: IsoTime.nullable(),
  /** Consecutive failed attempts since the last successful connect. */
  attempts: z.number().int().nonnegative(),
  /** From GET /admin/v1/server, once reached. */
  info: ServerInfoSchema.nullable(),
  /** From GET /admin/v1/whoami. */
  role: z.enum(['viewer', 'operator']).nullable(),
  tokenName: z.string().nullable(),
  /** Round trip of the last events-stream ping, in ms; null while not connected (an old RTT is no measurement). */
  rttMs: z.number().nonnegative().nullable(),
  /** Rows this server reports in the merged table (stale ones included while it is not live). */
  connections: z.number().int().nonnegative(),
  /** Whether TLS verification is relaxed for this server (show a warning). */
  insecureTls: z.boolean(),
  since: IsoTime,
});
export type ServerStatus = z.output<typeof ServerStatusSchema>;

export const ClusterStateSchema = z.object({
  clusterId: ClusterId,
  open: z.boolean(),
  servers: z.array(ServerStatusSchema),
});
export type ClusterState = z.output<typeof ClusterStateSchema>;

// ---------------------------------------------------------------- connections (merged table)

/**
 * Stable key of a row in the merged table: `${node}/${connectionId}` — the server process that
 * holds the socket and its connection id. Several servers of one profile that see one registry
 * (a cluster) report the same connection under the same key, so it appears once.
 */
export const rowKeyOf = (node: string, connectionId: string): string => `${node}/${connectionId}`;

export const ConnectionRowSchema = ConnectionInfoSchema.extend({
  rowKey: z.string(),
  /**
   * A server of the profile that reports this row — a live one whenever any does. Per-connection
   * calls (invoke, disconnect, subscriptions) go to it.
   */
  serverId: ServerId,
  serverUrl: z.string(),
  /**
   * null while at least one live (connected and synced) server reports the row. Otherwise the
   * moment the last live server reporting it was lost: the row is what we last saw, not what is.
   * Stale rows are not counted as live connections.
   */
  staleSince: IsoTime.nullable(),
});
export type ConnectionRow = z.output<typeof ConnectionRowSchema>;

export const ConnectionRemovalSchema = z.object({
  rowKey: z.string(),
  /**
   * WebSocket close code from the server's connection.closed event; 0 when no server reports the
   * row any more without having seen it close (a re-sync after an outage no longer lists it, or
   * its server left the profile).
   */
  code: z.number().int(),
  reason: z.string(),
  initiator: z.enum(['server', 'client', 'none', 'node-lost']),
});
export type ConnectionRemoval = z.output<typeof ConnectionRemovalSchema>;

/**
 * Pushed at most once per ~50 ms per watched cluster (see watchConnections), only to renderers
 * watching it. `seq` increases by one per delta of a cluster. `reset: true` → drop every row of
 * that cluster first, then apply `upserts` (the first push of a newly opened cluster). A server
 * that comes back is re-synced on its own: its rows arrive as upserts (live again) and the rows
 * it no longer lists as removals with code 0 — the other servers' rows are untouched. A push
 * carries at most 5000 upserts: the rest of a big batch follows in the next pushes.
 */
export const ConnectionsDeltaSchema = z.object({
  clusterId: ClusterId,
  seq: z.number().int().nonnegative(),
  reset: z.boolean().optional(),
  upserts: z.array(ConnectionRowSchema),
  removals: z.array(ConnectionRemovalSchema),
  at: IsoTime,
});
export type ConnectionsDelta = z.output<typeof ConnectionsDeltaSchema>;

/** Snapshot for a renderer that attaches (watchConnections); ignore deltas with seq <= snapshot seq. */
export const ConnectionSnapshotSchema = z.object({
  clusterId: ClusterId,
  seq: z.number().int().nonnegative(),
  rows: z.array(ConnectionRowSchema),
});
export type ConnectionSnapshot = z.output<typeof ConnectionSnapshotSchema>;

// ---------------------------------------------------------------- settings & app info

export const TimeMode = z.enum(['local', 'utc']);
export type TimeMode = z.infer<typeof TimeMode>;

/** Light, dark, or whatever the operating system prefers (followed live). */
export const ThemeChoice = z.enum(['system', 'light', 'dark']);
export type ThemeChoice = z.infer<typeof ThemeChoice>;

/** Saved views a cluster may keep; saving one more is refused (the console says so). */
export const MAX_SAVED_VIEWS = 30;

/**
 * A named layout of the connections screen: filter, visible columns and sort. Field and column
 * names are the renderer's (checked there when applied: a view naming a column that no longer
 * exists still applies the rest).
 */
export const SavedViewSchema = z
  .object({
    name: z.string().trim().min(1).max(64),
    filter: z.object({ field: z.string().max(64), text: z.string().max(500), state: z.string().max(16).optional() }).strict(),
    columns: z.array(z.string().max(64)).min(1).max(64),
    sort: z.object({ key: z.string().max(64), dir: z.enum(['asc', 'desc']) }).strict(),
  })
  .strict();
export type SavedView = z.output<typeof SavedViewSchema>;

export const SettingsSchema = z.object({
  timeMode: TimeMode,
  theme: ThemeChoice,
  /** Saved connection-screen views per cluster id, in the order they were first saved. */
  views: z.record(ClusterId, z.array(SavedViewSchema).max(MAX_SAVED_VIEWS)),
  /** Start the embedded sandbox server (and its "Local sandbox" cluster) with the console. */
  sandbox: z.boolean(),
});
export type Settings = z.output<typeof SettingsSchema>;
export const SettingsPatchSchema = SettingsSchema.partial().strict();

export const AppInfoSchema = z.object({
  version: z.string(),
  host: z.enum(['electron', 'web']),
  platform: z.string(),
  /** How admin tokens are stored at rest; `secure: false` must be shown as a warning. */
  secretStorage: z.object({ backend: z.string(), secure: z.boolean(), warning: z.string().nullable() }),
  /** Running sandbox, if any. */
  sandbox: z.object({ clusterId: ClusterId, adminUrl: z.string(), channelUrl: z.string() }).nullable(),
  /**
   * Why this console cannot run the sandbox at all (e.g. started with --no-sandbox-server), so the
   * on/off setting is moot; null or absent when it can.
   */
  sandboxUnavailable: z.string().nullable().optional(),
});
export type AppInfo = z.output<typeof AppInfoSchema>;

// ---------------------------------------------------------------- config change notices

export const ConfigChangedSchema = z.object({
  clusterId: ClusterId,
  serverId: ServerId,
  kind: z.enum(['channel', 'security', 'topic']),
  name: z.string(),
  at: IsoTime,
});
export type ConfigChanged = z.output<typeof ConfigChangedSchema>;

// ---------------------------------------------------------------- calls

const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

export const clusterCalls = defineCalls({
  'app.info': { input: NoInput, output: AppInfoSchema },

  'clusters.list': { input: NoInput, output: items(ClusterProfileSchema) },
  'clusters.save': { input: ClusterSaveSchema, output: ClusterProfileSchema },
  'clusters.remove': { input: z.object({ clusterId: ClusterId }).strict(), output: Ok },
  /** Starts the event streams of every server; resolves with the state right after starting. */
  'clusters.open': { input: z.object({ clusterId: ClusterId }).strict(), output: ClusterStateSchema },
  'clusters.close': { input: z.object({ clusterId: ClusterId }).strict(), output: Ok },
  'clusters.state': { input: z.object({ clusterId: ClusterId }).strict(), output: ClusterStateSchema },

  /**
   * Starts a per-renderer watch of an open cluster's merged table and returns its snapshot:
   * connections.delta of that cluster is pushed to this renderer (and to no renderer that does not
   * watch it) until unwatchConnections, or until the renderer's link closes. Idempotent: calling
   * it again (after a seq gap) just returns a fresh snapshot.
   */
  'connections.watch': { input: z.object({ clusterId: ClusterId }).strict(), output: ConnectionSnapshotSchema },
  'connections.unwatch': { input: z.object({ clusterId: ClusterId }).strict(), output: Ok },
  /** Snapshot without a watch. */
  'connections.snapshot': { input: z.object({ clusterId: ClusterId }).strict(), output: ConnectionSnapshotSchema },
  /**
   * Every server of an open cluster that is not connected tries again now, skipping its backoff
   * wait (also after an auth failure, e.g. once the token was fixed on the server).
   */
  'clusters.retry': { input: z.object({ clusterId: ClusterId }).strict(), output: ClusterStateSchema },
  'connections.invoke': {
    input: z.object({ ...ConnTarget, data: z.unknown(), timeoutMs: z.number().int().min(1).max(INVOKE_MAX_TIMEOUT_MS).default(INVOKE_DEFAULT_TIMEOUT_MS) }).strict(),
    output: InvokeResultSchema,
  },
  'connections.disconnect': {
    input: z.object({ ...ConnTarget, ...DisconnectFields }).strict(),
    output: DisconnectResultSchema,
  },

  /** One request closes many: the listed connections, every connection of a client ID, or of a channel. */
  'connections.disconnectMany': {
    input: z.object({
      ...Target,
      selector: z.union([
        z.object({ connectionIds: z.array(z.string().min(1).max(128)).min(1).max(1000) }).strict(),
        z.object({ clientId: ClientId }).strict(),
        z.object({ channel: z.string().min(1).max(64) }).strict(),
      ]),
      ...DisconnectFields,
    }).strict(),
    output: BulkDisconnectResultSchema,
  },

  'connections.subscriptions': { input: z.object(ConnTarget).strict(), output: items(SubscriptionSchema) },
  /** A page of a connection's message log (oldest first, seq > after). */
  'connections.messages': {
    input: z.object({ ...ConnTarget, after: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: MessageLogPageSchema,
  },
  'topics.subscriptions': { input: z.object({ ...Target, topic: TopicName }).strict(), output: items(SubscriptionSchema) },
  'subscriptions.remove': { input: z.object({ clusterId: ClusterId, serverId: ServerId, subscriptionKey: z.string().min(1).max(512) }).strict(), output: Ok },
  'subscriptions.purge': {
    input: z.object({ clusterId: ClusterId, serverId: ServerId, subscriptionKey: z.string().min(1).max(512) }).strict(),
    output: z.object({ purged: z.number().int().nonnegative() }),
  },

  'channels.list': { input: z.object(Target).strict(), output: items(ChannelSchema) },
  'channels.create': { input: z.object({ ...Target, channel: adminApi['channels.create'].body }).strict(), output: ChannelSchema },
  'channels.update': { input: z.object({ ...Target, name: Name, patch: adminApi['channels.update'].body }).strict(), output: ChannelSchema },
  /** The nodes of the cluster a server belongs to, with their health (a standalone server lists itself). */
  'nodes.list': { input: z.object(Target).strict(), output: ClusterNodeListSchema },
  /** The services a server has loaded (what its channels may name). */
  'services.list': { input: z.object(Target).strict(), output: ServiceListSchema },
  'channels.delete': { input: z.object({ ...Target, name: Name }).strict(), output: Ok },

  'security.list': { input: z.object(Target).strict(), output: items(SecuritySchema) },
  'security.create': { input: z.object({ ...Target, security: adminApi['security.create'].body }).strict(), output: SecuritySchema },
  'security.update': { input: z.object({ ...Target, name: Name, patch: adminApi['security.update'].body }).strict(), output: SecuritySchema },
  'security.delete': { input: z.object({ ...Target, name: Name }).strict(), output: Ok },

  'topics.list': { input: z.object(Target).strict(), output: items(TopicSchema) },
  'topics.create': { input: z.object({ ...Target, topic: adminApi['topics.create'].body }).strict(), output: TopicSchema },
  'topics.update': { input: z.object({ ...Target, name: TopicName, patch: adminApi['topics.update'].body }).strict(), output: TopicSchema },
  'topics.delete': { input: z.object({ ...Target, name: TopicName }).strict(), output: Ok },
  'topics.publish': { input: z.object({ ...Target, topic: TopicName, data: z.unknown() }).strict(), output: PublishResultSchema },

  'audit.list': {
    input: z.object({
      ...Target,
      limit: z.number().int().min(1).max(1000).default(100),
      before: z.number().int().positive().optional(),
      action: z.string().max(64).optional(),
      actor: AuditQuerySchema.shape.actor,
      target: AuditQuerySchema.shape.target,
      outcome: AuditQuerySchema.shape.outcome,
      since: AuditQuerySchema.shape.since,
      until: AuditQuerySchema.shape.until,
    }).strict(),
    output: z.object({ items: z.array(AuditEntrySchema), nextBefore: z.number().int().nullable() }),
  },

  /** One server's health now and its recent history (what the server keeps: by default the last hour). */
  'health.get': { input: z.object(Target).strict(), output: HealthReportSchema },

  'settings.get': { input: NoInput, output: SettingsSchema },
  'settings.set': { input: SettingsPatchSchema, output: SettingsSchema },
});

// ---------------------------------------------------------------- events

export const clusterEvents = defineEvents({
  /** A server of an open (or just closed) cluster changed status, RTT or info. Whole cluster state. */
  'cluster.status': ClusterStateSchema,
  'connections.delta': ConnectionsDeltaSchema,
  /** Profiles were added, changed or removed. The full list. */
  'clusters.changed': z.object({ items: z.array(ClusterProfileSchema) }),
  'settings.changed': SettingsSchema,
  /**
   * A channel, security definition or topic of a server of an open cluster was created, changed or
   * deleted (forwarded from the admin event stream), so config screens refetch instead of polling.
   */
  'config.changed': ConfigChangedSchema,
});

