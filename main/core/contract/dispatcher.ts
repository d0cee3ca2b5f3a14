import type { CallMap } from '../../../protocol/console/define';
import type { CallResult } from '../../../protocol/console/contract';
import { ErrorCode, validationError } from '../../../protocol/errors';
import { toErrorInfo } from './errors';
import type { CallContext } from './handler-types';

export type AnyHandlers = Record<string, (input: never, ctx: CallContext) => Promise<unknown>>;
/** `ctx` identifies the calling renderer (its event subscription); omitted by callers that have none. */
export type Dispatch = (method: string, input: unknown, ctx?: CallContext) => Promise<CallResult>;

/**
 * The one entry point of every transport. Validates the call name, the input (the contract's zod
 * schema; failures name the field), runs the handler, and validates its output too — a core bug
 * becomes an SB_ERR_INTERNAL result, never a malformed value in the renderer. Never throws.
 */
export function createDispatcher(calls: CallMap, handlers: AnyHandlers, opts: { onInternalError?: (method: string, err: unknown) => void } = {}): Dispatch {
  return async (method, input, ctx = {}) => {
    if (typeof method !== 'string' || !Object.hasOwn(calls, method)) {
      return { ok: false, error: { code: ErrorCode.BadRequest, message: `unknown call "${String(method)}"`, field: 'method' } };
    }
    const def = calls[method]!;
    const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
    // A missing handler fails that call only (a half-landed feature must not take the console down);
    // missingHandlers() lets a test insist on full coverage.
    if (typeof handler !== 'function') return { ok: false, error: { code: ErrorCode.Internal, message: `the console core does not implement "${method}" yet` } };
    const parsed = def.input.safeParse(input);
    if (!parsed.success) return { ok: false, error: validationError(parsed.error) };
    let value: unknown;
    try {
      value = await (handler as (i: unknown, c: CallContext) => Promise<unknown>)(parsed.data, ctx);
    } catch (err) {
      const error = toErrorInfo(err);
      if (error.code === ErrorCode.Internal) opts.onInternalError?.(method, err);
      return { ok: false, error };
    }
    const out = def.output.safeParse(value);
    if (!out.success) {
      opts.onInternalError?.(method, out.error);
      const issue = out.error.issues[0];
      return { ok: false, error: { code: ErrorCode.Internal, message: `console core returned an invalid ${method} result (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})` } };
    }
    return { ok: true, value: out.data };
  };
}

/** Contract calls without a handler (a unit test asserts this is empty for the real core). */
export function missingHandlers(calls: CallMap, handlers: AnyHandlers): string[] {
  return Object.keys(calls).filter((name) => !Object.hasOwn(handlers, name) || typeof handlers[name] !== 'function');
}
