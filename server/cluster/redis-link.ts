import { Redis, type RedisOptions } from 'ioredis';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';
import type { Logger } from '../logger';
import type { ClusterConfig } from './options';

export type LinkState = 'healthy' | 'degraded';

/**
 * The node's three Redis connections: commands, subscriptions (a subscribed connection can do
 * nothing else) and the publish-stream reader (XREAD BLOCK holds its connection). Commands are
 * never queued while Redis is away — they fail at once, so callers answer SB_ERR_CLUSTER_UNAVAILABLE
 * instead of hanging; ioredis keeps reconnecting in the background.
 */
export class RedisLink {
  readonly cmd: Redis;
  readonly sub: Redis;
  readonly reader: Redis;
  private stateNow: LinkState = 'degraded';
  private readonly listeners = new Set<(s: LinkState) => void>();
  private closed = false;

  constructor(config: ClusterConfig, private readonly logger: Logger) {
    const password = config.redis.passwordEnv ? process.env[config.redis.passwordEnv] : undefined;
    if (config.redis.passwordEnv && password === undefined) {
      throw new SbError(ErrorCode.Validation, `cluster.redis.passwordEnv: environment variable ${config.redis.passwordEnv} is not set`, { field: 'cluster.redis.passwordEnv' });
    }
    const base: RedisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: config.redis.commandTimeoutMs,
      connectTimeout: config.redis.commandTimeoutMs,
      // Reconnect quickly but not in a hot loop: at most one attempt per second once Redis stays away.
      retryStrategy: (times) => Math.min(100 * times, 1000),
      ...(password !== undefined ? { password } : {}),
    };
    this.cmd = new Redis(config.redis.url, { ...base, connectionName: 'switchboard-cmd' });
    this.sub = new Redis(config.redis.url, { ...base, enableOfflineQueue: true, commandTimeout: undefined, connectionName: 'switchboard-sub' });
    // XREAD BLOCK must outlive commandTimeout; the reader sets its own block time below it.
    this.reader = new Redis(config.redis.url, { ...base, enableOfflineQueue: true, commandTimeout: undefined, connectionName: 'switchboard-reader' });
    for (const c of [this.cmd, this.sub, this.reader]) {
      c.on('error', () => undefined); // reported through the state below, not as an unhandled 'error'
      c.on('ready', () => this.update());
      c.on('close', () => this.update());
      c.on('end', () => this.update());
    }
  }

  /** Connects all three; rejects (and closes them) when Redis cannot be reached at start. */
  async connect(): Promise<void> {
    try {
      await Promise.all([this.cmd.connect(), this.sub.connect(), this.reader.connect()]);
    } catch (err) {
      this.close();
      throw new SbError(ErrorCode.ClusterUnavailable, `cluster: cannot reach Redis (${err instanceof Error ? err.message : String(err)})`, { field: 'cluster.redis.url' });
    }
    this.update();
  }

  get state(): LinkState {
    return this.stateNow;
  }

  /** Throws SB_ERR_CLUSTER_UNAVAILABLE while Redis is away: the refusal every cluster-wide operation gives. */
  require(what: string): void {
    if (this.stateNow !== 'healthy') throw unavailable(what);
  }

  /** Returns the disposer. */
  onState(l: (s: LinkState) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private update(): void {
    if (this.closed) return;
    const next: LinkState = [this.cmd, this.sub, this.reader].every((c) => c.status === 'ready') ? 'healthy' : 'degraded';
    if (next === this.stateNow) return;
    this.stateNow = next;
    if (next === 'degraded') this.logger.warn('Redis unreachable: cluster degraded (local clients keep being served; cluster operations are refused)');
    else this.logger.info('Redis reachable: cluster healthy');
    for (const l of this.listeners) l(next);
  }

  close(): void {
    this.closed = true;
    this.stateNow = 'degraded';
    for (const c of [this.cmd, this.sub, this.reader]) c.disconnect(false);
  }
}

export function unavailable(what: string, err?: unknown): SbError {
  const why = err instanceof Error ? ` (${err.message})` : '';
  return new SbError(ErrorCode.ClusterUnavailable, `${what}: the cluster's Redis is unreachable${why}; this node keeps serving its own clients, retry when the cluster is healthy`);
}
