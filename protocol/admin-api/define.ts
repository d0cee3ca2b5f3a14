import type { z } from 'zod';
import type { AdminRole } from '../admin-config';

/**
 * The admin API as data. Each route is declared once here — method, path, params, query, body,
 * response, role, errors, audit — and everything else derives from the declaration: the server
 * binds a handler per route name, the console core's admin client gets typed methods, console
 * calls reuse the body schemas, and docs/openapi.json is generated from it.
 */

export const ADMIN_BASE_PATH = '/admin/v1';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export type AuditTargetPath = `params.${string}` | `body.${string}`;

export interface AuditSpec {
  /** e.g. channel.create, connection.invoke */
  action: string;
  /**
   * Where the target's name is: a path parameter (`params.name`) or a body field (`body.name`);
   * with several, the first one present.
   */
  target: AuditTargetPath | readonly AuditTargetPath[];
}

export interface AdminRoute {
  method: HttpMethod;
  /** Path below /admin/v1 with {param} placeholders. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Least role allowed. Every operator route is audited (its attempts too). */
  role: AdminRole;
  audit?: AuditSpec;
  /** Path parameters, one key per {placeholder}; strict. */
  params?: z.ZodObject;
  /** Query string; strict (an unknown parameter is a 400 naming it). */
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Component name of the body schema in the OpenAPI document. */
  bodyName?: string;
  /** Success status and response schema (named in the OpenAPI components). */
  response: { status: 200 | 201 | 204; schema?: z.ZodType; name?: string };
  /** Error statuses this route can answer with besides 400/401/403/405/413/500 (documented). */
  errors?: readonly number[];
  /** A WebSocket endpoint: served on upgrade, documented with 101. */
  upgrade?: true;
}

export type AdminRoutes = Record<string, AdminRoute>;

/** Keeps each route's literal types (schemas, statuses) while checking it is an AdminRoute. */
export const defineRoutes = <const T extends AdminRoutes>(routes: T): T => routes;

type In<S> = S extends z.ZodType ? z.input<S> : never;
type OutOf<S> = S extends z.ZodType ? z.output<S> : never;

/** What a caller passes for one route: only the parts the route has. */
export type RouteArgs<R extends AdminRoute> =
  (R['params'] extends z.ZodObject ? { params: In<R['params']> } : { params?: undefined }) &
  (R['query'] extends z.ZodObject ? { query?: In<R['query']> } : { query?: undefined }) &
  (R['body'] extends z.ZodType ? { body: In<R['body']> } : { body?: undefined });

/** What a handler receives once the server parsed the request. */
export interface RouteInput<R extends AdminRoute> {
  params: R['params'] extends z.ZodObject ? OutOf<R['params']> : Record<string, never>;
  query: R['query'] extends z.ZodObject ? OutOf<R['query']> : undefined;
  body: R['body'] extends z.ZodType ? OutOf<R['body']> : undefined;
}

/** The parsed success body (undefined for 204). */
export type RouteResult<R extends AdminRoute> = R['response']['schema'] extends z.ZodType ? z.output<R['response']['schema']> : undefined;
/** What a handler may return (the response schema's input side). */
export type RouteReturn<R extends AdminRoute> = R['response']['schema'] extends z.ZodType ? z.input<R['response']['schema']> : void;

/** `/channels/{name}` + { name: 'a b' } → `/channels/a%20b` (below ADMIN_BASE_PATH). */
export function fillPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/\{([^}]+)\}/g, (_m, key: string) => {
    const v = params?.[key];
    if (v === undefined) throw new Error(`missing path parameter ${key} for ${path}`);
    return encodeURIComponent(v);
  });
}

/** Query object → `?a=1&b=x` (undefined values left out), or '' when empty. */
export function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** The placeholders of a path, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}
