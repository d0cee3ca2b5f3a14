import type { InvokeResult } from '../../protocol/admin-connections';
import { ErrorCode, type ErrorInfo } from '../../protocol/errors';
import { SbError } from '../errors';

interface Pending {
  resolve(r: InvokeResult): void;
  reject(e: SbError): void;
  timer: NodeJS.Timeout;
  sentAt: string;
  t0: number;
}

/**
 * The server requests (admin invokes) one connection is waiting on. Owns every entry and its
 * timer: each ends exactly once, by the client's answer, the timeout, or the connection closing.
 */
export class PendingInvokes {
  private seq = 0;
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly connectionId: string) {}

  /** Registers a request and hands its id to `send`; rejects at once when send reports the socket gone. */
  start(timeoutMs: number, send: (id: string) => boolean): Promise<InvokeResult> {
    const id = `s${++this.seq}`;
    return new Promise<InvokeResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SbError(ErrorCode.InvokeTimeout, `connection ${this.connectionId} did not answer within ${timeoutMs} ms`, { details: { timeoutMs } }));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, sentAt: new Date().toISOString(), t0: performance.now() });
      if (!send(id)) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new SbError(ErrorCode.ConnectionClosed, `connection ${this.connectionId} closed before the request was sent`));
      }
    });
  }

  /** The client's answer; false when no request with that id is pending. */
  answer(inReplyTo: string | number, ok: boolean, data: unknown, error: ErrorInfo | undefined): boolean {
    const key = String(inReplyTo);
    const p = this.pending.get(key);
    if (!p) return false;
    this.pending.delete(key);
    clearTimeout(p.timer);
    p.resolve({
      connectionId: this.connectionId,
      ok,
      ...(data !== undefined ? { data } : {}),
      ...(error !== undefined ? { error } : {}),
      latencyMs: Math.round((performance.now() - p.t0) * 1000) / 1000,
      sentAt: p.sentAt,
      respondedAt: new Date().toISOString(),
    });
    return true;
  }

  /** The connection closed: every waiting request fails with ConnectionClosed. */
  closeAll(code: number, reason: string): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new SbError(ErrorCode.ConnectionClosed, `connection ${this.connectionId} closed (${code}) before answering`, { details: { code, reason } }));
    }
    this.pending.clear();
  }
}
