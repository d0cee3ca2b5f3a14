import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ErrorCode, ErrorInfoSchema, type ErrorInfo } from '../../protocol/errors';
import { SbError, toErrorInfo } from '../errors';
import type { Logger } from '../logger';
import type { ClusterKeys } from './keys';
import { unavailable, type RedisLink } from './redis-link';

/** A routed command: the method name and its JSON arguments. */
const RpcFrame = z.union([
  z.object({ t: z.literal('req'), id: z.string(), from: z.string(), method: z.string(), args: z.array(z.unknown()) }),
  z.object({ t: z.literal('res'), id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.object({ t: z.literal('res'), id: z.string(), ok: z.literal(false), error: ErrorInfoSchema }),
]);

export type RpcHandler = (...args: unknown[]) => Promise<unknown>;

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  timer: NodeJS.Timeout;
}

/**
 * Request/response between nodes over Redis pub/sub: each node listens on its own channel
 * (`{ns}:rpc:<nodeId>`); a request names the caller, and the answer is published on the caller's
 * channel. A request nobody receives (PUBLISH counts 0 receivers: the owner is gone) fails at once;
 * one not answered within rpcTimeoutMs fails with SB_ERR_NODE_UNREACHABLE — never a hang.
 * Pending requests are bounded by the callers (one per admin request in flight).
 */
export class ClusterRpc {
  private readonly pending = new Map<string, Pending>();
  private handlers = new Map<string, RpcHandler>();

  constructor(
    private readonly link: RedisLink,
    private readonly keys: ClusterKeys,
    private readonly nodeId: string,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  handle(method: string, fn: RpcHandler): void {
    this.handlers.set(method, fn);
  }

  async start(): Promise<void> {
    await this.link.sub.subscribe(this.keys.rpc(this.nodeId));
    this.link.sub.on('message', (channel: string, text: string) => {
      if (channel === this.keys.rpc(this.nodeId)) this.onFrame(text);
    });
  }

  /** Calls `method` on `node`; rejects with the owner's own error, or SB_ERR_NODE_UNREACHABLE / SB_ERR_CLUSTER_UNAVAILABLE. */
  async call(node: string, method: string, args: unknown[], timeoutMs = this.timeoutMs): Promise<unknown> {
    this.link.require(method);
    const id = randomBytes(9).toString('base64url');
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SbError(ErrorCode.NodeUnreachable, `${method}: node ${node} did not answer within ${timeoutMs} ms (it may be overloaded or lost)`, { details: { node, timeoutMs } }));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    let receivers: number;
    try {
      receivers = await this.link.cmd.publish(this.keys.rpc(node), JSON.stringify({ t: 'req', id, from: this.nodeId, method, args }));
    } catch (err) {
      this.settle(id, undefined, unavailable(method, err));
      return answer;
    }
    if (receivers === 0) this.settle(id, undefined, new SbError(ErrorCode.NodeUnreachable, `${method}: node ${node} is not connected to the cluster (lost or stopped)`, { details: { node } }));
    return answer;
  }

  private settle(id: string, value: unknown, error?: unknown): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error !== undefined) p.reject(error);
    else p.resolve(value);
  }

  private onFrame(text: string): void {
    let frame: z.infer<typeof RpcFrame>;
    try {
      frame = RpcFrame.parse(JSON.parse(text));
    } catch {
      this.logger.warn('ignored a malformed cluster RPC frame');
      return;
    }
    if (frame.t === 'res') {
      if (frame.ok) this.settle(frame.id, frame.result);
      else this.settle(frame.id, undefined, fromInfo(frame.error));
      return;
    }
    void this.serve(frame);
  }

  private async serve(req: { id: string; from: string; method: string; args: unknown[] }): Promise<void> {
    const fn = this.handlers.get(req.method);
    let res: object;
    try {
      if (!fn) throw new SbError(ErrorCode.BadRequest, `no cluster method ${req.method} on node ${this.nodeId} (version mismatch?)`);
      res = { t: 'res', id: req.id, ok: true, result: (await fn(...req.args)) ?? null };
    } catch (err) {
      res = { t: 'res', id: req.id, ok: false, error: toErrorInfo(err) };
    }
    try {
      await this.link.cmd.publish(this.keys.rpc(req.from), JSON.stringify(res));
    } catch (err) {
      this.logger.warn('could not answer a routed command (Redis unreachable); the caller times out', { method: req.method, err: String(err) });
    }
  }

  close(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new SbError(ErrorCode.ClusterUnavailable, 'node shutting down'));
      this.pending.delete(id);
    }
  }
}

/** The owner's error travels as ErrorInfo; rebuilt here so the admin API answers with the owner's code and status. */
function fromInfo(info: ErrorInfo): SbError {
  const known = (Object.values(ErrorCode) as string[]).includes(info.code) ? (info.code as ErrorCode) : ErrorCode.Internal;
  return new SbError(known, info.message, { ...(info.field !== undefined ? { field: info.field } : {}), ...(info.details !== undefined ? { details: info.details } : {}) });
}
