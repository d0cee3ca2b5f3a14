import type { ClusterProfile, ClusterSave, ClusterState, ServerStatus } from '../../../../protocol/console/clusters';
import type { SliceCreator } from '../../store/types';

export interface ClustersState {
  profiles: ClusterProfile[];
  /** Latest state per cluster (from openCluster and cluster.status events). */
  states: Record<string, ClusterState>;
  selectedId: string | null;
  loaded: boolean;
}

export interface ClustersSlice {
  clusters: ClustersState;
  loadClusters(): Promise<void>;
  /** Throws the CallError so the form can put `field` errors next to their input. */
  saveCluster(input: ClusterSave): Promise<ClusterProfile>;
  removeCluster(clusterId: string): Promise<void>;
  selectCluster(clusterId: string | null): Promise<void>;
  /** After a relink: opens the selected cluster again and reloads its rows in place. */
  reattachSelected(): Promise<void>;
  /** Every failing server of the cluster tries again now (the "Retry now" action). */
  retryCluster(clusterId: string): Promise<void>;
  applyClusterState(state: ClusterState): void;
  applyProfiles(items: ClusterProfile[]): void;
}

export const initialClusters: ClustersState = { profiles: [], states: {}, selectedId: null, loaded: false };

// ---- pure updates (unit tested)

export function withProfiles(s: ClustersState, profiles: ClusterProfile[]): ClustersState {
  const ids = new Set(profiles.map((p) => p.id));
  const states = Object.fromEntries(Object.entries(s.states).filter(([id]) => ids.has(id)));
  const selectedId = s.selectedId !== null && ids.has(s.selectedId) ? s.selectedId : null;
  return { ...s, profiles, states, selectedId, loaded: true };
}

export function withClusterState(s: ClustersState, state: ClusterState): ClustersState {
  return { ...s, states: { ...s.states, [state.clusterId]: state } };
}

/** A server that is not live and not merely starting: its rows are stale and the UI says why. */
export const isFailing = (s: ServerStatus): boolean => s.status === 'reconnecting' || s.status === 'unreachable' || s.status === 'auth-failed';

/** Servers that are not live, and whether none is (the whole cluster is away). */
export function clusterProblems(state: ClusterState | undefined): { failing: ServerStatus[]; noneLive: boolean } {
  if (!state || !state.open) return { failing: [], noneLive: false };
  const failing = state.servers.filter(isFailing);
  return { failing, noneLive: failing.length > 0 && !state.servers.some((s) => s.status === 'connected') };
}

/** The worst status of a cluster's servers, for the sidebar dot. */
export function clusterHealth(state: ClusterState | undefined): 'ok' | 'partial' | 'down' | 'closed' {
  if (!state || !state.open || state.servers.length === 0) return 'closed';
  const connected = state.servers.filter((s) => s.status === 'connected').length;
  if (connected === state.servers.length) return 'ok';
  return connected > 0 ? 'partial' : 'down';
}

/** Operator on at least this server? Viewer tokens see everything and change nothing. */
export function roleOf(state: ClusterState | undefined, serverId: string | undefined): 'operator' | 'viewer' | null {
  if (!state) return null;
  const servers = serverId ? state.servers.filter((s) => s.serverId === serverId) : state.servers.filter((s) => s.status === 'connected');
  const s: ServerStatus | undefined = servers[0];
  return s?.role ?? null;
}

/** Why an action is disabled on a server, or null when allowed. */
export function actionBlockedReason(state: ClusterState | undefined, serverId: string | undefined): string | null {
  if (!state) return 'No cluster selected';
  const s = serverId ? state.servers.find((x) => x.serverId === serverId) : state.servers.find((x) => x.status === 'connected');
  if (!s) return 'No connected server in this cluster';
  if (s.status !== 'connected') return `Server ${s.url} is ${s.status}`;
  if (s.role !== 'operator') return `Your token${s.tokenName ? ` "${s.tokenName}"` : ''} is a viewer token on ${s.url}: viewers can look but not act`;
  return null;
}

// ---- slice

export const createClustersSlice: SliceCreator<ClustersSlice> = (set, get, deps) => ({
  clusters: initialClusters,
  async loadClusters() {
    const { items } = await deps.api.call('clusters.list', {});
    get().applyProfiles(items);
    const { selectedId, profiles } = get().clusters;
    // The core keeps every cluster open; fetch each one's state so the sidebar shows live dots for
    // clusters that changed before this renderer attached (their cluster.status events were missed).
    const others = profiles.filter((p) => p.id !== selectedId && (selectedId !== null || p.id !== profiles[0]?.id));
    const fetched = Promise.all(
      others.map(async (p) => {
        try {
          get().applyClusterState(await deps.api.call('clusters.state', { clusterId: p.id }));
        } catch {
          // Only a dot: the cluster's own screen reports its errors when selected.
        }
      }),
    );
    if (selectedId === null && profiles[0]) await get().selectCluster(profiles[0].id);
    await fetched;
  },
  async saveCluster(input) {
    const saved = await deps.api.call('clusters.save', input);
    const profiles = get().clusters.profiles;
    const next = profiles.some((p) => p.id === saved.id) ? profiles.map((p) => (p.id === saved.id ? saved : p)) : [...profiles, saved];
    get().applyProfiles(next);
    await get().selectCluster(saved.id);
    return saved;
  },
  async removeCluster(clusterId) {
    await deps.api.call('clusters.remove', { clusterId });
    get().applyProfiles(get().clusters.profiles.filter((p) => p.id !== clusterId));
    if (get().clusters.selectedId === null) {
      const first = get().clusters.profiles[0];
      await get().selectCluster(first ? first.id : null);
    }
  },
  async selectCluster(clusterId) {
    set((s) => ({ clusters: { ...s.clusters, selectedId: clusterId } }));
    get().resetConnections(clusterId);
    if (clusterId === null) return;
    try {
      const state = await deps.api.call('clusters.open', { clusterId });
      get().applyClusterState(state);
      await get().resyncConnections();
    } catch (err) {
      get().notify('error', `Could not open the cluster: ${deps.errorMessage(err)}`);
    }
  },
  async reattachSelected() {
    const clusterId = get().clusters.selectedId;
    if (clusterId === null) return;
    try {
      get().applyClusterState(await deps.api.call('clusters.open', { clusterId }));
      await get().reattachConnections();
    } catch (err) {
      get().notify('error', `Could not reopen the cluster: ${deps.errorMessage(err)}`);
    }
  },
  async retryCluster(clusterId) {
    try {
      get().applyClusterState(await deps.api.call('clusters.retry', { clusterId }));
    } catch (err) {
      get().notify('error', `Could not retry: ${deps.errorMessage(err)}`);
    }
  },
  applyClusterState: (state) => set((s) => ({ clusters: withClusterState(s.clusters, state) })),
  applyProfiles: (items) => {
    const before = get().clusters.selectedId;
    set((s) => ({ clusters: withProfiles(s.clusters, items) }));
    if (before !== null && get().clusters.selectedId === null) get().resetConnections(null);
  },
});
