import type { ClusterNode, ClusterNodeList } from '../../../../protocol/admin-cluster';
import type { SliceCreator } from '../../store/types';

/** One node as the Nodes screen shows it: the node, and which server of the profile reported it. */
export interface NodeRow extends ClusterNode {
  /** The profile's server that reported this node (the freshest report wins). */
  reportedBy: string;
  /** That server's view of Redis: a `degraded` server's list is its last view. */
  reporterState: ClusterNodeList['state'];
  mode: ClusterNodeList['mode'];
}

export interface NodesState {
  clusterId: string | null;
  rows: NodeRow[];
  /** Servers whose list could not be fetched, with why. */
  errors: { serverId: string; message: string }[];
  loading: boolean;
}

export interface NodesSlice {
  nodes: NodesState;
  /** Fetches every connected server's node list of the cluster and merges them. */
  loadNodes(clusterId: string): Promise<void>;
}

/** How often the Nodes screen refreshes while shown. */
export const NODES_REFRESH_MS = 2000;

export const initialNodes = (): NodesState => ({ clusterId: null, rows: [], errors: [], loading: false });

const rank = (n: ClusterNode): number => (n.state === 'lost' ? 0 : 1);

/**
 * Merges the lists several servers gave: a cluster reached through two of its nodes lists each
 * node once (the freshest heartbeat wins, a live report over a lost one); independent servers each
 * bring their own nodes. Sorted by node id.
 */
export function mergeNodeLists(lists: readonly { serverId: string; list: ClusterNodeList }[]): NodeRow[] {
  const byId = new Map<string, NodeRow>();
  for (const { serverId, list } of lists) {
    for (const n of list.items) {
      const row: NodeRow = { ...n, reportedBy: serverId, reporterState: list.state, mode: list.mode };
      const cur = byId.get(n.nodeId);
      if (!cur || rank(row) > rank(cur) || (rank(row) === rank(cur) && row.heartbeatAt > cur.heartbeatAt)) byId.set(n.nodeId, row);
    }
  }
  return [...byId.values()].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
}

export const createNodesSlice: SliceCreator<NodesSlice> = (set, get, deps) => {
  let generation = 0;
  return {
    nodes: initialNodes(),
    async loadNodes(clusterId) {
      const gen = ++generation;
      const servers = (get().clusters.states[clusterId]?.servers ?? []).filter((s) => s.status === 'connected');
      set((s) => ({ nodes: { ...(s.nodes.clusterId === clusterId ? s.nodes : initialNodes()), clusterId, loading: true } }));
      const lists: { serverId: string; list: ClusterNodeList }[] = [];
      const errors: NodesState['errors'] = [];
      await Promise.all(servers.map(async (s) => {
        try {
          lists.push({ serverId: s.serverId, list: await deps.api.call('nodes.list', { clusterId, serverId: s.serverId }) });
        } catch (err) {
          errors.push({ serverId: s.serverId, message: deps.errorMessage(err) });
        }
      }));
      if (gen !== generation) return;
      set({ nodes: { clusterId, rows: mergeNodeLists(lists), errors, loading: false } });
    },
  };
};
