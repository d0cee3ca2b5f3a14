import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyReply } from 'fastify';
import { buildOpenApi } from '../../protocol/admin-api/openapi';
import { ErrorCode } from '../../protocol/errors';
import type { ServerControl } from '../control/control';
import { SbError } from '../errors';
import { createLogger, type Logger } from '../logger';
import { ConnectionGuard } from '../net/connection-guard';
import { TokenAuthenticator } from './auth';
import { bindAdminApi } from './bind';
import { BASE_HEADERS } from './http-errors';
import { AdminEventStream } from './events-stream';
import { adminHandlers } from './handlers';
import { AdminConfigSchema, type AdminConfig } from './options';
import type { AuthCounters } from '../../protocol/admin-config';
import { FailureLimiter, newAuthCounters } from '../security/login-limiter';

export { AdminConfigSchema, type AdminConfig, type AdminConfigInput } from './options';

export interface RunningAdminServer {
  /** e.g. http://127.0.0.1:7070 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Admin bodies are JSON: one parser, with the documented limit, empty = no body, `__proto__` refused. */
function parseJsonBody(text: string): unknown {
  if (text.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SbError(ErrorCode.BadRequest, 'request body is not valid JSON', { field: 'body' });
  }
  return value;
}

/**
 * Starts the admin HTTP API (under /admin/v1) and the live events WebSocket, served by fastify
 * from the route declarations in protocol/admin-api.
 */
export async function startAdminServer(control: ServerControl, opts: AdminConfig & { version: string; logger?: Logger; trustedProxies?: readonly string[]; authCounters?: AuthCounters }): Promise<RunningAdminServer> {
  const { version, logger: givenLogger, trustedProxies, authCounters, ...adminOptions } = opts;
  const logger = givenLogger ?? createLogger('silent');
  const config = AdminConfigSchema.parse(adminOptions);
  const auth = new TokenAuthenticator(config.tokens);
  const guard = new ConnectionGuard(config.limits, trustedProxies ?? []);
  let doc: unknown;
  const openapi = () => (doc ??= buildOpenApi(version));
  const events = new AdminEventStream(control, { eventBatchMs: config.eventBatchMs, maxEventBufferBytes: config.maxEventBufferBytes, eventsCloseTimeoutMs: config.eventsCloseTimeoutMs });

  const app = Fastify({
    serverFactory: (handler) => {
      const server = createServer(guard.serverOptions(), handler);
      guard.attach(server);
      return server;
    },
    bodyLimit: config.maxBodyBytes,
    exposeHeadRoutes: false,
    logger: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 1024 },
    // Errors fastify raises before routing (bad percent-encoding): the same body as every other error.
    frameworkErrors: (err, _req, res) => {
      const e = err.code === 'FST_ERR_BAD_URL' ? new SbError(ErrorCode.BadRequest, 'malformed request URL (bad percent-encoding)', { field: 'url' }) : new SbError(ErrorCode.BadRequest, 'request could not be routed', { field: 'url' });
      const reply = res as unknown as FastifyReply;
      void reply.code(400).type('application/json; charset=utf-8').headers(BASE_HEADERS).send({ error: e.toInfo() });
    },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/([a-z0-9.-]+\+)?json$/i, { parseAs: 'string', bodyLimit: config.maxBodyBytes }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: 4096 }, errorHandler: (_err, socket) => socket.terminate() });
  bindAdminApi(app, {
    control,
    auth,
    handlers: adminHandlers,
    openapi,
    onEventsSocket: (ws) => events.add(ws),
    logger,
    authLimiter: new FailureLimiter(config.authLimits, logger, 'admin request with an unknown or missing token'),
    authCounters: authCounters ?? newAuthCounters(),
    trustedProxies: trustedProxies ?? [],
  });

  await app.listen({ host: config.host, port: config.port });
  const port = (app.server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => (closing ??= (async () => {
      await events.close();
      // In-flight requests (e.g. a long invoke) get a short grace; then every socket goes.
      const force = setTimeout(() => app.server.closeAllConnections(), 2000);
      force.unref();
      app.server.closeIdleConnections();
      await app.close();
      clearTimeout(force);
    })()),
  };
}
