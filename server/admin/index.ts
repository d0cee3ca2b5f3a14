import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { INVOKE_MAX_TIMEOUT_MS } from '../../protocol/admin-connections';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';
import type { ServerControl } from '../control/control';
import { TokenAuthenticator } from './auth';
import { AdminEventStream } from './events-stream';
import { errorInfoForResponse } from './http-util';
import { ADMIN_BASE_PATH, buildOpenApi } from './openapi';
import { AdminConfigSchema, type AdminConfig } from './options';
import { handleAdminRequest, RouteTable } from './router';
import { adminRoutes } from './routes';

export { AdminConfigSchema, type AdminConfig, type AdminConfigInput } from './options';

export interface RunningAdminServer {
  /** e.g. http://127.0.0.1:7070 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Slack over the longest invoke so a waiting request is never cut by the HTTP server's own timer. */
const REQUEST_TIMEOUT_MS = INVOKE_MAX_TIMEOUT_MS + 10_000;
const EVENTS_PATH = `${ADMIN_BASE_PATH}/events`;

/** Starts the admin HTTP API (under /admin/v1) and the live events WebSocket. */
export async function startAdminServer(control: ServerControl, opts: AdminConfig & { version: string }): Promise<RunningAdminServer> {
  const { version, ...adminOptions } = opts;
  const config = AdminConfigSchema.parse(adminOptions);
  const auth = new TokenAuthenticator(config.tokens);
  const table = new RouteTable(adminRoutes);
  let doc: unknown;
  const openapi = () => (doc ??= buildOpenApi(adminRoutes, version));
  const events = new AdminEventStream(control, { eventBatchMs: config.eventBatchMs, maxEventBufferBytes: config.maxEventBufferBytes });

  const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) => {
    handleAdminRequest(req, res, table, { control, auth, maxBodyBytes: config.maxBodyBytes, openapi }).catch((err: unknown) => {
      process.stderr.write(`admin: request failed: ${String(err)}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: ErrorCode.Internal, message: 'internal error' } }));
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(req.url ?? '/', 'http://admin.invalid');
      if (url.pathname !== EVENTS_PATH) throw new SbError(ErrorCode.NotFound, `no WebSocket endpoint at ${url.pathname}`);
      auth.authenticate(req, url, true);
      events.accept(req, socket, head);
    } catch (err) {
      rejectUpgrade(socket, err);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => (closing ??= (async () => {
      await events.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // In-flight requests (e.g. a long invoke) get the shutdown window of the runtime; then go.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
    })()),
  };
}

function rejectUpgrade(socket: Duplex, err: unknown): void {
  const { status, info } = errorInfoForResponse(err);
  const body = JSON.stringify({ error: info });
  const reason = status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    (status === 401 ? 'WWW-Authenticate: Bearer realm="switchboard-admin"\r\n' : '') + `\r\n${body}`,
  );
}
