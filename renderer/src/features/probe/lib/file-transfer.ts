import type { ConsoleApi } from '../../../../../protocol/console/contract';
import type { ProbeSessionView } from '../../../../../protocol/console/probe';

/**
 * Browser side of probe export/import on the web host: the core's file is read (or written) in
 * base64 chunks through contract calls, and the browser saves a Blob or reads a picked File — so no
 * path on the machine running the core is ever typed.
 */

/** Bytes asked for per call (the core caps chunks at PROBE_TRANSFER_LIMITS.maxChunkBytes). */
export const TRANSFER_CHUNK_BYTES = 1024 * 1024;

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  // String.fromCharCode takes arguments: stay well under engines' argument limits.
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export interface DownloadedFile {
  fileName: string;
  mimeType: string;
  parts: Uint8Array<ArrayBuffer>[];
  bytes: number;
  entries: number;
}

/** Reads a whole export from the core; the transfer is closed whatever happens. */
export async function readDownload(api: ConsoleApi, sessionId: string, format: 'ndjson' | 'har', includeSecrets: boolean, chunkBytes = TRANSFER_CHUNK_BYTES): Promise<DownloadedFile> {
  const d = await api.call('probe.downloadStart', { sessionId, format, includeSecrets });
  const parts: Uint8Array<ArrayBuffer>[] = [];
  try {
    for (let offset = 0; offset < d.bytes; ) {
      const r = await api.call('probe.downloadRead', { transferId: d.transferId, offset, length: chunkBytes });
      if (r.bytes === 0) throw new Error(`the download ended early at ${offset} of ${d.bytes} bytes`);
      parts.push(base64ToBytes(r.data));
      offset += r.bytes;
    }
  } finally {
    await api.call('probe.transferClose', { transferId: d.transferId }).catch(() => {});
  }
  return { fileName: d.fileName, mimeType: d.mimeType, parts, bytes: d.bytes, entries: d.entries };
}

/** What upload needs of a File (a Blob with a name), so tests can pass their own. */
export interface PickedFile {
  name: string;
  size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** Sends a picked file to the core in chunks and imports it; an abandoned upload is closed. */
export async function uploadFile(api: ConsoleApi, file: PickedFile, chunkBytes = TRANSFER_CHUNK_BYTES): Promise<ProbeSessionView> {
  const up = await api.call('probe.uploadStart', { fileName: file.name.slice(0, 255) || 'upload', bytes: file.size });
  const step = Math.min(chunkBytes, up.maxChunkBytes);
  try {
    for (let offset = 0; offset < file.size; offset += step) {
      const buf = new Uint8Array(await file.slice(offset, Math.min(file.size, offset + step)).arrayBuffer());
      await api.call('probe.uploadWrite', { transferId: up.transferId, offset, data: bytesToBase64(buf) });
    }
  } catch (err) {
    await api.call('probe.transferClose', { transferId: up.transferId }).catch(() => {});
    throw err;
  }
  return api.call('probe.uploadFinish', { transferId: up.transferId });
}

/** Hands the bytes to the browser as a download (a Blob behind a temporary <a download>). */
export function saveInBrowser(file: DownloadedFile): void {
  const url = URL.createObjectURL(new Blob(file.parts, { type: file.mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked after the click has been handled; the download keeps its own reference.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
