import { z } from 'zod';

/** Where the cluster's Redis is. The password comes from an environment variable, never the file. */
export const ClusterRedisSchema = z.object({
  /** redis:// or rediss:// (TLS). A password in the URL is refused: use passwordEnv. */
  url: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'a redis:// or rediss:// URL').refine((u) => {
    try {
      return new URL(u).password === '';
    } catch {
      return false;
    }
  }, 'no password in the URL (use passwordEnv)'),
  /** Name of the environment variable holding the Redis password (AUTH). */
  passwordEnv: z.string().min(1).optional(),
  /** Prefix (Redis hash tag) of every key, so several clusters can share one Redis. */
  namespace: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1–64)').default('switchboard'),
  /** A Redis command not answered in this time fails (and the node reports degraded). */
  commandTimeoutMs: z.number().int().min(50).max(60_000).default(2000),
}).strict();

/**
 * `cluster` in the server config: required when `mode: cluster`, refused otherwise. Every node of
 * one cluster names the same Redis and namespace; the node id must be unique among them.
 */
export const ClusterConfigSchema = z.object({
  redis: ClusterRedisSchema,
  /** Unique per node; default `<hostname>-<pid>`. What ConnectionInfo.node says of this node's rows. */
  nodeId: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'letters, digits, _ . : - (1–128)').optional(),
  /** How often the node renews its heartbeat key. */
  heartbeatMs: z.number().int().min(100).max(60_000).default(1000),
  /**
   * A node whose heartbeat is older than this is lost: its heartbeat key expires, a survivor removes
   * its connections from the registry and every node emits connection.closed (initiator node-lost).
   */
  nodeTtlMs: z.number().int().min(300).max(600_000).default(5000),
  /** How long a command routed to another node (invoke, disconnect, …) waits for its answer. */
  rpcTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
  /** Registry changes (open, login, counters, close) are written to Redis in batches this often. */
  registryFlushMs: z.number().int().min(10).max(10_000).default(100),
  /** Cross-node publishes kept in the Redis stream (approximate MAXLEN); a node away longer than this many publishes misses the oldest. */
  publishStreamMaxLen: z.number().int().min(1000).max(10_000_000).default(100_000),
}).strict().refine((c) => c.nodeTtlMs >= 2 * c.heartbeatMs, { message: 'nodeTtlMs must be at least twice heartbeatMs', path: ['nodeTtlMs'] });

export type ClusterConfig = z.output<typeof ClusterConfigSchema>;
