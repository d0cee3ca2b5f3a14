import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { z } from 'zod';
import type { HealthReport, HealthSample } from '../../protocol/admin-health';

export type HealthTotals = HealthReport['totals'];

/**
 * `health` in the server configuration: how often the health sampler records a sample and how
 * many it keeps, so a console that connects late still sees the last hour (360 × 10 s).
 */
export const HealthConfigSchema = z.object({
  sampleMs: z.number().int().min(1000).max(600_000).default(10_000),
  /** Samples kept at most; the oldest is dropped when a new one passes the bound. */
  historySize: z.number().int().min(1).max(10_000).default(360),
}).strict();
export type HealthConfig = z.output<typeof HealthConfigSchema>;

/** What the sampler reads at each tick: cumulative counters and the current open connections. */
export interface HealthSource {
  connections(): { total: number; perChannel: Record<string, number> };
  /** Cumulative since start (they only grow). */
  totals(): HealthTotals;
}

export interface HealthIdentity {
  name: string;
  version: string;
  startedAt: string;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Keeps the server's short health history in memory (bounded by historySize). */
export class HealthSampler {
  private readonly samples: HealthSample[] = [];
  private readonly lag: IntervalHistogram;
  private timer: NodeJS.Timeout | null = null;
  private last: { atMs: number } & HealthTotals;

  constructor(
    private readonly config: HealthConfig,
    private readonly source: HealthSource,
    private readonly identity: HealthIdentity,
    private readonly now: () => number = Date.now,
  ) {
    this.lag = monitorEventLoopDelay({ resolution: 20 });
    this.last = { atMs: now(), ...source.totals() };
  }

  start(): void {
    if (this.timer) return;
    this.lag.enable();
    this.timer = setInterval(() => this.sample(), this.config.sampleMs);
    // The sampler must never keep a stopping server alive.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.lag.disable();
  }

  /** Records one sample now (the timer calls this; tests call it directly). */
  sample(): HealthSample {
    const atMs = this.now();
    const totals = this.source.totals();
    const secs = Math.max(0.001, (atMs - this.last.atMs) / 1000);
    const conns = this.source.connections();
    const rate = (k: keyof HealthTotals) => round(Math.max(0, totals[k] - this.last[k]) / secs);
    const mem = process.memoryUsage();
    // An empty histogram reports NaN / 9.2e15 sentinels: no measurement is 0 lag, not a spike.
    const hasLag = this.lag.count > 0;
    const s: HealthSample = {
      at: new Date(atMs).toISOString(),
      connections: conns.total,
      perChannel: conns.perChannel,
      msgsInPerSec: rate('msgsIn'),
      msgsOutPerSec: rate('msgsOut'),
      failedLoginsPerSec: rate('failedLogins'),
      loginsPerSec: rate('logins'),
      invokesOkPerSec: rate('invokesOk'),
      invokesErrorPerSec: rate('invokesError'),
      invokesTimedOutPerSec: rate('invokesTimedOut'),
      invokesFailedPerSec: rate('invokesFailed'),
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      eventLoopLagP99Ms: hasLag ? round(this.lag.percentile(99) / 1e6) : 0,
      eventLoopLagMaxMs: hasLag ? round(this.lag.max / 1e6) : 0,
    };
    this.lag.reset();
    this.last = { atMs, ...totals };
    this.samples.push(s);
    if (this.samples.length > this.config.historySize) this.samples.splice(0, this.samples.length - this.config.historySize);
    return s;
  }

  report(): HealthReport {
    return {
      name: this.identity.name,
      version: this.identity.version,
      pid: process.pid,
      startedAt: this.identity.startedAt,
      uptimeSeconds: round((this.now() - Date.parse(this.identity.startedAt)) / 1000, 1),
      sampleMs: this.config.sampleMs,
      historySize: this.config.historySize,
      totals: { ...this.source.totals() },
      samples: [...this.samples],
    };
  }
}
