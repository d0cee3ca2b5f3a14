import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { ADMIN_BASE_PATH, adminRouteList, type AdminRoute, type AdminRouteName } from '../../protocol/admin-api';
import { ErrorCode, validationError } from '../../protocol/errors';
import type { ServerControl } from '../control/control';
import { SbError } from '../errors';
import type { Logger } from '../logger';
import type { AuthCounters } from '../../protocol/admin-config';
import { clientAddress, type FailureLimiter } from '../security/login-limiter';
import { auditParams, auditTarget, recordAudit } from './audit';
import { requireRole, type Caller, type TokenAuthenticator } from './auth';
import type { AdminHandlers } from './handlers';
import { BASE_HEADERS, errorInfoForResponse } from './http-errors';

type NamedRoute = AdminRoute & { name: AdminRouteName };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook. */
    caller: Caller | null;
    /** The audit entry of this request is written (so the error handler does not write a second). */
    audited: boolean;
  }
  interface FastifyContextConfig {
    adminRoute?: NamedRoute;
  }
}

export interface BindDeps {
  control: ServerControl;
  auth: TokenAuthenticator;
  handlers: AdminHandlers;
  openapi(): unknown;
  /** Completes the events stream for an authenticated upgrade. */
  onEventsSocket(ws: WebSocket): void;
  logger: Logger;
  /** Addresses with too many 401s get 429 before their token is looked at. */
  authLimiter: FailureLimiter;
  authCounters: AuthCounters;
  /** Peers whose X-Forwarded-For names the client's address for the limit. */
  trustedProxies: readonly string[];
}

const NoParams = z.object({}).strict();
const NoQuery = z.object({}).strict();
const WWW_AUTH = { 'www-authenticate': 'Bearer realm="switchboard-admin"' };

function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const info = validationError(r.error);
    throw new SbError(ErrorCode.Validation, info.message, { ...(info.field ? { field: info.field } : {}), details: info.details });
  }
  return r.data;
}

/** {name} → :name, for fastify's router. */
const fastifyPath = (path: string): string => ADMIN_BASE_PATH + path.replace(/\{([^}]+)\}/g, ':$1');

/** Matches a path against the declared ones to tell 405 (known path, other method) from 404. */
function allowedMethods(routes: readonly NamedRoute[], path: string): string[] {
  if (!path.startsWith(ADMIN_BASE_PATH)) return [];
  const parts = path.slice(ADMIN_BASE_PATH.length).split('/');
  const out = new Set<string>();
  for (const r of routes) {
    const pattern = r.path.split('/');
    if (pattern.length !== parts.length) continue;
    if (pattern.every((p, i) => (p.startsWith('{') ? parts[i] !== '' : p === parts[i]))) out.add(r.method);
  }
  return [...out];
}

/**
 * Serves protocol/admin-api on a fastify instance with the documented check order:
 * URL → token (401) → route (404/405) → role (403) → body size (413) → JSON (400) → schema (400)
 * → action. Operator routes are audited whatever the outcome, and so is a viewer's forbidden
 * attempt at one (without reading its body).
 */
