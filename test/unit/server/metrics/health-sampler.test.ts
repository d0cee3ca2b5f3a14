import { describe, expect, it } from 'vitest';
import { HealthConfigSchema, HealthSampler } from '../../../../server/metrics/health-sampler';

function sampler(historySize: number) {
  let now = Date.parse('2026-01-01T00:00:00.000Z');
  const totals = { msgsIn: 0, msgsOut: 0, failedLogins: 0, logins: 0, invokesOk: 0, invokesError: 0, invokesTimedOut: 0, invokesFailed: 0 };
  let conns = { total: 0, perChannel: {} as Record<string, number> };
  const s = new HealthSampler(HealthConfigSchema.parse({ sampleMs: 10_000, historySize }), { connections: () => conns, totals: () => ({ ...totals }) }, { name: 'n', version: '1', startedAt: new Date(now).toISOString() }, () => now);
  return {
    s,
    tick(ms: number, add: Partial<typeof totals>, c = conns) {
      now += ms;
      for (const [k, v] of Object.entries(add) as [keyof typeof totals, number][]) totals[k] += v;
      conns = c;
      return s.sample();
    },
  };
}

describe('HealthSampler', () => {
  it('turns cumulative counters into per-second rates over each interval', () => {
    const t = sampler(10);
    const a = t.tick(10_000, { msgsIn: 500, msgsOut: 1000, failedLogins: 3, logins: 20, invokesTimedOut: 1 }, { total: 2, perChannel: { demo: 2 } });
    expect(a).toMatchObject({ msgsInPerSec: 50, msgsOutPerSec: 100, failedLoginsPerSec: 0.3, loginsPerSec: 2, invokesTimedOutPerSec: 0.1, invokesOkPerSec: 0, connections: 2, perChannel: { demo: 2 } });
    const b = t.tick(5_000, { msgsIn: 10 });
    expect(b.msgsInPerSec).toBe(2);
    expect(b.msgsOutPerSec).toBe(0);
  });
  it('keeps at most historySize samples, oldest dropped first', () => {
    const t = sampler(3);
    for (let i = 0; i < 5; i++) t.tick(10_000, { msgsIn: i });
    const r = t.s.report();
    expect(r.samples).toHaveLength(3);
    expect(r.samples[0]!.at).toBe('2026-01-01T00:00:30.000Z');
    expect(r.uptimeSeconds).toBe(50);
    expect(r.totals.msgsIn).toBe(10);
  });
  it('reports no measured delay as 0, not as a sentinel', () => {
    const s = sampler(2).tick(10_000, {});
    expect(s.eventLoopLagP99Ms).toBe(0);
    expect(s.eventLoopLagMaxMs).toBe(0);
  });
  it('refuses a sample interval under a second', () => {
    expect(() => HealthConfigSchema.parse({ sampleMs: 10 })).toThrow();
    expect(() => HealthConfigSchema.parse({ sampleMs: 1000, extra: 1 })).toThrow();
  });
});
