import { isIP } from 'node:net';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AuthCounters } from '../../protocol/admin-config';
import type { Logger } from '../logger';

/**
 * Failed-authentication limits per address: after `maxFailures` failures within `windowSeconds`
 * the address is refused for `blockSeconds` before any credential is checked, so a password
 * guesser spends neither its own chances nor the server's scrypt time. Successes cost nothing.
 */
export const FailureLimitSchema = z.object({
  /** false turns the limit off (failures are still counted and logged). */
  enabled: z.boolean().default(true),
  /** Failures an address may have within one window before it is refused. */
  maxFailures: z.number().int().min(1).max(1_000_000).default(10),
  /** The window failures are counted in (a fixed window that starts at the first failure). */
  windowSeconds: z.number().int().min(1).max(86_400).default(60),
  /** How long an address that reached maxFailures is refused. */
  blockSeconds: z.number().int().min(1).max(86_400).default(300),
  /** A failure is logged at most once per this many seconds per address (with a count of the ones not logged). */
  logIntervalSeconds: z.number().int().min(1).max(86_400).default(60),
}).strict();
export type FailureLimit = z.output<typeof FailureLimitSchema>;

/** Addresses whose log state is kept at most; past it the oldest are forgotten (only logging is affected). */
const MAX_LOG_ENTRIES = 10_000;

/**
 * The client's address: the hop a trusted proxy appended last to X-Forwarded-For (`forwardedFor`
 * is non-null only for a trusted proxy), else the socket's peer.
 */
export function clientAddress(remoteAddress: string, forwardedFor: string | null): string {
  const hops = forwardedFor?.split(',').map((s) => s.trim()).filter((s) => s !== '') ?? [];
  return hops[hops.length - 1] ?? remoteAddress;
}

/**
 * The address a limit counts: IPv4 as is, IPv6 by its /64 (one host usually holds a whole /64,
 * so counting single IPv6 addresses would give a guesser 2^64 fresh starts).
 */
export function limitKey(address: string): string {
  const a = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  if (isIP(a) !== 6) return a;
  const [head = '', tail = ''] = a.split('::', 2);
  const h = head === '' ? [] : head.split(':');
  const t = a.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = a.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return `${groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(':')}::/64`;
}

/** An attempt that passed the limit: report how it ended. */
export interface Attempt {
  /** Gives the attempt's point back: successes cost nothing. */
  succeeded(): void;
  /** Keeps the point, and logs the failure (rate-limited). */
  failed(fields: Record<string, unknown>): void;
}

/**
 * Cluster mode: the limit is counted in Redis, so an address's failures on every node add up.
 * While Redis is away each node counts in memory (the insurance limiter) rather than letting
 * every guess through or refusing every login.
 */
export interface SharedLimitStore {
  redis: Redis;
  /** Key prefix; carries the cluster's hash tag. */
  keyPrefix: string;
}

/**
 * One failure limit (rate-limiter-flexible's RateLimiterMemory in this process, RateLimiterRedis
 * across a cluster) plus the rate-limited log of failures. Every attempt takes a
 * point before its credentials are checked and a success gives it back, so a burst of parallel
 * guesses cannot all slip past the limit while their checks are still running.
 */
export class FailureLimiter {
  private readonly limiter: RateLimiterAbstract;
  private readonly logged = new Map<string, { until: number; suppressed: number }>();

  constructor(private readonly opts: FailureLimit, private readonly logger: Logger, private readonly what: string, shared?: SharedLimitStore) {
    const limits = { points: opts.maxFailures, duration: opts.windowSeconds, blockDuration: opts.blockSeconds };
    const memory = new RateLimiterMemory({ keyPrefix: what, ...limits });
    this.limiter = shared ? new RateLimiterRedis({ storeClient: shared.redis, keyPrefix: shared.keyPrefix, ...limits, insuranceLimiter: memory }) : memory;
  }

  /** An attempt from `address`, or the milliseconds until the address may try again. */
  async begin(address: string): Promise<{ ok: true; attempt: Attempt } | { ok: false; retryAfterMs: number }> {
    const key = limitKey(address);
    if (this.opts.enabled) {
      try {
        await this.limiter.consume(key, 1);
      } catch (res) {
        return { ok: false, retryAfterMs: Math.max(1, (res as { msBeforeNext?: number }).msBeforeNext ?? this.opts.blockSeconds * 1000) };
      }
    }
    return {
      ok: true,
      attempt: {
        succeeded: () => {
          if (this.opts.enabled) void this.limiter.reward(key, 1);
        },
        failed: (fields) => this.log(key, fields),
      },
    };
  }

  /** At most one line per address per logIntervalSeconds, saying how many were not logged. */
  private log(key: string, fields: Record<string, unknown>, now = Date.now()): void {
    const e = this.logged.get(key);
    if (e && now < e.until) {
      e.suppressed++;
      return;
    }
    if (!e && this.logged.size >= MAX_LOG_ENTRIES) this.logged.delete(this.logged.keys().next().value!);
    this.logged.delete(key);
    this.logged.set(key, { until: now + this.opts.logIntervalSeconds * 1000, suppressed: 0 });
    this.logger.warn(this.what, { address: key, ...fields, notLoggedSinceLast: e?.suppressed ?? 0 });
  }
}

export function newAuthCounters(): AuthCounters {
  return { failedLogins: 0, loginsRateLimited: 0, duplicateLoginsRejected: 0, duplicateLoginsReplaced: 0, adminUnauthorized: 0, adminRateLimited: 0 };
}
