export interface BackoffOptions {
  /** Upper bound of the first retry delay. */
  initialDelayMs: number;
  /** Cap of every delay, however many attempts failed. */
  maxDelayMs: number;
}

export const BACKOFF_DEFAULTS: BackoffOptions = { initialDelayMs: 500, maxDelayMs: 30_000 };

/**
 * "Full jitter" (AWS architecture blog): a uniform delay in [0, min(cap, base·2^attempt)), so a
 * fleet of consoles that lost the same server does not reconnect in lockstep.
 * `attempt` is 0 for the first retry.
 */
export function fullJitterDelay(attempt: number, opts: BackoffOptions = BACKOFF_DEFAULTS, random: () => number = Math.random): number {
  if (opts.initialDelayMs < 0 || opts.maxDelayMs < opts.initialDelayMs) throw new RangeError('backoff: need 0 <= initialDelayMs <= maxDelayMs');
  const ceiling = Math.min(opts.maxDelayMs, opts.initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
