import { ipcMain, type BrowserWindow } from 'electron';
import { IPC_CALL, IPC_EVENT } from '../../protocol/console/ipc-channels';
import type { CallResult } from '../../protocol/console/contract';
import { ErrorCode } from '../../protocol/errors';
import type { ConsoleCore } from '../core/console-core';
import { isAppUrl } from './app-origin';

/**
 * The only file that touches ipcMain. One handler for every call: it checks the sender frame is
 * our app origin, then hands method + input to the core's dispatcher (which validates both with
 * the contract's schemas). Events go to the window over one channel.
 */
export function wireIpc(corePromise: Promise<ConsoleCore>, getWindow: () => BrowserWindow | null): () => void {
  ipcMain.handle(IPC_CALL, async (event, method: unknown, input: unknown): Promise<CallResult> => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (!isAppUrl(frameUrl) || event.senderFrame?.parent) {
      return { ok: false, error: { code: ErrorCode.Forbidden, message: 'calls are only accepted from the console window' } };
    }
    if (typeof method !== 'string') return { ok: false, error: { code: ErrorCode.BadRequest, message: 'method must be a string', field: 'method' } };
    return (await corePromise).dispatch(method, input);
  });
  let unsubscribe: (() => void) | null = null;
  let unwired = false;
  void corePromise.then((core) => {
    if (unwired) return;
    unsubscribe = core.events.subscribe((name, payload) => {
      const win = getWindow();
      if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT, { event: name, payload });
    });
  }, () => {});
  return () => {
    unwired = true;
    unsubscribe?.();
    ipcMain.removeHandler(IPC_CALL);
  };
}
