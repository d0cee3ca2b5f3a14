import { ipcMain, type BrowserWindow } from 'electron';
import { IPC_CALL, IPC_EVENT } from '../../protocol/console/ipc-channels';
import type { CallResult } from '../../protocol/console/contract';
import { ErrorCode } from '../../protocol/errors';
import type { ConsoleCore } from '../core/console-core';
import type { Subscriber } from '../core/contract/event-hub';
import { isAppUrl } from './app-origin';

/**
 * The only file that touches ipcMain. One handler for every call: it checks the sender frame is
 * our app origin, then hands method + input to the core's dispatcher (which validates both with
 * the contract's schemas). Events go to the window over one channel; the window is one event
 * subscriber, so it gets connections.delta only for the clusters it watches (watchConnections).
 */
export interface WiredIpc {
  /** The window loaded a page again (reload, new window): its old watches mean nothing now. */
  pageLoaded(): void;
  dispose(): void;
}

export function wireIpc(corePromise: Promise<ConsoleCore>, getWindow: () => BrowserWindow | null): WiredIpc {
  let subscriber: Subscriber | null = null;
  let unwired = false;
  const subscribed = corePromise.then((core) => {
    if (!unwired) {
      subscriber = core.events.attach((name, payload) => {
        const win = getWindow();
        if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT, { event: name, payload });
      });
    }
    return core;
  });
  subscribed.catch(() => {});
  ipcMain.handle(IPC_CALL, async (event, method: unknown, input: unknown): Promise<CallResult> => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (!isAppUrl(frameUrl) || event.senderFrame?.parent) {
      return { ok: false, error: { code: ErrorCode.Forbidden, message: 'calls are only accepted from the console window' } };
    }
    if (typeof method !== 'string') return { ok: false, error: { code: ErrorCode.BadRequest, message: 'method must be a string', field: 'method' } };
    const core = await subscribed;
    return core.dispatch(method, input, subscriber ? { subscriber } : {});
  });
  return {
    pageLoaded: () => subscriber?.unwatchAll(),
    dispose: () => {
      unwired = true;
      subscriber?.dispose();
      ipcMain.removeHandler(IPC_CALL);
    },
  };
}
