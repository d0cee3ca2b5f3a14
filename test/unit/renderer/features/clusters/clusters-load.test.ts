import { describe, expect, it } from 'vitest';
import type { ClusterProfile, ClusterState, ServerStatus } from '../../../../../protocol/console/clusters';
import { clusterHealth } from '../../../../../renderer/src/features/clusters/clusters-slice';
import { testStore } from '../../fake-deps';

const profile = (id: string): ClusterProfile => ({ id, name: id, servers: [], builtin: null, createdAt: '2026-11-22T10:00:00.000Z', updatedAt: '2026-11-22T10:00:00.000Z' });
const server = (over: Partial<ServerStatus> = {}): ServerStatus => ({
  serverId: 's1', url: 'http://127.0.0.1:7070', status: 'connected', reason: null, nextRetryAt: null, attempts: 0, info: null,
  role: 'operator', tokenName: 'ops', rttMs: 1, connections: 0, insecureTls: false, since: '2026-11-22T10:00:00.000Z', ...over,
});
const stateOf = (clusterId: string, status: ServerStatus['status']): ClusterState => ({ clusterId, open: true, servers: [server({ status })] });

describe('loadClusters', () => {
  it('opens only the selected cluster, and fetches the live state of every other one for the sidebar', async () => {
    const live: Record<string, ClusterState> = { a: stateOf('a', 'connected'), b: stateOf('b', 'unreachable'), c: stateOf('c', 'connected') };
    const t = testStore({
      'clusters.list': () => ({ items: [profile('a'), profile('b'), profile('c')] }),
      'clusters.open': ({ clusterId }) => live[clusterId]!,
      'clusters.state': ({ clusterId }) => live[clusterId]!,
      'connections.watch': ({ clusterId }) => ({ clusterId, seq: 0, rows: [] }),
    });
    await t.store.getState().loadClusters();
    const { selectedId, states } = t.store.getState().clusters;
    expect(selectedId).toBe('a');
    expect(t.calls.filter((c) => c.method === 'clusters.open').map((c) => c.input)).toEqual([{ clusterId: 'a' }]);
    expect(t.calls.filter((c) => c.method === 'clusters.state').map((c) => c.input)).toEqual([{ clusterId: 'b' }, { clusterId: 'c' }]);
    expect(['a', 'b', 'c'].map((id) => clusterHealth(states[id]))).toEqual(['ok', 'down', 'ok']);
  });

  it('keeps loading when one cluster state cannot be fetched', async () => {
    const t = testStore({
      'clusters.list': () => ({ items: [profile('a'), profile('b'), profile('c')] }),
      'clusters.open': ({ clusterId }) => stateOf(clusterId, 'connected'),
      'clusters.state': ({ clusterId }) => {
        if (clusterId === 'b') throw new Error('gone');
        return stateOf(clusterId, 'connected');
      },
      'connections.watch': ({ clusterId }) => ({ clusterId, seq: 0, rows: [] }),
    });
    await t.store.getState().loadClusters();
    const { states } = t.store.getState().clusters;
    expect(clusterHealth(states.b)).toBe('closed');
    expect(clusterHealth(states.c)).toBe('ok');
  });
});
