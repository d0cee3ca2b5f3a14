import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { PROBE_TRANSFER_LIMITS } from '../../../protocol/console/probe';
import { ErrorCode } from '../../../protocol/errors';
import { ConsoleError } from '../contract/errors';
import { PROBE_DIR_MODE, PROBE_FILE_MODE } from './persist';

export interface TransferOptions {
  /** Where temporary files live (cleared at start: whatever a previous run left is stale). */
  dir: string;
  maxChunkBytes?: number;
  maxUploadBytes?: number;
  maxOpen?: number;
  idleMs?: number;
}

interface Base {
  id: string;
  path: string;
  timer: NodeJS.Timeout | null;
}
interface Download extends Base {
  kind: 'download';
  bytes: number;
}
interface Upload extends Base {
  kind: 'upload';
  fileName: string;
  expected: number;
  received: number;
  fh: FileHandle | null;
}
type Transfer = Download | Upload;

const notFound = (id: string) => ConsoleError.of(ErrorCode.NotFound, `transferId: no open transfer ${id} (finished, closed, or idle too long)`, { field: 'transferId' });

/**
 * Files moving between the renderer and the core without a path on this machine: a download is an
 * export written to a temp file and read back in chunks; an upload is written in chunks to a temp
 * file and then imported. Bounded: chunk size, upload size, transfers open at once (the oldest is
 * closed), and an idle timeout that deletes abandoned files.
 */
export class Transfers {
  private readonly open = new Map<string, Transfer>();
  readonly maxChunkBytes: number;
  private readonly maxUploadBytes: number;
  private readonly maxOpen: number;
  private readonly idleMs: number;

  constructor(private readonly opts: TransferOptions) {
    this.maxChunkBytes = opts.maxChunkBytes ?? PROBE_TRANSFER_LIMITS.maxChunkBytes;
    this.maxUploadBytes = opts.maxUploadBytes ?? PROBE_TRANSFER_LIMITS.maxUploadBytes;
    this.maxOpen = opts.maxOpen ?? PROBE_TRANSFER_LIMITS.maxOpen;
    this.idleMs = opts.idleMs ?? PROBE_TRANSFER_LIMITS.idleMs;
    rmSync(opts.dir, { recursive: true, force: true });
    mkdirSync(opts.dir, { recursive: true, mode: PROBE_DIR_MODE });
  }

  get size(): number {
    return this.open.size;
  }

  /** Runs `write` into a fresh temp file and keeps it for reading. */
  async startDownload<T extends { bytes: number }>(write: (path: string) => Promise<T>): Promise<T & { transferId: string }> {
    const id = randomBytes(12).toString('base64url');
    const path = join(this.opts.dir, `${id}.download`);
    let result: T;
    try {
      result = await write(path);
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    await this.add({ kind: 'download', id, path, bytes: result.bytes, timer: null });
    return { ...result, transferId: id };
  }

  async read(id: string, offset: number, length: number): Promise<{ data: string; bytes: number }> {
    const t = this.get(id, 'download');
    if (offset > t.bytes) throw ConsoleError.of(ErrorCode.Validation, `offset: past the end of the download (${t.bytes} bytes)`, { field: 'offset' });
    const n = Math.min(length, this.maxChunkBytes, t.bytes - offset);
    const fh = await open(t.path, 'r');
    try {
      const buf = Buffer.alloc(n);
      const { bytesRead } = await fh.read(buf, 0, n, offset);
      return { data: buf.subarray(0, bytesRead).toString('base64'), bytes: bytesRead };
    } finally {
      await fh.close();
    }
  }

  async startUpload(fileName: string, bytes: number): Promise<{ transferId: string; maxChunkBytes: number }> {
    if (bytes > this.maxUploadBytes) throw ConsoleError.of(ErrorCode.PayloadTooLarge, `bytes: uploads are limited to ${this.maxUploadBytes} bytes`, { field: 'bytes' });
    const id = randomBytes(12).toString('base64url');
    const path = join(this.opts.dir, `${id}.upload`);
    const fh = await open(path, 'wx', PROBE_FILE_MODE);
    await this.add({ kind: 'upload', id, path, fileName, expected: bytes, received: 0, fh, timer: null });
    return { transferId: id, maxChunkBytes: this.maxChunkBytes };
  }

  async write(id: string, offset: number, base64: string): Promise<{ received: number }> {
    const t = this.get(id, 'upload');
    if (offset !== t.received) throw ConsoleError.of(ErrorCode.Validation, `offset: expected ${t.received} (chunks go in order)`, { field: 'offset' });
    const buf = Buffer.from(base64, 'base64');
    if (buf.length > this.maxChunkBytes) throw ConsoleError.of(ErrorCode.PayloadTooLarge, `data: chunks are at most ${this.maxChunkBytes} bytes`, { field: 'data' });
    if (t.received + buf.length > t.expected) throw ConsoleError.of(ErrorCode.Validation, `data: more than the ${t.expected} bytes announced`, { field: 'data' });
    await t.fh!.write(buf, 0, buf.length, offset);
    t.received += buf.length;
    return { received: t.received };
  }

  /** The complete upload's file; the caller imports it and then closes the transfer. */
  async finishUpload(id: string): Promise<{ path: string; fileName: string }> {
    const t = this.get(id, 'upload');
    if (t.received !== t.expected) throw ConsoleError.of(ErrorCode.Validation, `transferId: upload incomplete (${t.received} of ${t.expected} bytes)`, { field: 'transferId' });
    await t.fh?.close();
    t.fh = null;
    return { path: t.path, fileName: t.fileName };
  }

  async close(id: string): Promise<void> {
    const t = this.open.get(id);
    if (!t) throw notFound(id);
    await this.drop(t);
  }

  async dispose(): Promise<void> {
    for (const t of [...this.open.values()]) await this.drop(t);
  }

  private get<K extends Transfer['kind']>(id: string, kind: K): Extract<Transfer, { kind: K }> {
    const t = this.open.get(id);
    if (!t) throw notFound(id);
    if (t.kind !== kind) throw ConsoleError.of(ErrorCode.Validation, `transferId: ${id} is an ${t.kind}, not an ${kind}`, { field: 'transferId' });
    this.touch(t);
    return t as Extract<Transfer, { kind: K }>;
  }

  private async add(t: Transfer): Promise<void> {
    while (this.open.size >= this.maxOpen) await this.drop(this.open.values().next().value!);
    this.open.set(t.id, t);
    this.touch(t);
  }

  private touch(t: Transfer): void {
    if (t.timer) clearTimeout(t.timer);
    t.timer = setTimeout(() => void this.drop(t), this.idleMs);
    t.timer.unref();
  }

  private async drop(t: Transfer): Promise<void> {
    if (this.open.get(t.id) !== t) return;
    this.open.delete(t.id);
    if (t.timer) clearTimeout(t.timer);
    if (t.kind === 'upload') await t.fh?.close().catch(() => {});
    await rm(t.path, { force: true });
  }
}
