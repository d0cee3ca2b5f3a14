import type { ConsoleApi } from '../../../../protocol/console/contract';
import type { StoreState } from '../../store/create-store';

/** The outgoing feature's event wiring; returns its disposer. */
export function wireOutgoing(api: ConsoleApi, s: () => StoreState): () => void {
  return api.on('outgoing.changed', (c) => s().onOutgoingChanged(c));
}
