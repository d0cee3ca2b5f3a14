import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, type ErrorInfo } from '../../protocol/errors';
import { SbError, httpStatusOf } from '../errors';

/** Security headers on every admin response: JSON only, never cached, never framed. */
const BASE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
} as const;

export function sendJson(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) return;
  if (status === 204) {
    res.writeHead(204, { ...BASE_HEADERS, ...extraHeaders });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...extraHeaders,
  });
  res.end(text);
}

/** The one place an error becomes an HTTP response. Unknown errors never leak their message or stack. */
export function errorInfoForResponse(err: unknown): { status: number; info: ErrorInfo } {
  if (err instanceof SbError) return { status: httpStatusOf(err), info: err.toInfo() };
  return { status: 500, info: { code: ErrorCode.Internal, message: 'internal error' } };
}

export function sendError(res: ServerResponse, err: unknown, extraHeaders: Record<string, string> = {}): void {
  const { status, info } = errorInfoForResponse(err);
  sendJson(res, status, { error: info }, extraHeaders);
}

/**
 * Reads the request body up to maxBytes. A declared or actual size over the limit throws 413
 * (PayloadTooLarge); the rest of the body is drained so the client can read the response.
 * An empty body yields undefined; otherwise the body must be JSON.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw new SbError(ErrorCode.PayloadTooLarge, `request body is ${declared} bytes; the limit is ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  await new Promise<void>((resolve, reject) => {
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Drain a modest overrun so the client can read the 413; cut off a body that keeps coming.
      if (size > maxBytes * 4) req.destroy();
      if (tooLarge) return;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve());
    req.on('close', () => resolve());
    req.on('error', reject);
  });
  if (tooLarge) throw new SbError(ErrorCode.PayloadTooLarge, `request body exceeds the limit of ${maxBytes} bytes`);
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SbError(ErrorCode.BadRequest, 'request body is not valid JSON', { field: 'body' });
  }
}
