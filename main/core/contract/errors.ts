import { ErrorCode, type ErrorInfo } from '../../../protocol/errors';

/** The one error the console core throws on purpose; the dispatcher turns it into the call's ErrorInfo. */
export class ConsoleError extends Error {
  readonly info: ErrorInfo;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'ConsoleError';
    this.info = info;
  }
  static of(code: ErrorCode, message: string, opts: { field?: string; details?: unknown } = {}): ConsoleError {
    return new ConsoleError({ code, message, ...(opts.field !== undefined ? { field: opts.field } : {}), ...(opts.details !== undefined ? { details: opts.details } : {}) });
  }
}

/** An error the admin API answered with (or a transport failure talking to it). */
export class AdminApiError extends ConsoleError {
  /** HTTP status, or 0 for a network/TLS/timeout failure. */
  readonly status: number;
  constructor(status: number, info: ErrorInfo) {
    super(info);
    this.name = 'AdminApiError';
    this.status = status;
  }
}

/**
 * Re-roots an admin error onto the call's input: the server names `address`, the call's input
 * has it at `channel.address`. Adds the server id so the UI can say which server refused.
 */
export function rerootError(err: unknown, fieldPrefix: string | null, serverId: string): unknown {
  if (!(err instanceof ConsoleError)) return err;
  const info = err.info;
  const field = info.field !== undefined && fieldPrefix ? `${fieldPrefix}.${info.field}` : info.field;
  const details = info.details && typeof info.details === 'object' && !Array.isArray(info.details) ? { ...info.details, serverId } : { serverId, ...(info.details !== undefined ? { server: info.details } : {}) };
  const next: ErrorInfo = { ...info, ...(field !== undefined ? { field } : {}), details };
  return err instanceof AdminApiError ? new AdminApiError(err.status, next) : new ConsoleError(next);
}

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof ConsoleError) return err.info;
  return { code: ErrorCode.Internal, message: err instanceof Error ? err.message : String(err) };
}
