import { ErrorCode, type ErrorInfo } from '../../protocol/errors';
import { SbError } from '../errors';

/** Security headers on every admin response: JSON only, never cached, never framed. */
export const BASE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
} as const;

/** fastify's own errors (body limit, content type, …) in the catalogue's words. */
const FASTIFY_ERRORS: Record<string, (err: Error) => SbError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new SbError(ErrorCode.PayloadTooLarge, 'request body exceeds maxBodyBytes'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new SbError(ErrorCode.BadRequest, 'request body does not match its Content-Length', { field: 'body' }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new SbError(ErrorCode.UnsupportedMediaType, 'request bodies must be JSON (Content-Type: application/json)', { field: 'content-type' }),
  FST_ERR_CTP_INVALID_TYPE: () => new SbError(ErrorCode.UnsupportedMediaType, 'request bodies must be JSON (Content-Type: application/json)', { field: 'content-type' }),
  FST_ERR_CTP_EMPTY_TYPE: () => new SbError(ErrorCode.UnsupportedMediaType, 'a request body needs Content-Type: application/json', { field: 'content-type' }),
  FST_ERR_BAD_URL: () => new SbError(ErrorCode.BadRequest, 'malformed request URL (bad percent-encoding)', { field: 'url' }),
  FST_ERR_MAX_PARAM_LENGTH: () => new SbError(ErrorCode.BadRequest, 'a path segment is too long', { field: 'url' }),
  FST_ERR_ASYNC_CONSTRAINT: () => new SbError(ErrorCode.BadRequest, 'request could not be routed', { field: 'url' }),
};

/** Any error → the SbError the client sees; unknown errors become SB_ERR_INTERNAL without their message. */
export function toSbError(err: unknown): SbError {
  if (err instanceof SbError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && Object.hasOwn(FASTIFY_ERRORS, code)) return FASTIFY_ERRORS[code]!(err as Error);
  return new SbError(ErrorCode.Internal, 'internal error');
}

/** The one place an error becomes an HTTP status and body. */
export function errorInfoForResponse(err: unknown): { status: number; info: ErrorInfo; internal: boolean } {
  const e = toSbError(err);
  return { status: e.status, info: e.toInfo(), internal: !(err instanceof SbError) && e.code === ErrorCode.Internal };
}

/** Raw HTTP/1.1 error response for a socket that is not (yet) a fastify request, e.g. a refused upgrade. */
export function rawErrorResponse(status: number, info: ErrorInfo, extra: Record<string, string> = {}): string {
  const body = JSON.stringify({ error: info });
  const head = [`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}`, 'Connection: close', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, ...Object.entries({ ...BASE_HEADERS, ...extra }).map(([k, v]) => `${k}: ${v}`)];
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};
