import type { ConsoleApi } from '../../../../protocol/console/contract';
import type { StoreState } from '../../store/create-store';
import { CHART_SAMPLE_MS } from './connections-slice';

/** The connections feature's event wiring (deltas) and its chart sampler; returns the disposer. */
export function wireConnections(api: ConsoleApi, s: () => StoreState): () => void {
  const off = api.on('connections.delta', (d) => s().receiveDelta(d));
  const sampler = setInterval(() => s().sampleChannels(), CHART_SAMPLE_MS);
  return () => {
    off();
    clearInterval(sampler);
  };
}
