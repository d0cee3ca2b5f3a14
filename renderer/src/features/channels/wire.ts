import type { ConsoleApi } from '../../../../protocol/console/contract';
import type { StoreState } from '../../store/create-store';

/** The channels feature's event wiring; returns its disposer. */
export function wireChannels(api: ConsoleApi, s: () => StoreState): () => void {
  return api.on('config.changed', (c) => s().onConfigChanged(c));
}
