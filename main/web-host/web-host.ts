import http from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { WebClientFrameSchema, type WebServerFrame } from '../../protocol/console/contract';
import { ErrorCode } from '../../protocol/errors';
import { CloseCode } from '../../protocol/close-codes';
import type { SandboxController } from '../core/clusters/cluster-service';
import type { OpenClusterOptions } from '../core/clusters/open-cluster';
import { createConsoleCore, type ConsoleCore } from '../core/console-core';
import { FileSecretStore, type SecretStore } from '../core/storage/secret-store';
import { contentSecurityPolicy } from './csp';
import { contentType, readStatic, resolveStatic } from './static-files';

export interface WebHostOptions {
  /** 0 (default) → a random free port. Always bound to 127.0.0.1. */
  port?: number;
  dataDir: string;
  /** Built renderer. Default out/renderer (relative to the working directory). */
  rendererDir?: string;
  /** Default: 32 random bytes, base64url. */
  token?: string;
  /** The embedded sandbox, when this host should run one. */
  sandbox?: SandboxController;
  /** false → do not start the sandbox whatever the setting says (--no-sandbox-server). */
  sandboxAllowed?: boolean;
  secrets?: SecretStore;
  version?: string;
  /** Largest accepted contract frame. Default 16 MiB. */
  maxFrameBytes?: number;
  /** A socket whose unsent backlog passes this is closed (1013) rather than buffering without bound. Default 256 MiB. */
  maxBufferedBytes?: number;
  /** Pings every page this often; one unanswered ping and its socket is dropped. Default 30 000 ms. */
  pingIntervalMs?: number;
  session?: OpenClusterOptions;
}

export interface RunningWebHost {
  /** http://127.0.0.1:PORT/#token=… — open this. */
  url: string;
  port: number;
  token: string;
  core: ConsoleCore;
  close(): Promise<void>;
}

export const WEB_HOST_DEFAULTS = { maxFrameBytes: 16 * 1024 * 1024, maxBufferedBytes: 256 * 1024 * 1024, pingIntervalMs: 30_000 } as const;

/**
 * Serves the built renderer on 127.0.0.1 and carries the console contract over
 * ws://127.0.0.1:PORT/contract?token=…. Defences: loopback bind, Host header allow-list (DNS
 * rebinding), Origin allow-list on the upgrade (other sites), a random token (other local users
 * and processes), strict CSP on HTML. A page with a missing or wrong token is told so by close code
 * 4401 (a refused upgrade would only reach it as 1006). No request may take the process down:
 * unparsable targets get 400, parser errors 400/431, handler bugs cost one request.
 */
