import { z } from 'zod';
import { ServerInfoSchema, ServiceListSchema, WhoAmISchema } from '../admin-config';
import { AuditListSchema, AuditQuerySchema } from '../admin-audit';
import { HealthReportSchema } from '../admin-health';
import { defineRoutes } from './define';

export const serverRoutes = defineRoutes({
  'server.info': {
    method: 'GET', path: '/server', tag: 'server', role: 'viewer',
    summary: 'Server identity, version, start time and counts',
    response: { status: 200, schema: ServerInfoSchema, name: 'ServerInfo' },
  },
  'server.whoami': {
    method: 'GET', path: '/whoami', tag: 'server', role: 'viewer',
    summary: "The calling token's name and role",
    response: { status: 200, schema: WhoAmISchema, name: 'WhoAmI' },
  },
  'server.services': {
    method: 'GET', path: '/services', tag: 'server', role: 'viewer',
    summary: 'Services this server has loaded (what a channel may name as its service)',
    response: { status: 200, schema: ServiceListSchema, name: 'ServiceList' },
  },
  'server.health': {
    method: 'GET', path: '/health', tag: 'server', role: 'viewer',
    summary: 'Health now (uptime, totals) and the recent history of samples',
    description: 'The server samples connections (in all and per channel), client frames in/out per second, logins and failed logins per second, admin invokes per second by outcome, memory and event-loop delay every `health.sampleMs` (default 10 s) and keeps the last `health.historySize` samples (default 360: one hour), oldest first.',
    response: { status: 200, schema: HealthReportSchema, name: 'HealthReport' },
  },
  'audit.list': {
    method: 'GET', path: '/audit', tag: 'audit', role: 'viewer',
    summary: 'Audit log, newest first',
    description: 'Pass `nextBefore` as `before` for the next (older) page. `action` filters exactly, e.g. connection.invoke.',
    query: AuditQuerySchema,
    response: { status: 200, schema: AuditListSchema, name: 'AuditList' },
  },
  'server.openapi': {
    method: 'GET', path: '/openapi.json', tag: 'server', role: 'viewer',
    summary: 'This OpenAPI 3.1 document (token required like every route)',
    response: { status: 200, schema: z.object({ openapi: z.string() }).loose(), name: 'OpenApiDocument' },
  },
  'events.stream': {
    method: 'GET', path: '/events', tag: 'events', role: 'viewer',
    summary: 'Live admin events over WebSocket (send Upgrade: websocket)',
    description: 'Upgrade to WebSocket. The token goes in the Authorization header, or as `?access_token=` for clients that cannot set headers. Frames: one `ready` {server, seq}, then `events` {events: AdminEvent[]} batches. A consumer whose send buffer passes maxEventBufferBytes gets no more events and is closed with 4029 (events overflow) once its buffer drains, or terminated after closeTimeoutMs if it never reads. Without an upgrade this answers 400.',
    response: { status: 200 },
    upgrade: true,
  },
});
