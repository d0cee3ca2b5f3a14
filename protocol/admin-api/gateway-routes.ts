import {
  GatewayDisconnectResultSchema, GatewayDisconnectSchema, GatewayInstanceSchema, GatewayRouteCreateSchema, GatewayRouteListSchema,
  GatewayRoutePatchSchema, GatewayRouteSchema, GatewaySessionListSchema, GatewaySessionQuerySchema, GatewaySessionSchema, InstanceRegisterSchema,
} from '../gateway';
import { defineRoutes } from './define';
import { IdParams, NameParams } from './params';

export const gatewayRoutes = defineRoutes({
  'gateway.routes.list': {
    method: 'GET', path: '/gateway/routes', tag: 'gateway', role: 'viewer',
    summary: 'Gateway routes with their instances, health and counters',
    response: { status: 200, schema: GatewayRouteListSchema, name: 'GatewayRouteList' },
  },
  'gateway.routes.create': {
    method: 'POST', path: '/gateway/routes', tag: 'gateway', role: 'operator',
    summary: 'Create a gateway route (listening before the response when active)',
    audit: { action: 'gateway.route.create', target: 'body.name' },
    body: GatewayRouteCreateSchema, bodyName: 'GatewayRouteCreate',
    response: { status: 201, schema: GatewayRouteSchema, name: 'GatewayRoute' },
    errors: [409],
  },
  'gateway.routes.get': {
    method: 'GET', path: '/gateway/routes/{name}', tag: 'gateway', role: 'viewer',
    summary: 'Get a gateway route',
    params: NameParams,
    response: { status: 200, schema: GatewayRouteSchema, name: 'GatewayRoute' },
    errors: [404],
  },
  'gateway.routes.update': {
    method: 'PATCH', path: '/gateway/routes/{name}', tag: 'gateway', role: 'operator',
    summary: 'Change a gateway route; exactly the fields sent change. Moving its listen/path or deactivating it closes its sessions with 4031',
    audit: { action: 'gateway.route.update', target: 'params.name' },
    params: NameParams,
    body: GatewayRoutePatchSchema, bodyName: 'GatewayRoutePatch',
    response: { status: 200, schema: GatewayRouteSchema, name: 'GatewayRoute' },
    errors: [404, 409],
  },
  'gateway.routes.delete': {
    method: 'DELETE', path: '/gateway/routes/{name}', tag: 'gateway', role: 'operator',
    summary: 'Delete a gateway route; its sessions are closed with 4031 on both legs',
    audit: { action: 'gateway.route.delete', target: 'params.name' },
    params: NameParams,
    response: { status: 204 },
    errors: [404],
  },
  'gateway.instances.register': {
    method: 'POST', path: '/gateway/routes/{name}/instances', tag: 'gateway', role: 'operator',
    summary: 'Register (or renew) a dynamic upstream instance; it drops out ttlSeconds after the last renewal',
    audit: { action: 'gateway.instance.register', target: 'params.name' },
    params: NameParams,
    body: InstanceRegisterSchema, bodyName: 'InstanceRegister',
    response: { status: 200, schema: GatewayInstanceSchema, name: 'GatewayInstance' },
    errors: [404],
  },
  'gateway.routes.disconnect': {
    method: 'POST', path: '/gateway/routes/{name}/disconnect', tag: 'gateway', role: 'operator',
    summary: 'Close every session of the route; both legs get the code and reason',
    audit: { action: 'gateway.route.disconnect', target: 'params.name' },
    params: NameParams,
    body: GatewayDisconnectSchema, bodyName: 'GatewayDisconnect',
    response: { status: 200, schema: GatewayDisconnectResultSchema, name: 'GatewayDisconnectResult' },
    errors: [404],
  },
  'gateway.sessions.list': {
    method: 'GET', path: '/gateway/sessions', tag: 'gateway', role: 'viewer',
    summary: 'Live routed sessions with both legs’ state, filtered by route, client address and upstream instance',
    query: GatewaySessionQuerySchema,
    response: { status: 200, schema: GatewaySessionListSchema, name: 'GatewaySessionList' },
  },
  'gateway.sessions.get': {
    method: 'GET', path: '/gateway/sessions/{id}', tag: 'gateway', role: 'viewer',
    summary: 'One routed session',
    params: IdParams,
    response: { status: 200, schema: GatewaySessionSchema, name: 'GatewaySession' },
    errors: [404],
  },
  'gateway.sessions.disconnect': {
    method: 'POST', path: '/gateway/sessions/{id}/disconnect', tag: 'gateway', role: 'operator',
    summary: 'Close one routed session; both legs get the code and reason (default 4005)',
    audit: { action: 'gateway.session.disconnect', target: 'params.id' },
    params: IdParams,
    body: GatewayDisconnectSchema, bodyName: 'GatewayDisconnect',
    response: { status: 200, schema: GatewayDisconnectResultSchema, name: 'GatewayDisconnectResult' },
    errors: [404],
  },
});

export type GatewayRouteNames = keyof typeof gatewayRoutes;
