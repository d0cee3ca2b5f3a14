import type { ConsoleApi } from '../../../../protocol/console/contract';
import type { StoreState } from '../../store/create-store';

/** The topics feature's event wiring (topic config notices refetch the list); returns its disposer. */
export function wireTopics(api: ConsoleApi, s: () => StoreState): () => void {
  return api.on('config.changed', (c) => s().onTopicChanged(c));
}
