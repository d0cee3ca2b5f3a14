import { contextBridge, ipcRenderer } from 'electron';
import { callNames, eventNames, type CallResult } from '../protocol/console/contract';
import { IPC_CALL, IPC_EVENT } from '../protocol/console/ipc-channels';

/**
 * window.switchboard: exactly one function per contract call (each resolves with the CallResult
 * envelope) plus on(event, handler) → unsubscribe. Nothing else crosses: no ipcRenderer, no
 * process, and handlers never see the IpcRendererEvent.
 */
const knownEvents = new Set<string>(eventNames);
const handlers = new Map<string, Set<(payload: unknown) => void>>();

ipcRenderer.on(IPC_EVENT, (_event, message: unknown) => {
  if (typeof message !== 'object' || message === null) return;
  const { event, payload } = message as { event?: unknown; payload?: unknown };
  if (typeof event !== 'string') return;
  for (const h of handlers.get(event) ?? []) h(payload);
});

const api: Record<string, unknown> = {};
for (const name of callNames) {
  api[name] = (input: unknown): Promise<CallResult> => ipcRenderer.invoke(IPC_CALL, name, input) as Promise<CallResult>;
}
api.on = (event: string, handler: (payload: unknown) => void): (() => void) => {
  if (!knownEvents.has(event)) throw new Error(`unknown console event "${event}"`);
  if (typeof handler !== 'function') throw new TypeError('handler must be a function');
  let set = handlers.get(event);
  if (!set) handlers.set(event, (set = new Set()));
  const wrapped = (payload: unknown) => handler(payload);
  set.add(wrapped);
  return () => {
    set.delete(wrapped);
  };
};

contextBridge.exposeInMainWorld('switchboard', Object.freeze(api));
