import type { z } from 'zod';
import type { AdminRole } from '../../protocol/admin-config';
import type { ServerControl } from '../control/control';
import type { Caller } from './auth';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<Q, B> {
  /** Decoded path parameters, e.g. { name } for /channels/{name}. */
  params: Record<string, string>;
  query: Q;
  body: B;
  caller: Caller;
  control: ServerControl;
  /** The OpenAPI document of this server (built once, on first use). */
  openapi(): unknown;
}

export interface AuditSpec {
  /** e.g. channel.create, connection.invoke */
  action: string;
  /** Path parameter naming the target, or 'body.name' for creates. */
  target: string;
}

/** One admin API route. The router, the auth layer, the audit log and the OpenAPI document all read this. */
export interface RouteSpec<Q extends z.ZodObject | undefined, B extends z.ZodType | undefined> {
  method: HttpMethod;
  /** Path below /admin/v1 with {param} placeholders. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Least role allowed. Every operator route is audited. */
  role: AdminRole;
  audit?: AuditSpec;
  query?: Q;
  body?: B;
  /** Component name of the body schema in the OpenAPI document. */
  bodyName?: string;
  /** Success status and response schema (named in the OpenAPI components). */
  response: { status: 200 | 201 | 204; schema?: z.ZodType; name?: string };
  /** Error statuses this route can answer with besides 400/401/403/405/413/500 (documented). */
  errors?: number[];
  /** A WebSocket endpoint: served on upgrade, documented with 101. */
  upgrade?: true;
  /** Returns the response body; throws SbError on purpose. */
  handle(ctx: RouteContext<Out<Q>, Out<B>>): unknown;
}

export interface AnyRoute {
  method: HttpMethod;
  path: string;
  summary: string;
  description?: string;
  tag: string;
  role: AdminRole;
  audit?: AuditSpec;
  query?: z.ZodObject;
  body?: z.ZodType;
  bodyName?: string;
  response: { status: 200 | 201 | 204; schema?: z.ZodType; name?: string };
  errors?: number[];
  upgrade?: true;
  handle(ctx: RouteContext<unknown, unknown>): unknown;
}

/** Keeps the handler's types tied to its schemas, then erases them for the route table. */
export function route<Q extends z.ZodObject | undefined = undefined, B extends z.ZodType | undefined = undefined>(spec: RouteSpec<Q, B>): AnyRoute {
  return spec as unknown as AnyRoute;
}
