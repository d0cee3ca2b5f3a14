import { describe, expect, it } from 'vitest';
import type { BaseWindow, OpenDialogOptions, SaveDialogOptions } from 'electron';
import { electronFileDialogs, type DialogApi } from '../../../main/electron/file-dialogs';

/** Electron's dialog cannot run here; this stand-in records what it is asked and answers as told. */
function standIn(answers: { save?: { canceled: boolean; filePath?: string }; open?: { canceled: boolean; filePaths: string[] } }) {
  const calls: { kind: 'save' | 'open'; window: BaseWindow; options: SaveDialogOptions | OpenDialogOptions }[] = [];
  const dialog: DialogApi = {
    showSaveDialog: async (window, options) => {
      calls.push({ kind: 'save', window, options });
      return { canceled: answers.save?.canceled ?? true, filePath: answers.save?.filePath ?? '' };
    },
    showOpenDialog: async (window, options) => {
      calls.push({ kind: 'open', window, options });
      return answers.open ?? { canceled: true, filePaths: [] };
    },
  };
  return { dialog, calls };
}

const win = { isDestroyed: () => false } as unknown as BaseWindow;

describe('electronFileDialogs', () => {
  it('asks modally, in the default directory, with the suggested name and filters', async () => {
    const { dialog, calls } = standIn({ save: { canceled: false, filePath: '/home/u/Downloads/x.har' }, open: { canceled: false, filePaths: ['/home/u/log.ndjson'] } });
    const d = electronFileDialogs(dialog, () => win, '/home/u/Downloads');
    const filters = [{ name: 'HAR archive', extensions: ['har'] }];
    expect(await d.chooseSavePath({ title: 'Export x', defaultName: 'x.har', filters })).toBe('/home/u/Downloads/x.har');
    expect(await d.chooseOpenPath({ title: 'Import', filters })).toBe('/home/u/log.ndjson');
    expect(calls[0]).toMatchObject({ kind: 'save', window: win, options: { title: 'Export x', defaultPath: '/home/u/Downloads/x.har', filters } });
    expect(calls[0]!.options.properties).toContain('showOverwriteConfirmation');
    expect(calls[1]).toMatchObject({ kind: 'open', window: win, options: { defaultPath: '/home/u/Downloads', properties: ['openFile'] } });
  });

  it('returns null when the user cancels, and refuses without a window', async () => {
    const { dialog } = standIn({ save: { canceled: true }, open: { canceled: true, filePaths: [] } });
    const d = electronFileDialogs(dialog, () => win, '/tmp');
    expect(await d.chooseSavePath({ title: 't', defaultName: 'a', filters: [] })).toBeNull();
    expect(await d.chooseOpenPath({ title: 't', filters: [] })).toBeNull();
    const none = electronFileDialogs(dialog, () => null, '/tmp');
    await expect(none.chooseOpenPath({ title: 't', filters: [] })).rejects.toThrow('no console window');
  });
});
