import type { ConsoleApi } from '../../../../protocol/console/contract';
import type { StoreState } from '../../store/create-store';

/** The clusters feature's event wiring; returns its disposer. */
export function wireClusters(api: ConsoleApi, s: () => StoreState): () => void {
  const offs = [api.on('cluster.status', (st) => s().applyClusterState(st)), api.on('clusters.changed', (e) => s().applyProfiles(e.items))];
  return () => offs.forEach((off) => off());
}
