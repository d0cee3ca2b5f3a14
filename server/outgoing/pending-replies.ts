import type { OutgoingInvokeResult } from '../../protocol/admin-outgoing';
import { ErrorCode, type ErrorInfo } from '../../protocol/errors';
import { SbError } from '../errors';

interface Pending {
  resolve(r: OutgoingInvokeResult): void;
  reject(e: SbError): void;
  timer: NodeJS.Timeout;
  sentAt: string;
  t0: number;
}

/**
 * The invokes one outgoing connection waits on, by correlation key. Owns every entry and its
 * timer: each ends exactly once, by its reply, its timeout, or the socket closing. The map is
 * made on the first invoke (most connections never wait on one).
 */
export class PendingReplies {
  private map: Map<string, Pending> | null = null;

  constructor(private readonly name: string, private readonly onTimeout: () => void) {}

  get size(): number {
    return this.map?.size ?? 0;
  }

  /** Registers `key` (bounded by `max`) and calls `send`; resolves with the reply or rejects. */
  start(key: string, timeoutMs: number, max: number, send: () => void): Promise<OutgoingInvokeResult> {
    const map = (this.map ??= new Map());
    if (map.size >= max) {
      return Promise.reject(new SbError(ErrorCode.OutgoingBusy, `outgoing connection "${this.name}" already waits on maxPendingInvokes (${max}) replies`, { details: { maxPendingInvokes: max } }));
    }
    if (map.has(key)) return Promise.reject(new SbError(ErrorCode.Conflict, `an invoke with correlation key ${key} is already waiting`, { field: 'data' }));
    return new Promise<OutgoingInvokeResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        map.delete(key);
        this.onTimeout();
        reject(new SbError(ErrorCode.InvokeTimeout, `outgoing connection "${this.name}": no reply within ${timeoutMs} ms`, { details: { timeoutMs } }));
      }, timeoutMs);
      map.set(key, { resolve, reject, timer, sentAt: new Date().toISOString(), t0: performance.now() });
      send();
    });
  }

  /** The reply for `key`; false when nothing waits on it. */
  answer(key: string, ok: boolean, data: unknown, error: ErrorInfo | undefined): boolean {
    const p = this.map?.get(key);
    if (!p) return false;
    this.map!.delete(key);
    clearTimeout(p.timer);
    p.resolve({
      name: this.name,
      ok,
      ...(data !== undefined ? { data: Buffer.isBuffer(data) ? data.toString('base64') : data } : {}),
      ...(error !== undefined ? { error } : {}),
      latencyMs: Math.round((performance.now() - p.t0) * 1000) / 1000,
      sentAt: p.sentAt,
      respondedAt: new Date().toISOString(),
    });
    return true;
  }

  /** The socket closed: every waiting invoke fails with `code`. */
  failAll(code: ErrorCode, message: string): void {
    if (!this.map) return;
    for (const p of this.map.values()) {
      clearTimeout(p.timer);
      p.reject(new SbError(code, message));
    }
    this.map = null;
  }
}
