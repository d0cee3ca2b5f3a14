import { describe, expect, it } from 'vitest';
import { EventHub } from '../../../../main/core/contract/event-hub';
import type { ConnectionsDelta } from '../../../../protocol/console/clusters';

const delta = (clusterId: string): ConnectionsDelta => ({ clusterId, seq: 1, upserts: [], removals: [], at: '2026-01-01T00:00:00.000Z' });

describe('EventHub', () => {
  it('sends a cluster’s deltas only to the subscribers watching it; other events to all', () => {
    const hub = new EventHub();
    const a: string[] = [];
    const b: string[] = [];
    const sa = hub.attach((e, p) => a.push(e === 'connections.delta' ? `delta:${(p as ConnectionsDelta).clusterId}` : e));
    const sb = hub.attach((e, p) => b.push(e === 'connections.delta' ? `delta:${(p as ConnectionsDelta).clusterId}` : e));
    expect(hub.isWatched('k1')).toBe(false);
    sa.watch('k1');
    sa.watch('k1');
    sb.watch('k2');
    hub.emit('connections.delta', delta('k1'));
    hub.emit('connections.delta', delta('k2'));
    hub.emit('settings.changed', { timeMode: 'utc', theme: 'system', views: {}, sandbox: false });
    expect(a).toEqual(['delta:k1', 'settings.changed']);
    expect(b).toEqual(['delta:k2', 'settings.changed']);

    // Watches are counted per subscriber; dispose and unwatchAll release them.
    sa.unwatch('k1');
    expect(hub.isWatched('k1')).toBe(false);
    sa.watch('k1');
    sa.dispose();
    expect(hub.isWatched('k1')).toBe(false);
    sa.watch('k1');
    expect(hub.isWatched('k1')).toBe(false);
    sb.unwatchAll();
    expect(hub.isWatched('k2')).toBe(false);
  });

  it('a firehose subscriber gets every cluster’s deltas and makes every table watched', () => {
    const hub = new EventHub();
    const seen: string[] = [];
    const off = hub.subscribe((_e, p) => seen.push((p as ConnectionsDelta).clusterId));
    hub.emit('connections.delta', delta('x'));
    expect(seen).toEqual(['x']);
    expect(hub.isWatched('anything')).toBe(true);
    off();
    expect(hub.isWatched('anything')).toBe(false);
  });
});
