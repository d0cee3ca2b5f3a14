import { z } from 'zod';
import { ServerInfoSchema, WhoAmISchema } from '../../../protocol/admin-config';
import { AuditListSchema, AuditQuerySchema } from '../../../protocol/admin-audit';
import { ErrorCode } from '../../../protocol/errors';
import { SbError } from '../../errors';
import { route, type AnyRoute } from '../route';

export const metaRoutes: AnyRoute[] = [
  route({
    method: 'GET', path: '/server', tag: 'server', role: 'viewer',
    summary: 'Server identity, version, start time and counts',
    response: { status: 200, schema: ServerInfoSchema, name: 'ServerInfo' },
    handle: ({ control }) => control.info(),
  }),
  route({
    method: 'GET', path: '/whoami', tag: 'server', role: 'viewer',
    summary: "The calling token's name and role",
    response: { status: 200, schema: WhoAmISchema, name: 'WhoAmI' },
    handle: ({ caller }) => ({ token: caller.name, role: caller.role }),
  }),
  route({
    method: 'GET', path: '/audit', tag: 'audit', role: 'viewer',
    summary: 'Audit log, newest first',
    description: 'Pass `nextBefore` as `before` for the next (older) page. `action` filters exactly, e.g. connection.invoke.',
    query: AuditQuerySchema,
    response: { status: 200, schema: AuditListSchema, name: 'AuditList' },
    handle: ({ control, query }) => {
      const items = control.store.listAudit({ limit: query.limit, ...(query.before !== undefined ? { before: query.before } : {}), ...(query.action ? { action: query.action } : {}) });
      const last = items[items.length - 1];
      return { items, nextBefore: items.length === query.limit && last ? last.id : null };
    },
  }),
  route({
    method: 'GET', path: '/openapi.json', tag: 'server', role: 'viewer',
    summary: 'This OpenAPI 3.1 document (token required like every route)',
    response: { status: 200, schema: z.object({ openapi: z.string() }).loose(), name: 'OpenApiDocument' },
    handle: ({ openapi }) => openapi(),
  }),
  route({
    method: 'GET', path: '/events', tag: 'events', role: 'viewer',
    summary: 'Live admin events over WebSocket (send Upgrade: websocket)',
    description: 'Upgrade to WebSocket. The token goes in the Authorization header, or as `?access_token=` for clients that cannot set headers. Frames: one `ready` {server, seq}, then `events` {events: AdminEvent[]} batches. A consumer whose send buffer exceeds maxEventBufferBytes is closed with 4029 (events overflow). Without an upgrade this answers 400.',
    response: { status: 200 },
    upgrade: true,
    handle: () => {
      throw new SbError(ErrorCode.BadRequest, '/admin/v1/events needs a WebSocket upgrade (Upgrade: websocket)');
    },
  }),
];
