import {
  consoleCalls,
  consoleEvents,
  type CallInput,
  type CallName,
  type CallOutput,
  type ConsoleApi,
  type EventName,
  type EventPayload,
} from '../../../protocol/console/contract';
import { ErrorCode, type ErrorInfo } from '../../../protocol/errors';
import type { Transport } from './transport';

/** A failed console call, carrying the core's ErrorInfo (code, message and the offending field). */
export class CallError extends Error {
  readonly info: ErrorInfo;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'CallError';
    this.info = info;
  }
}

export function errorInfoOf(err: unknown): ErrorInfo {
  if (err instanceof CallError) return err.info;
  return { code: ErrorCode.Internal, message: err instanceof Error ? err.message : String(err) };
}

/** Typed, schema-checked API over a raw transport: outputs and events are parsed where they enter. */
export function createConsoleApi(transport: Transport): ConsoleApi {
  return {
    async call<M extends CallName>(method: M, input: CallInput<M>): Promise<CallOutput<M>> {
      const result = await transport.call(method, input);
      if (!result.ok) throw new CallError(result.error);
      const parsed = consoleCalls[method].output.safeParse(result.value);
      if (!parsed.success) {
        throw new CallError({ code: ErrorCode.Internal, message: `${method}: unexpected reply shape (${parsed.error.issues[0]?.message ?? 'invalid'})` });
      }
      return parsed.data as CallOutput<M>;
    },
    on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
      const schema = consoleEvents[event];
      return transport.on(event, (raw) => {
        const parsed = schema.safeParse(raw);
        if (parsed.success) handler(parsed.data as EventPayload<E>);
        else console.warn(`dropped malformed ${event} event`, parsed.error.issues[0]);
      });
    },
  };
}
