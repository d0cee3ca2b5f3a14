import {
  ConnectionInfoSchema, ConnectionListQuerySchema, ConnectionListSchema,
  DisconnectRequestSchema, DisconnectResultSchema, InvokeRequestSchema, InvokeResultSchema,
} from '../../../protocol/admin-connections';
import { SubscriptionListSchema } from '../../../protocol/admin-pubsub';
import { ErrorCode } from '../../../protocol/errors';
import { SbError } from '../../errors';
import type { ServerControl } from '../../control/control';
import { route, type AnyRoute } from '../route';

function connectionOr404(control: ServerControl, id: string) {
  const c = control.connections.get(id);
  if (!c) throw new SbError(ErrorCode.ConnectionNotFound, `no connection with id "${id}"`, { field: 'id' });
  return c;
}

export const connectionRoutes: AnyRoute[] = [
  route({
    method: 'GET', path: '/connections', tag: 'connections', role: 'viewer',
    summary: 'List live connections, filtered and paginated',
    description: 'Ordered by (clientId, connectionId), connections awaiting login first. `clientId` matches exactly, or as a prefix when it ends with `*`; `q` matches a substring of client ID, name or remote address. Pass `nextCursor` as `cursor` for the next page.',
    query: ConnectionListQuerySchema,
    response: { status: 200, schema: ConnectionListSchema, name: 'ConnectionList' },
    handle: ({ control, query }) => control.connections.list(query),
  }),
  route({
    method: 'GET', path: '/connections/{id}', tag: 'connections', role: 'viewer',
    summary: 'Get one connection',
    response: { status: 200, schema: ConnectionInfoSchema, name: 'ConnectionInfo' },
    errors: [404],
    handle: ({ control, params }) => connectionOr404(control, params.id!),
  }),
  route({
    method: 'POST', path: '/connections/{id}/invoke', tag: 'connections', role: 'operator',
    summary: 'Send a request to the client and wait for its answer',
    description: '200 when the client answered (the answer may itself be ok:false); 504 SB_ERR_INVOKE_TIMEOUT after timeoutMs; 409 SB_ERR_CONNECTION_CLOSED when it closed while waiting, SB_ERR_CONNECTION_NOT_READY before login.',
    audit: { action: 'connection.invoke', target: 'id' },
    body: InvokeRequestSchema,
    bodyName: 'InvokeRequest',
    response: { status: 200, schema: InvokeResultSchema, name: 'InvokeResult' },
    errors: [404, 409, 504],
    handle: ({ control, params, body }) => {
      connectionOr404(control, params.id!);
      return control.connections.invoke(params.id!, body.data, body.timeoutMs);
    },
  }),
  route({
    method: 'POST', path: '/connections/{id}/disconnect', tag: 'connections', role: 'operator',
    summary: 'Close the connection with a code and reason (default 4005 "closed by administrator")',
    audit: { action: 'connection.disconnect', target: 'id' },
    body: DisconnectRequestSchema,
    bodyName: 'DisconnectRequest',
    response: { status: 200, schema: DisconnectResultSchema, name: 'DisconnectResult' },
    errors: [404],
    handle: ({ control, params, body }) => {
      connectionOr404(control, params.id!);
      return control.connections.disconnect(params.id!, body.code, body.reason);
    },
  }),
  route({
    method: 'GET', path: '/connections/{id}/subscriptions', tag: 'connections', role: 'viewer',
    summary: "Subscriptions of the connection's client ID (predatesConnection marks older ones)",
    response: { status: 200, schema: SubscriptionListSchema, name: 'SubscriptionList' },
    errors: [404],
    handle: ({ control, params }) => {
      connectionOr404(control, params.id!);
      return { items: control.pubsub.listConnectionSubscriptions(params.id!) };
    },
  }),
];
