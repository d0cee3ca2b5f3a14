import { ClusterNodeListSchema } from '../admin-cluster';
import { defineRoutes } from './define';

export const clusterRoutes = defineRoutes({
  'cluster.nodes': {
    method: 'GET', path: '/cluster/nodes', tag: 'cluster', role: 'viewer',
    summary: "The cluster's nodes with their health (a standalone server lists itself)",
    description: 'Each node: id, admin URL, version, PID, start time, last heartbeat, connections, event-loop lag and state (`alive`; `suspect` after two missed heartbeats; `lost` once its heartbeat key expired after nodeTtlMs and its connections left the registry). While this node cannot reach Redis it answers its last view with `state: degraded`.',
    response: { status: 200, schema: ClusterNodeListSchema, name: 'ClusterNodeList' },
  },
});
