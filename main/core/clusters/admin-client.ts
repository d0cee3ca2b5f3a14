import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { ADMIN_BASE_PATH, adminApi, fillPath, queryString, type AdminApi, type AdminRoute, type AdminRouteName, type RouteArgs, type RouteResult } from '../../../protocol/admin-api';
import { ErrorBodySchema, ErrorCode } from '../../../protocol/errors';
import { AdminApiError, ConsoleError } from '../contract/errors';

export interface AdminClientOptions {
  /** http(s)://host:port of the admin API (no trailing slash needed). */
  baseUrl: string;
  token: string | null;
  tls?: { caFile?: string | undefined; allowSelfSigned: boolean };
  /** Per request: connect + response. Default 10 000 ms. */
  timeoutMs?: number;
  /** Larger response bodies are refused. Default 64 MiB (a 5000-row page is ~3 MiB). */
  maxResponseBytes?: number;
}

export const ADMIN_CLIENT_DEFAULTS = { timeoutMs: 10_000, maxResponseBytes: 64 * 1024 * 1024 } as const;

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * Plain HTTP(S) client of one server's admin API. One keep-alive agent per client, released by
 * close(). Every response body is parsed by the caller's zod schema where it enters.
 */
export class AdminClient {
  readonly baseUrl: URL;
  private readonly token: string | null;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  /** Round trip of the last successful request, ms. */
  lastRttMs: number | null = null;

  constructor(opts: AdminClientOptions) {
    this.baseUrl = new URL(opts.baseUrl);
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? ADMIN_CLIENT_DEFAULTS.timeoutMs;
    this.maxResponseBytes = opts.maxResponseBytes ?? ADMIN_CLIENT_DEFAULTS.maxResponseBytes;
    if (this.baseUrl.protocol === 'https:') {
      let ca: Buffer | undefined;
      if (opts.tls?.caFile) {
        try {
          ca = readFileSync(opts.tls.caFile);
        } catch (err) {
          throw ConsoleError.of(ErrorCode.Validation, `cannot read CA file: ${(err as Error).message}`, { field: 'tls.caFile' });
        }
      }
      this.agent = new https.Agent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: !opts.tls?.allowSelfSigned, ...(ca ? { ca } : {}) });
    } else {
      this.agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    }
  }

  /** Options for the events WebSocket so it uses the same TLS trust and token. */
  wsOptions(): { headers: Record<string, string>; agent: http.Agent } {
    return { headers: this.token ? { authorization: `Bearer ${this.token}` } : {}, agent: this.agent };
  }

  /**
   * Calls one admin route by its declared name: path, method and response schema all come from
   * protocol/admin-api, so nothing here restates them.
   */
  async call<N extends AdminRouteName>(name: N, args: RouteArgs<AdminApi[N]>, opts: { timeoutMs?: number } = {}): Promise<RouteResult<AdminApi[N]>> {
    const route: AdminRoute = adminApi[name];
    const a = args as { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
    const path = ADMIN_BASE_PATH + fillPath(route.path, a.params) + queryString(a.query);
    const { status, json } = await this.raw(route.method, path, a.body, opts);
    if (!route.response.schema || status === 204) return undefined as RouteResult<AdminApi[N]>;
    const parsed = route.response.schema.safeParse(json);
    if (!parsed.success) {
      throw new AdminApiError(status, { code: ErrorCode.Internal, message: `unexpected admin API response for ${route.method} ${route.path}: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
    }
    return parsed.data as RouteResult<AdminApi[N]>;
  }

  /** ws(s):// URL of the live events stream (from its declared path). */
  eventsUrl(): string {
    const u = new URL(ADMIN_BASE_PATH + adminApi['events.stream'].path, this.baseUrl);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return u.toString();
  }

  /** Resolves with any 2xx; throws AdminApiError for everything else (status 0 = never answered). */
  raw(method: Method, path: string, body?: unknown, opts: { timeoutMs?: number } = {}): Promise<{ status: number; json: unknown }> {
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const url = new URL(path, this.baseUrl);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const mod = url.protocol === 'https:' ? https : http;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = mod.request(url, {
        method,
        agent: this.agent,
        timeout: timeoutMs,
        headers: {
          accept: 'application/json',
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        },
      });
      // The socket timeout only covers idleness; this one bounds the whole exchange.
      const deadline = setTimeout(() => req.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      req.on('error', (err) => {
        clearTimeout(deadline);
        reject(new AdminApiError(0, { code: err.message.startsWith('timed out') ? ErrorCode.Timeout : ErrorCode.Unavailable, message: `${url.host}: ${describeNetError(err)}` }));
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.maxResponseBytes) {
            req.destroy(new Error(`response larger than ${this.maxResponseBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('error', () => {});
        res.on('end', () => {
          clearTimeout(deadline);
          this.lastRttMs = performance.now() - started;
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = undefined;
          if (text.length > 0) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          if (status >= 200 && status < 300) {
            resolve({ status, json });
            return;
          }
          const err = ErrorBodySchema.safeParse(json);
          reject(new AdminApiError(status, err.success ? err.data.error : { code: statusCode(status), message: `HTTP ${status} from ${method} ${url.pathname}` }));
        });
      });
      if (payload) req.end(payload);
      else req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function statusCode(status: number): ErrorCode {
  if (status === 401) return ErrorCode.Unauthorized;
  if (status === 403) return ErrorCode.Forbidden;
  if (status === 404) return ErrorCode.NotFound;
  if (status === 413) return ErrorCode.PayloadTooLarge;
  if (status === 503) return ErrorCode.Unavailable;
  return status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest;
}

/** Short, human cause of a network/TLS failure (ECONNREFUSED, certificate problems, ...). */
export function describeNetError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN') return 'self-signed certificate (enable "allow self-signed" or add its CA file)';
  if (code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY') return 'certificate not trusted (add its CA file)';
  if (code === 'CERT_HAS_EXPIRED') return 'certificate expired';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'certificate does not match the host name';
  return code ? `${code}: ${err.message}` : err.message;
}
