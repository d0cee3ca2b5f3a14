import { z } from 'zod';
import { IsoTime } from './time';

/** Admin API: the server's health now and its recent history (GET /admin/v1/health). */

/** One sample of the bounded history the server keeps (every `health.sampleMs`). */
export const HealthSampleSchema = z.object({
  at: IsoTime,
  connections: z.number().int(),
  /** Open connections per channel name. */
  perChannel: z.record(z.string(), z.number().int()),
  /** Client frames received / sent per second over the interval that ended at `at`. */
  msgsInPerSec: z.number().nonnegative(),
  msgsOutPerSec: z.number().nonnegative(),
  /** Failed logins per second over the interval (wrong credentials or a client ID outside the rule). */
  failedLoginsPerSec: z.number().nonnegative(),
  /** Hellos that ended in a welcome, per second. */
  loginsPerSec: z.number().nonnegative(),
  /** Admin invokes per second by outcome: answered ok, answered with an error, timed out, failed otherwise. */
  invokesOkPerSec: z.number().nonnegative(),
  invokesErrorPerSec: z.number().nonnegative(),
  invokesTimedOutPerSec: z.number().nonnegative(),
  invokesFailedPerSec: z.number().nonnegative(),
  rssBytes: z.number().int(),
  heapUsedBytes: z.number().int(),
  /** Event-loop delay over the interval: 99th percentile and maximum, in ms. */
  eventLoopLagP99Ms: z.number().nonnegative(),
  eventLoopLagMaxMs: z.number().nonnegative(),
});
export type HealthSample = z.infer<typeof HealthSampleSchema>;

export const HealthReportSchema = z.object({
  name: z.string(),
  version: z.string(),
  pid: z.number().int(),
  startedAt: IsoTime,
  uptimeSeconds: z.number().nonnegative(),
  /** How often a sample is taken and how many are kept (oldest dropped first). */
  sampleMs: z.number().int(),
  historySize: z.number().int(),
  /** Totals since start. */
  totals: z.object({
    msgsIn: z.number().int(), msgsOut: z.number().int(), failedLogins: z.number().int(), logins: z.number().int(),
    invokesOk: z.number().int(), invokesError: z.number().int(), invokesTimedOut: z.number().int(), invokesFailed: z.number().int(),
  }),
  /** Oldest first; at most historySize. */
  samples: z.array(HealthSampleSchema),
});
export type HealthReport = z.infer<typeof HealthReportSchema>;
