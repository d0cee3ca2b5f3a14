import { describe, expect, it } from 'vitest';
import type { GatewaySessionRow } from '../../../../../protocol/console/gateway';
import { applyRead, initialGateway, routePatch, sortRows } from '../../../../../renderer/src/features/gateway/gateway-slice';

const leg = { state: 'open' as const, framesIn: 0, bytesIn: 0, bufferedBytes: 0, paused: false, closeCode: null, closeReason: null };
const row = (id: string, route: string, openedAt: string): GatewaySessionRow => ({
  id, node: 'n1', route, mode: 'frames', clientAddress: '127.0.0.1', clientPort: 1, forwardedFor: null, path: '/', upstreamUrl: 'ws://u', instance: 'ws://u',
  subprotocol: '', openedAt, lastActivityAt: openedAt, state: 'open', client: leg, upstream: leg, rowKey: `n1/${id}`, serverId: 's1', serverUrl: 'http://s1', staleSince: null,
});

describe('gateway slice updates', () => {
  it('sorts rows by route, then opened time, then key', () => {
    const rows = [row('c', 'b', '2026-01-01T00:00:00.000Z'), row('b', 'a', '2026-01-01T00:00:02.000Z'), row('a', 'a', '2026-01-01T00:00:01.000Z')];
    expect(sortRows(rows).map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('drops an answer for another cluster and keeps the last routes when a read of them failed', () => {
    const shown = applyRead({ ...initialGateway(), clusterId: 'c1' }, 'c1', [], [row('a', 'r', '2026-01-01T00:00:00.000Z')], []);
    expect(shown.rows).toHaveLength(1);
    expect(applyRead(shown, 'c2', null, [], [])).toBe(shown);
    const again = applyRead(shown, 'c1', null, [], [{ serverId: 's1', message: 'down' }]);
    expect(again.routes).toEqual([]);
    expect(again.serverErrors).toEqual([{ serverId: 's1', message: 'down' }]);
  });
});

describe('routePatch', () => {
  it('names exactly the changed fields, or nothing', () => {
    const route = { listen: 'ws://h:1', path: '/a', upstreams: ['ws://u'], mode: 'frames' } as Parameters<typeof routePatch>[0];
    expect(routePatch(route, { listen: 'ws://h:1', path: '/a', upstreams: ['ws://u'], mode: 'frames' })).toBeNull();
    expect(routePatch(route, { listen: 'ws://h:1', path: '/b', upstreams: ['ws://u', 'ws://v'], mode: 'frames' })).toEqual({ path: '/b', upstreams: ['ws://u', 'ws://v'] });
    expect(routePatch(route, { listen: 'ws://h:1', path: '/a', upstreams: ['ws://u'], mode: 'raw' })).toEqual({ mode: 'raw' });
  });
});