export async function startWebHost(opts: WebHostOptions): Promise<RunningWebHost> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const rendererDir = resolve(opts.rendererDir ?? 'out/renderer');
  const maxFrameBytes = opts.maxFrameBytes ?? WEB_HOST_DEFAULTS.maxFrameBytes;
  const maxBufferedBytes = opts.maxBufferedBytes ?? WEB_HOST_DEFAULTS.maxBufferedBytes;
  const pingIntervalMs = opts.pingIntervalMs ?? WEB_HOST_DEFAULTS.pingIntervalMs;
  await mkdir(opts.dataDir, { recursive: true });

  const core = await createConsoleCore({
    dataDir: opts.dataDir,
    secrets: opts.secrets ?? new FileSecretStore(opts.dataDir),
    host: 'web',
    version: opts.version ?? readVersion(),
    ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
    ...(opts.sandboxAllowed !== undefined ? { sandboxAllowed: opts.sandboxAllowed } : {}),
    ...(opts.session ? { session: opts.session } : {}),
  });

  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const server = http.createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      // A bug must cost one request, never the process (and with it the core and the sandbox).
      console.error('web host: request failed', err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      else res.destroy();
    });
  });
  const base = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-resource-policy': 'same-origin' };
  const handleHttp = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res.writeHead(421, { ...base, 'content-type': 'text/plain' }).end('misdirected request');
      return;
    }
    const target = requestTarget(req.url);
    if (!target) {
      res.writeHead(400, { ...base, 'content-type': 'text/plain', connection: 'close' }).end('bad request target');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...base, allow: 'GET, HEAD' }).end();
      return;
    }
    const path = target.pathname;
    const file = await resolveStatic(rendererDir, path);
    if (!file && path === '/favicon.ico') {
      // The page declares no icon; answer the browser's automatic probe quietly.
      res.writeHead(204, base).end();
      return;
    }
    if (!file) {
      const notBuilt = path === '/' || path === '/index.html';
      res.writeHead(notBuilt ? 503 : 404, { ...base, 'content-type': 'text/plain; charset=utf-8' })
        .end(notBuilt ? `The renderer is not built (${rendererDir}). Run: npm run build:renderer` : 'not found');
      return;
    }
    const type = contentType(file);
    const headers: Record<string, string> = { ...base, 'content-type': type, 'cache-control': type.startsWith('text/html') ? 'no-store' : 'no-cache' };
    if (type.startsWith('text/html')) {
      headers['content-security-policy'] = contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);
      headers['x-frame-options'] = 'DENY';
    }
    const body = await readStatic(file);
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
  };
  // Requests Node's parser refuses (bad request line, header overflow, …) get a 4xx, not a reset.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });
  // CONNECT would otherwise just drop the socket; say what we are.
  server.on('connect', (_req, socket: Duplex) => {
    socket.on('error', () => {});
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nallow: GET, HEAD\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes, perMessageDeflate: false });
  server.on('upgrade', (req, socket: Duplex, head) => {
    // An upgrade socket has no error listener of its own: a reset peer must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (err) {
      console.error('web host: upgrade failed', err);
      socket.destroy();
    }
  });
  const upgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (!allowedHosts().has(req.headers.host ?? '')) return reject(421, 'Misdirected Request');
    const url = requestTarget(req.url);
    if (!url) return reject(400, 'Bad Request');
    if (url.pathname !== '/contract') return reject(404, 'Not Found');
    // Browsers always send Origin on WebSocket upgrades; a foreign page must not drive the console.
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return reject(403, 'Forbidden');
    if (!tokenMatches(url.searchParams.get('token'), token)) {
      // A browser sees any refused upgrade as a bare 1006. Our own page (right Host and Origin) is
      // let in only to be told, with a close code it can read, that its token is wrong — so it
      // stops retrying and says so. Nothing is subscribed and no frame is read before the close.
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', () => {});
        ws.close(CloseCode.ConsoleTokenRejected, 'access token missing or invalid');
      });
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  };

  const sockets = new Set<WebSocket>();
  function attach(ws: WebSocket): void {
    sockets.add(ws);
    const send = (frame: WebServerFrame) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > maxBufferedBytes) {
        ws.close(1013, 'console too slow to keep up');
        return;
      }
      ws.send(JSON.stringify(frame));
    };
    // One subscriber per page: its watchConnections calls decide which clusters' deltas it gets.
    const subscriber = core.events.attach((event, payload) => send({ kind: 'event', event, payload }));
    const ctx = { subscriber };
    send({ kind: 'ready' });
    // A page that vanished without a close (laptop lid, killed browser) is dropped after one silent interval.
    let alive = true;
    ws.on('pong', () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) {
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
    }, pingIntervalMs);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let raw: unknown;
      try {
        raw = JSON.parse(String(data));
      } catch {
        ws.close(1007, 'frames are JSON');
        return;
      }
      const frame = WebClientFrameSchema.safeParse(raw);
      if (!frame.success) {
        const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : -1;
        send({ kind: 'result', id, result: { ok: false, error: { code: ErrorCode.InvalidFrame, message: frame.error.issues[0]?.message ?? 'invalid frame' } } });
        return;
      }
      void core.dispatch(frame.data.method, frame.data.input, ctx).then((result) => send({ kind: 'result', id: frame.data.id, result }));
    });
    ws.on('close', () => {
      clearInterval(heartbeat);
      subscriber.dispose();
      sockets.delete(ws);
    });
    ws.on('error', () => {});
  }

  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', rej);
      res();
    });
  });
  port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}/#token=${encodeURIComponent(token)}`,
    port,
    token,
    core,
    async close() {
      for (const ws of sockets) ws.close(1001, 'console shutting down');
      await new Promise<void>((res) => wss.close(() => res()));
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
      await core.dispose();
    },
  };
}

/**
 * The request target as a URL, or null unless it is origin-form: one `/` then a path. `//host:port/`
 * (and `/\host`) would be read as a scheme-relative URL with its own host and port — `//a:99999/`
 * does not even parse — and absolute-form or `*` targets are for proxies, which we are not.
 */
export function requestTarget(raw: string | undefined): URL | null {
  if (raw === undefined || raw.length === 0 || raw[0] !== '/' || raw[1] === '/' || raw[1] === '\\') return null;
  try {
    return new URL(raw, 'http://127.0.0.1');
  } catch {
    return null;
  }
}

function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** main/web-host/web-host.ts and the bundled out/main/web-host.cjs both sit two levels below package.json. */
function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
