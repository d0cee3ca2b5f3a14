import { describe, expect, it } from 'vitest';
import type { ClusterNode, ClusterNodeList } from '../../../../../protocol/admin-cluster';
import type { ClusterState } from '../../../../../protocol/console/clusters';
import { mergeNodeLists } from '../../../../../renderer/src/features/nodes/nodes-slice';
import { testStore } from '../../fake-deps';

const node = (nodeId: string, over: Partial<ClusterNode> = {}): ClusterNode => ({
  nodeId, name: nodeId, adminUrl: `http://127.0.0.1:1/${nodeId}`, hostname: 'h', pid: 1, version: '0.1.0', startedAt: '2026-12-04T10:00:00.000Z',
  heartbeatAt: '2026-12-04T10:00:01.000Z', connections: 1, eventLoopLagMs: 0.5, state: 'alive', lostAt: null, ...over,
});
const list = (items: ClusterNode[], over: Partial<ClusterNodeList> = {}): ClusterNodeList => ({ mode: 'cluster', state: 'healthy', self: items[0]?.nodeId ?? '', items, ...over });

describe('nodes', () => {
  it('merges the lists of several servers: each node once, the live and freshest report wins, sorted by id', () => {
    const rows = mergeNodeLists([
      { serverId: 's1', list: list([node('b', { state: 'lost', lostAt: '2026-12-04T10:00:05.000Z', connections: 0 }), node('a')]) },
      { serverId: 's2', list: list([node('b', { heartbeatAt: '2026-12-04T10:00:02.000Z' }), node('a', { heartbeatAt: '2026-12-04T10:00:03.000Z', connections: 7 })]) },
      { serverId: 's3', list: list([node('solo')], { mode: 'standalone' }) },
    ]);
    expect(rows.map((r) => `${r.nodeId}:${r.state}:${r.reportedBy}:${r.connections}`)).toEqual(['a:alive:s2:7', 'b:alive:s2:1', 'solo:alive:s3:1']);
    expect(rows.find((r) => r.nodeId === 'solo')?.mode).toBe('standalone');
  });

  it('asks every connected server of the cluster and keeps the errors of those that fail', async () => {
    const t = testStore({
      'nodes.list': (i) => {
        if (i.serverId === 's2') throw new Error('SB_ERR_CLUSTER_UNAVAILABLE');
        return list([node('a'), node('c')]);
      },
    });
    const servers = [
      { serverId: 's1', url: 'http://a', status: 'connected' },
      { serverId: 's2', url: 'http://b', status: 'connected' },
      { serverId: 's3', url: 'http://c', status: 'unreachable' },
    ];
    t.store.setState((s) => ({ clusters: { ...s.clusters, states: { k1: { clusterId: 'k1', open: true, servers } as unknown as ClusterState } } }));
    await t.store.getState().loadNodes('k1');
    expect(t.calls.map((c) => c.input)).toEqual([{ clusterId: 'k1', serverId: 's1' }, { clusterId: 'k1', serverId: 's2' }]);
    const n = t.store.getState().nodes;
    expect(n.rows.map((r) => r.nodeId)).toEqual(['a', 'c']);
    expect(n.errors).toEqual([{ serverId: 's2', message: 'SB_ERR_CLUSTER_UNAVAILABLE' }]);
    expect(n.loading).toBe(false);
  });
});