export function bindAdminApi(app: FastifyInstance, deps: BindDeps): void {
  const routes = adminRouteList as readonly NamedRoute[];
  const trusted = new Set(deps.trustedProxies.map((a) => (a.startsWith('::ffff:') ? a.slice(7) : a)));
  const addressOf = (req: FastifyRequest): string => {
    const peer = req.raw.socket.remoteAddress ?? '';
    const xff = req.headers['x-forwarded-for'];
    const viaProxy = xff !== undefined && trusted.has(peer.startsWith('::ffff:') ? peer.slice(7) : peer);
    return clientAddress(peer, viaProxy ? (Array.isArray(xff) ? xff.join(', ') : xff) : null);
  };
  app.decorateRequest('caller', null);
  app.decorateRequest('audited', false);

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.headers(BASE_HEADERS);
    return payload;
  });

  app.addHook('onRequest', async (req) => {
    const raw = req.raw.url ?? '/';
    let url: URL;
    try {
      // A scheme-relative target ("//host:port/…") is not a path of ours: refuse it rather than guess.
      if (raw.startsWith('//')) throw new Error('scheme-relative');
      url = new URL(raw, 'http://admin.invalid');
    } catch {
      throw new SbError(ErrorCode.BadRequest, 'malformed request URL', { field: 'url' });
    }
    if (url.pathname !== ADMIN_BASE_PATH && !url.pathname.startsWith(ADMIN_BASE_PATH + '/')) {
      throw new SbError(ErrorCode.NotFound, `no such path ${url.pathname}; the admin API lives under ${ADMIN_BASE_PATH}`);
    }
    const route = req.routeOptions.config.adminRoute;
    const address = addressOf(req);
    const gate = await deps.authLimiter.begin(address);
    if (!gate.ok) {
      deps.authCounters.adminRateLimited++;
      const seconds = Math.ceil(gate.retryAfterMs / 1000);
      throw Object.assign(new SbError(ErrorCode.RateLimited, `too many requests with an unknown or missing admin token from this address; retry in ${seconds} s`), { headers: { 'retry-after': String(seconds) } });
    }
    try {
      req.caller = deps.auth.authenticate(req.raw, url, route?.upgrade === true);
      gate.attempt.succeeded();
    } catch (err) {
      deps.authCounters.adminUnauthorized++;
      gate.attempt.failed({ method: req.method, path: url.pathname, reason: err instanceof Error ? err.message : String(err) });
      throw Object.assign(err as Error, { headers: WWW_AUTH });
    }
    if (!route) return;
    if (req.ws && !route.upgrade) throw new SbError(ErrorCode.NotFound, `no WebSocket endpoint at ${url.pathname}`);
    try {
      requireRole(req.caller, route.role);
    } catch (err) {
      if (route.audit) {
        req.audited = true;
        recordAudit(deps.control.audit, req.caller, route, auditTarget(route, (req.params ?? {}) as Record<string, unknown>, undefined), undefined, errorInfoForResponse(err).info);
      }
      throw err;
    }
  });

  app.setNotFoundHandler(async (req) => {
    const path = (req.raw.url ?? '/').split('?')[0]!;
    const allow = allowedMethods(routes, path);
    if (allow.length > 0) {
      throw Object.assign(new SbError(ErrorCode.MethodNotAllowed, `${req.method} is not allowed on ${path}; allowed: ${allow.join(', ')}`), { headers: { allow: allow.join(', ') } });
    }
    throw new SbError(ErrorCode.NotFound, `no such route ${req.method} ${path}`);
  });

  app.setErrorHandler(async (err, req, reply: FastifyReply) => {
    const { status, info, internal } = errorInfoForResponse(err);
    const route = req.routeOptions.config.adminRoute;
    if (route?.audit && req.caller && !req.audited) {
      req.audited = true;
      recordAudit(deps.control.audit, req.caller, route, auditTarget(route, (req.params ?? {}) as Record<string, unknown>, req.body), auditParams(route.body, req.body), info);
    }
    if (internal) deps.logger.error('admin request failed', { method: req.method, url: req.url, err: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    const headers = (err as { headers?: Record<string, string> }).headers;
    if (headers) reply.headers(headers);
    reply.code(status).type('application/json; charset=utf-8');
    return { error: info };
  });

  for (const route of routes) {
    const handler = deps.handlers[route.name] as (ctx: unknown) => unknown;
    const serve = async (req: FastifyRequest, reply: FastifyReply) => {
      const caller = req.caller!;
      const params = parseWith(route.params ?? NoParams, req.params ?? {});
      const rawQuery = { ...(req.query as Record<string, unknown>) };
      if (route.upgrade) delete rawQuery.access_token;
      const query = parseWith(route.query ?? NoQuery, rawQuery);
      const body = route.body ? parseWith(route.body, req.body ?? {}) : undefined;
      if (!route.body && req.body !== undefined) throw new SbError(ErrorCode.Validation, 'body: this route takes no request body', { field: 'body' });
      const result = await handler({ params, query: route.query ? query : undefined, body, caller, control: deps.control, openapi: deps.openapi });
      if (route.audit) {
        req.audited = true;
        recordAudit(deps.control.audit, caller, route, auditTarget(route, params, req.body), auditParams(route.body, req.body));
      }
      reply.code(route.response.status);
      if (route.response.status === 204) return reply.send();
      reply.type('application/json; charset=utf-8');
      return JSON.stringify(result);
    };
    app.route({
      method: route.method,
      url: fastifyPath(route.path),
      config: { adminRoute: route },
      handler: serve,
      ...(route.upgrade ? { wsHandler: (socket: WebSocket) => deps.onEventsSocket(socket) } : {}),
    });
  }
}
