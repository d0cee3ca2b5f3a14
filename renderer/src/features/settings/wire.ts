import type { ConsoleApi } from '../../../../protocol/console/contract';
import type { StoreState } from '../../store/create-store';

/** The settings feature's event wiring; returns its disposer. */
export function wireSettings(api: ConsoleApi, s: () => StoreState): () => void {
  return api.on('settings.changed', (st) => s().applySettings(st));
}
