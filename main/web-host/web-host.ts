import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { WebClientFrameSchema, type WebServerFrame } from '../../protocol/console/contract';
import { ErrorCode } from '../../protocol/errors';
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

export const WEB_HOST_DEFAULTS = { maxFrameBytes: 16 * 1024 * 1024, maxBufferedBytes: 256 * 1024 * 1024 } as const;

/**
 * Serves the built renderer on 127.0.0.1 and carries the console contract over
 * ws://127.0.0.1:PORT/contract?token=…. Defences: loopback bind, Host header allow-list (DNS
 * rebinding), Origin allow-list on the upgrade (other sites), a random token (other local users
 * and processes), strict CSP on HTML.
 */
export async function startWebHost(opts: WebHostOptions): Promise<RunningWebHost> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const rendererDir = resolve(opts.rendererDir ?? 'out/renderer');
  const maxFrameBytes = opts.maxFrameBytes ?? WEB_HOST_DEFAULTS.maxFrameBytes;
  const maxBufferedBytes = opts.maxBufferedBytes ?? WEB_HOST_DEFAULTS.maxBufferedBytes;
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
    void handleHttp(req, res);
  });
  const handleHttp = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const base = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-resource-policy': 'same-origin' };
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res.writeHead(421, { ...base, 'content-type': 'text/plain' }).end('misdirected request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...base, allow: 'GET, HEAD' }).end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
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

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://x');
    if (!allowedHosts().has(req.headers.host ?? '')) return reject(421, 'Misdirected Request');
    if (url.pathname !== '/contract') return reject(404, 'Not Found');
    // Browsers always send Origin on WebSocket upgrades; a foreign page must not drive the console.
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return reject(403, 'Forbidden');
    if (!tokenMatches(url.searchParams.get('token'), token)) return reject(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

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
    const unsubscribe = core.events.subscribe((event, payload) => send({ kind: 'event', event, payload }));
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
      void core.dispatch(frame.data.method, frame.data.input).then((result) => send({ kind: 'result', id: frame.data.id, result }));
    });
    ws.on('close', () => {
      unsubscribe();
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
