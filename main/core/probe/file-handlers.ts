import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { probeCalls, ProbeSessionConfig, ProbeSessionView } from '../../../protocol/console/probe';
import { ProbeSessionConfigInput } from '../../../protocol/console/probe';
import { ErrorCode } from '../../../protocol/errors';
import { ConsoleError } from '../contract/errors';
import type { Handlers } from '../contract/handler-types';
import { exportFileName, readExport, writeExport } from './export-import';
import { EXPORT_FILTERS, IMPORT_FILTERS, type ProbeFileDialogs } from './file-dialogs';
import type { Live } from './handlers';
import type { SavedSession } from './persist';
import type { Transfers } from './transfers';

type FileCalls = Pick<
  typeof probeCalls,
  'probe.downloadStart' | 'probe.downloadRead' | 'probe.uploadStart' | 'probe.uploadWrite' | 'probe.uploadFinish' | 'probe.transferClose' | 'probe.exportToFile' | 'probe.importFromFile'
>;

export interface FileHandlerDeps {
  get(sessionId: string): Live;
  createSession(id: string, config: ProbeSessionConfig, createdAt: string, saved: SavedSession | null): Live;
  forget(id: string): Promise<void>;
  emitSessions(): void;
  view(l: Live): ProbeSessionView;
  transfers: Transfers;
  dialogs: ProbeFileDialogs | undefined;
}

const MIME = { ndjson: 'application/x-ndjson', har: 'application/json' } as const;

/**
 * Export and import without typed paths: the web host moves files through the contract in chunks
 * (the browser saves a Blob and reads an <input type=file>); the desktop app asks the user with the
 * native dialogs. Either way the core writes or reads only what the user chose.
 */
export function createFileHandlers(d: FileHandlerDeps): Handlers<FileCalls> {
  /** Reads an export into a new, imported session; nothing is created when a line is bad. */
  const importFile = async (path: string, displayName: string, name: string | undefined, field: string): Promise<ProbeSessionView> => {
    const id = `import-${randomUUID()}`;
    const placeholder = ProbeSessionConfigInput.parse({ name: name ?? displayName.slice(0, 200), url: 'ws://imported.invalid/' });
    const l = d.createSession(id, placeholder, new Date().toISOString(), null);
    try {
      const meta = await readExport(path, (e) => l.session.importEntry(e), field, displayName);
      const url = meta.url && ProbeSessionConfigInput.shape.url.safeParse(meta.url).success ? meta.url : placeholder.url;
      l.session.updateConfig({ ...placeholder, url, name: name ?? meta.name ?? placeholder.name });
    } catch (err) {
      await d.forget(id);
      throw err;
    }
    d.emitSessions();
    return d.view(l);
  };

  const dialogs = (): ProbeFileDialogs => {
    if (!d.dialogs) throw ConsoleError.of(ErrorCode.Unavailable, 'native file dialogs exist only in the desktop app; download or upload the file instead');
    return d.dialogs;
  };

  return {
    'probe.downloadStart': async ({ sessionId, format, includeSecrets }) => {
      const s = d.get(sessionId).session;
      const r = await d.transfers.startDownload((path) => writeExport(s, path, format, { includeSecrets }));
      return { transferId: r.transferId, fileName: exportFileName(s.config.name, format), mimeType: MIME[format], bytes: r.bytes, entries: r.entries };
    },
    'probe.downloadRead': async ({ transferId, offset, length }) => d.transfers.read(transferId, offset, length),
    'probe.uploadStart': async ({ fileName, bytes }) => d.transfers.startUpload(fileName, bytes),
    'probe.uploadWrite': async ({ transferId, offset, data }) => d.transfers.write(transferId, offset, data),
    'probe.uploadFinish': async ({ transferId, name }) => {
      const up = await d.transfers.finishUpload(transferId);
      try {
        return await importFile(up.path, up.fileName, name, 'file');
      } finally {
        await d.transfers.close(transferId).catch(() => {});
      }
    },
    'probe.transferClose': async ({ transferId }) => {
      await d.transfers.close(transferId);
      return { ok: true as const };
    },
    'probe.exportToFile': async ({ sessionId, format, includeSecrets }) => {
      const s = d.get(sessionId).session;
      const path = await dialogs().chooseSavePath({ title: `Export ${s.config.name}`, defaultName: exportFileName(s.config.name, format), filters: EXPORT_FILTERS[format] });
      if (path === null) return { saved: false as const };
      try {
        return { saved: true as const, path, ...(await writeExport(s, path, format, { includeSecrets })) };
      } catch (err) {
        throw ConsoleError.of(ErrorCode.Validation, `file: cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { field: 'file' });
      }
    },
    'probe.importFromFile': async ({ name }) => {
      const path = await dialogs().chooseOpenPath({ title: 'Import a probe export', filters: IMPORT_FILTERS });
      if (path === null) return { session: null };
      return { session: await importFile(path, basename(path), name, 'file') };
    },
  };
}
