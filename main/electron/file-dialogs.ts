import type { BaseWindow, OpenDialogOptions, OpenDialogReturnValue, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { join } from 'node:path';
import type { ProbeFileDialogs } from '../core/probe/file-dialogs';

/** The part of Electron's `dialog` used here (a stand-in in unit tests). */
export interface DialogApi {
  showSaveDialog(window: BaseWindow, options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  showOpenDialog(window: BaseWindow, options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
}

/**
 * The probe's export/import dialogs in the desktop app: modal to the console window, starting in
 * `defaultDir` (the user's Downloads). Only a path the user picked reaches the core.
 */
export function electronFileDialogs(dialog: DialogApi, getWindow: () => BaseWindow | null, defaultDir: string): ProbeFileDialogs {
  const window = (): BaseWindow => {
    const w = getWindow();
    if (!w || w.isDestroyed()) throw new Error('no console window to attach the dialog to');
    return w;
  };
  return {
    async chooseSavePath({ title, defaultName, filters }) {
      const r = await dialog.showSaveDialog(window(), { title, defaultPath: join(defaultDir, defaultName), filters, properties: ['createDirectory', 'showOverwriteConfirmation'] });
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async chooseOpenPath({ title, filters }) {
      const r = await dialog.showOpenDialog(window(), { title, defaultPath: defaultDir, filters, properties: ['openFile'] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  };
}
