import { describe, expect, it } from 'vitest';
import type { HealthSample } from '../../../../../protocol/admin-health';
import { channelsOf, columnsOf, formatBytes, formatUptime } from '../../../../../renderer/src/features/health/health-slice';

const sample = (at: string, perChannel: Record<string, number>): HealthSample => ({
  at, connections: Object.values(perChannel).reduce((a, b) => a + b, 0), perChannel,
  msgsInPerSec: 1, msgsOutPerSec: 2, failedLoginsPerSec: 0, loginsPerSec: 0, invokesOkPerSec: 0, invokesErrorPerSec: 0, invokesTimedOutPerSec: 0, invokesFailedPerSec: 0, rssBytes: 1, heapUsedBytes: 1, eventLoopLagP99Ms: 0, eventLoopLagMaxMs: 0,
});

describe('health helpers', () => {
  it('builds uPlot columns in Unix seconds; a channel that left keeps its line at 0', () => {
    const samples = [sample('2026-01-01T00:00:00.000Z', { demo: 2, ops: 1 }), sample('2026-01-01T00:00:10.000Z', { demo: 3 })];
    const chans = channelsOf(samples);
    expect(chans).toEqual(['demo', 'ops']);
    const cols = columnsOf(samples, [(s) => s.connections, ...chans.map((c) => (s: HealthSample) => s.perChannel[c] ?? 0)]);
    expect(cols).toEqual([[1767225600, 1767225610], [3, 3], [2, 3], [1, 0]]);
  });
  it('formats bytes and uptime for reading', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(5 * 1024 ** 2)).toBe('5.0 MiB');
    expect(formatUptime(59)).toBe('59 s');
    expect(formatUptime(3 * 3600 + 120)).toBe('3 h 2 min');
    expect(formatUptime(2 * 86400 + 3600)).toBe('2 d 1 h');
  });
});
