import type { ConsoleApi } from '../../../../protocol/console/contract';
import type { StoreState } from '../../store/create-store';

/** Config notices from any shown server refetch the comparison (coalesced); returns the disposer. */
export function wireDrift(api: ConsoleApi, s: () => StoreState): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const off = api.on('config.changed', (c) => {
    const d = s().drift;
    if (c.clusterId !== d.clusterId || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void s().reloadDrift();
    }, 150);
  });
  return () => {
    off();
    if (timer) clearTimeout(timer);
  };
}
