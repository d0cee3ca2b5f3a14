import type { OutgoingDataFormat, OutgoingFrame } from '../../protocol/admin-outgoing';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';

/** One frame ready for ws.send: text or bytes, and its size on the wire. */
export interface Encoded {
  payload: string | Buffer;
  binary: boolean;
  bytes: number;
}

/**
 * `data` as the connection's data format frames it: json → the value as JSON text; text → the
 * string itself; binary → base64 (what the admin API carries) or a Buffer (from a service).
 */
export function encode(format: OutgoingDataFormat, data: unknown, field = 'data'): Encoded {
  switch (format) {
    case 'json': {
      if (data === undefined) throw new SbError(ErrorCode.Validation, `${field}: a JSON value is required`, { field });
      const text = JSON.stringify(data);
      return { payload: text, binary: false, bytes: Buffer.byteLength(text) };
    }
    case 'text': {
      if (typeof data !== 'string') throw new SbError(ErrorCode.Validation, `${field}: this connection sends text: a string is required`, { field });
      return { payload: data, binary: false, bytes: Buffer.byteLength(data) };
    }
    case 'binary': {
      let buf: Buffer;
      if (Buffer.isBuffer(data)) buf = data;
      else if (data instanceof Uint8Array) buf = Buffer.from(data);
      else if (typeof data === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(data) && data.length % 4 === 0) buf = Buffer.from(data, 'base64');
      else throw new SbError(ErrorCode.Validation, `${field}: this connection sends binary: base64 text (or bytes from a service) is required`, { field });
      return { payload: buf, binary: true, bytes: buf.length };
    }
    default: {
      const never: never = format;
      throw new Error(`unknown data format ${String(never)}`);
    }
  }
}

/** A received frame as the data format reads it; JSON that does not parse is kept as its text. */
export function decode(format: OutgoingDataFormat, raw: Buffer, isBinary: boolean): { data: unknown; parseError: string | null } {
  if (format === 'binary') return { data: raw, parseError: null };
  const text = raw.toString('utf8');
  if (format === 'text' || isBinary) return { data: isBinary && format === 'json' ? raw : text, parseError: isBinary && format === 'json' ? 'a binary frame on a JSON connection' : null };
  try {
    return { data: JSON.parse(text) as unknown, parseError: null };
  } catch (err) {
    return { data: text, parseError: (err as Error).message };
  }
}

const PREVIEW_CHARS = 1024;
const PREVIEW_BYTES = 768;

/** A ring entry: the time stays a number until someone reads the ring (a Date per frame is costly). */
export type FrameRecord = Omit<OutgoingFrame, 'at'> & { atMs: number };

export const publicFrame = ({ atMs, ...f }: FrameRecord): OutgoingFrame => ({ ...f, at: new Date(atMs).toISOString() });

export function frameRecord(dir: 'in' | 'out', payload: string | Buffer, binary: boolean, bytes: number): FrameRecord {
  const at = Date.now();
  if (binary) {
    const b = typeof payload === 'string' ? Buffer.from(payload) : payload;
    return { dir, atMs: at, size: bytes, binary, preview: b.subarray(0, PREVIEW_BYTES).toString('base64'), truncated: b.length > PREVIEW_BYTES };
  }
  const text = typeof payload === 'string' ? payload : payload.toString('utf8', 0, Math.min(payload.length, PREVIEW_CHARS * 4));
  return { dir, atMs: at, size: bytes, binary, preview: text.length > PREVIEW_CHARS ? text.slice(0, PREVIEW_CHARS) : text, truncated: text.length > PREVIEW_CHARS || bytes > PREVIEW_CHARS * 4 };
}

/** A fixed-size ring: the newest `capacity` items, oldest first. */
export class Ring<T> {
  private items: T[] = [];
  private start = 0;
  constructor(private capacity: number) {}

  push(item: T): void {
    if (this.capacity === 0) return;
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  toArray(): T[] {
    return [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }

  resize(capacity: number): void {
    const kept = this.toArray().slice(-capacity || this.items.length);
    this.capacity = capacity;
    this.items = capacity === 0 ? [] : kept;
    this.start = 0;
  }
}

/** The value at a dot-separated path of a JSON value (undefined when any step is missing). */
export function getPath(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A copy of `value` with `key` set at `path` (intermediate objects created). */
export function withPath(value: Record<string, unknown>, path: string, key: unknown): Record<string, unknown> {
  const out = structuredClone(value);
  const parts = path.split('.');
  let cur: Record<string, unknown> = out;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = key;
  return out;
}
