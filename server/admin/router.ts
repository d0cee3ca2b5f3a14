import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { ErrorCode, validationError, type ErrorInfo } from '../../protocol/errors';
import { SbError } from '../errors';
import type { ServerControl } from '../control/control';
import { requireRole, type Caller, type TokenAuthenticator } from './auth';
import { recordAudit } from './audit';
import { errorInfoForResponse, readJsonBody, sendError, sendJson } from './http-util';
import { ADMIN_BASE_PATH } from './openapi';
import type { AnyRoute } from './route';

export interface RouterDeps {
  control: ServerControl;
  auth: TokenAuthenticator;
  maxBodyBytes: number;
  openapi(): unknown;
}

interface CompiledRoute {
  route: AnyRoute;
  segments: string[];
}

export type RouteMatch =
  | { kind: 'found'; route: AnyRoute; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

/** Matches /admin/v1 sub-paths against the route table; {param} matches one non-empty segment. */
export class RouteTable {
  private readonly compiled: CompiledRoute[];
  constructor(readonly routes: readonly AnyRoute[]) {
    this.compiled = routes.map((route) => ({ route, segments: route.path.split('/').slice(1) }));
  }

  match(method: string, subPath: string): RouteMatch {
    const parts = subPath.split('/').slice(1);
    const allow: string[] = [];
    for (const c of this.compiled) {
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      if (c.route.method === method) return { kind: 'found', route: c.route, params };
      allow.push(c.route.method);
    }
    return allow.length ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const v = parts[i]!;
    if (p.startsWith('{')) {
      if (v === '') return null;
      let decoded: string;
      try {
        decoded = decodeURIComponent(v);
      } catch {
        throw new SbError(ErrorCode.Validation, `path parameter ${p} is not valid percent-encoding`, { field: p.slice(1, -1) });
      }
      params[p.slice(1, -1)] = decoded;
    } else if (p !== v) {
      return null;
    }
  }
  return params;
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const info = validationError(r.error);
    throw new SbError(ErrorCode.Validation, info.message, { ...(info.field ? { field: info.field } : {}), details: info.details });
  }
  return r.data;
}

function auditTarget(route: AnyRoute, params: Record<string, string>, rawBody: unknown): string | null {
  const t = route.audit?.target;
  if (!t) return null;
  if (t.startsWith('body.')) {
    const v = rawBody !== null && typeof rawBody === 'object' ? (rawBody as Record<string, unknown>)[t.slice(5)] : undefined;
    return typeof v === 'string' ? v : null;
  }
  return params[t] ?? null;
}

/**
 * Serves one admin request: authenticate (401) → route (404/405) → role (403) → body (413/400)
 * → validate (400) → handle. Operator routes are audited whatever the outcome, and so is a
 * viewer's forbidden attempt at one.
 */
export async function handleAdminRequest(req: IncomingMessage, res: ServerResponse, table: RouteTable, deps: RouterDeps): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://admin.invalid');
  } catch {
    sendError(res, new SbError(ErrorCode.BadRequest, 'malformed request URL'));
    return;
  }
  const path = url.pathname;
  if (path !== ADMIN_BASE_PATH && !path.startsWith(ADMIN_BASE_PATH + '/')) {
    sendError(res, new SbError(ErrorCode.NotFound, `no such path ${path}; the admin API lives under ${ADMIN_BASE_PATH}`));
    return;
  }

  let caller: Caller;
  try {
    caller = deps.auth.authenticate(req, url);
  } catch (err) {
    req.resume();
    sendError(res, err, { 'www-authenticate': 'Bearer realm="switchboard-admin"' });
    return;
  }

  let match: RouteMatch;
  try {
    match = table.match(req.method ?? 'GET', path.slice(ADMIN_BASE_PATH.length));
  } catch (err) {
    req.resume();
    sendError(res, err);
    return;
  }
  if (match.kind === 'not-found') {
    req.resume();
    sendError(res, new SbError(ErrorCode.NotFound, `no such route ${req.method} ${path}`));
    return;
  }
  if (match.kind === 'method-not-allowed') {
    req.resume();
    sendError(res, new SbError(ErrorCode.MethodNotAllowed, `${req.method} is not allowed on ${path}; allowed: ${match.allow.join(', ')}`), { allow: match.allow.join(', ') });
    return;
  }

  const { route, params } = match;
  let rawBody: unknown;
  let parsedBody: unknown;
  let validBody = false;
  try {
    try {
      requireRole(caller, route.role);
    } catch (err) {
      // Read what a viewer tried (best effort) so its forbidden attempt is audited with params.
      if (route.body && route.audit) rawBody = await readJsonBody(req, deps.maxBodyBytes).catch(() => undefined);
      throw err;
    }
    if (route.body) {
      rawBody = await readJsonBody(req, deps.maxBodyBytes);
      parsedBody = parseWith(route.body, rawBody ?? {});
      validBody = true;
    } else {
      req.resume();
    }
    const query = route.query ? parseWith(route.query, Object.fromEntries(url.searchParams)) : undefined;
    const result = await route.handle({ params, query, body: parsedBody, caller, control: deps.control, openapi: deps.openapi });
    if (route.audit) recordAudit(deps.control.store, { actor: caller.name, role: caller.role, action: route.audit.action, target: auditTarget(route, params, rawBody), params: validBody ? parsedBody : rawBody });
    sendJson(res, route.response.status, result);
  } catch (err) {
    req.resume();
    const { info } = errorInfoForResponse(err);
    if (route.audit) recordAudit(deps.control.store, { actor: caller.name, role: caller.role, action: route.audit.action, target: auditTarget(route, params, rawBody), params: validBody ? parsedBody : rawBody, error: stripDetails(info) });
    if (!(err instanceof SbError)) process.stderr.write(`admin: ${req.method} ${path} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    sendError(res, err);
  }
}

const stripDetails = (info: ErrorInfo): ErrorInfo => ({ code: info.code, message: info.message, ...(info.field ? { field: info.field } : {}) });
