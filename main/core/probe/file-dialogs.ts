/**
 * Native "save as" / "open" dialogs, provided by the desktop app (main/electron/file-dialogs.ts) and
 * absent on the web host, where the browser downloads and uploads instead. The core only ever writes
 * or reads a path the user picked in such a dialog.
 */
export interface FileDialogFilter {
  name: string;
  extensions: string[];
}

export interface ProbeFileDialogs {
  /** The path the user chose, or null when they cancelled. */
  chooseSavePath(opts: { title: string; defaultName: string; filters: FileDialogFilter[] }): Promise<string | null>;
  /** The file the user chose, or null when they cancelled. */
  chooseOpenPath(opts: { title: string; filters: FileDialogFilter[] }): Promise<string | null>;
}

export const EXPORT_FILTERS: Record<'ndjson' | 'har', FileDialogFilter[]> = {
  ndjson: [{ name: 'NDJSON log', extensions: ['ndjson', 'jsonl'] }],
  har: [{ name: 'HAR archive', extensions: ['har', 'json'] }],
};
export const IMPORT_FILTERS: FileDialogFilter[] = [
  { name: 'Probe exports', extensions: ['ndjson', 'jsonl', 'har', 'json'] },
  { name: 'All files', extensions: ['*'] },
];
