import type { OutgoingInvokeResult, OutgoingSendResult } from '../../protocol/admin-outgoing';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';
import type { Logger } from '../logger';
import type { ServiceHandler } from '../services/services';

/** What services (and hooks) hold of one outgoing connection: `ctx.outgoing(name)`. */
export interface OutgoingHandle {
  readonly name: string;
  /** Sends `data` (no reply expected); held in the send queue while the connection is not open. */
  send(data: unknown): Promise<OutgoingSendResult>;
  /** Sends a request and resolves with the peer's reply (switchboard: its response; plain: the correlated reply). */
  invoke(data: unknown, opts?: { timeoutMs?: number }): Promise<OutgoingInvokeResult>;
  /** switchboard peers only. */
  publish(topic: string, data: unknown, opts?: { timeoutMs?: number }): Promise<OutgoingInvokeResult>;
  /** switchboard peers only, for this session; list the topic in `topics` to keep it across logins. */
  subscribe(topic: string, opts?: { timeoutMs?: number }): Promise<OutgoingInvokeResult>;
}

/** Looks an outgoing connection up by name; SB_ERR_OUTGOING_NOT_FOUND when there is none. */
export type OutgoingLookup = (name: string) => OutgoingHandle;

/**
 * What a hook service gets as its second argument (its first is `data`): the event `type`
 * (`connect`, `message`, `close`), the connection's `name`, `data` on message (parsed per the data
 * format; a Buffer for binary), `code` and `reason` on close, `topic`/`seq` for pub/sub deliveries
 * and `requestId` for requests of a switchboard peer, and the same `outgoing(name)` services have.
 */
export interface OutgoingHookContext {
  readonly type: 'connect' | 'message' | 'close';
  readonly name: string;
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
  readonly topic?: string;
  readonly seq?: number;
  readonly requestId?: string | number;
  readonly logger: Logger;
  outgoing: OutgoingLookup;
}

export type OutgoingHook = (data: unknown, ctx: OutgoingHookContext) => unknown;

export interface HookRunner {
  /** Runs the named service as a hook; rejects with what it threw (the caller logs it). */
  run(service: string, connection: string, event: Record<string, unknown> & { type: OutgoingHookContext['type'] }): Promise<unknown>;
}

export function createHookRunner(services: ReadonlyMap<string, ServiceHandler>, logger: Logger, outgoing: OutgoingLookup): HookRunner {
  const loggers = new Map<string, Logger>();
  return {
    async run(service, connection, event) {
      const fn = services.get(service) as OutgoingHook | undefined;
      if (!fn) throw new SbError(ErrorCode.ServiceNotFound, `hook service "${service}" is not loaded`);
      let l = loggers.get(service);
      if (!l) loggers.set(service, (l = logger.child(`hook:${service}`)));
      const ctx: OutgoingHookContext = { ...event, name: connection, logger: l, outgoing };
      return await fn(event.data, ctx);
    },
  };
}
