import type { ConsoleApi } from '../../../protocol/console/contract';
import { createConsoleApi } from './console-api';
import { createIpcTransport, isPreloadBridge } from './ipc-transport';
import type { Transport } from './transport';
import { createWebTransport, tokenFromHash } from './web-transport';

export { CallError, errorInfoOf } from './console-api';
export type { LinkFailure, LinkStatus, LinkState } from './transport';
export { linkUp } from './transport';

declare global {
  interface Window {
    switchboard?: unknown;
  }
}

function pickTransport(): Transport {
  if (isPreloadBridge(window.switchboard)) return createIpcTransport(window.switchboard);
  const token = tokenFromHash(location.hash) ?? '';
  // Pasting the newly printed URL into an old tab changes only the fragment (no navigation):
  // start over with the new token rather than keep the refused one.
  window.addEventListener('hashchange', () => {
    if ((tokenFromHash(location.hash) ?? '') !== token) location.reload();
  });
  return createWebTransport({ url: `ws://${location.host}/contract?token=${encodeURIComponent(token)}`, token });
}

let current: { transport: Transport; api: ConsoleApi } | null = null;

/** Created on first use, so importing this module (e.g. from unit tests) opens nothing. */
export function getTransport(): Transport {
  if (!current) {
    const transport = pickTransport();
    current = { transport, api: createConsoleApi(transport) };
  }
  return current.transport;
}

/** The console contract, typed and schema-checked. The renderer does not know which transport carries it. */
export const api: ConsoleApi = {
  call: (method, input) => (getTransport(), current!.api.call(method, input)),
  on: (event, handler) => (getTransport(), current!.api.on(event, handler)),
};
