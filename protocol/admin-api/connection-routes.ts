import {
  BulkDisconnectRequestSchema, BulkDisconnectResultSchema,
  ConnectionInfoSchema, ConnectionListQuerySchema, ConnectionListSchema,
  DisconnectRequestSchema, DisconnectResultSchema, InvokeRequestSchema, InvokeResultSchema,
} from '../admin-connections';
import { MessageLogPageSchema, MessageLogQuerySchema } from '../admin-message-log';
import { SubscriptionListSchema } from '../admin-pubsub';
import { defineRoutes } from './define';
import { IdParams } from './params';

export const connectionRoutes = defineRoutes({
  'connections.list': {
    method: 'GET', path: '/connections', tag: 'connections', role: 'viewer',
    summary: 'List live connections, filtered and paginated',
    description: 'Ordered by (clientId, connectionId), connections awaiting login first. `clientId` matches exactly, or as a prefix when it ends with `*`; `q` matches a substring of client ID, name or remote address. Pass `nextCursor` as `cursor` for the next page.',
    query: ConnectionListQuerySchema,
    response: { status: 200, schema: ConnectionListSchema, name: 'ConnectionList' },
  },
  'connections.get': {
    method: 'GET', path: '/connections/{id}', tag: 'connections', role: 'viewer',
    summary: 'Get one connection',
    params: IdParams,
    response: { status: 200, schema: ConnectionInfoSchema, name: 'ConnectionInfo' },
    errors: [404],
  },
  'connections.invoke': {
    method: 'POST', path: '/connections/{id}/invoke', tag: 'connections', role: 'operator',
    summary: 'Send a request to the client and wait for its answer',
    description: '200 when the client answered (the answer may itself be ok:false); 504 SB_ERR_INVOKE_TIMEOUT after timeoutMs; 409 SB_ERR_CONNECTION_CLOSED when it closed while waiting, SB_ERR_CONNECTION_NOT_READY before login.',
    audit: { action: 'connection.invoke', target: 'params.id' },
    params: IdParams,
    body: InvokeRequestSchema, bodyName: 'InvokeRequest',
    response: { status: 200, schema: InvokeResultSchema, name: 'InvokeResult' },
    errors: [404, 409, 504],
  },
  'connections.disconnect': {
    method: 'POST', path: '/connections/{id}/disconnect', tag: 'connections', role: 'operator',
    summary: 'Close the connection with a code and reason (default 4005 "closed by administrator")',
    audit: { action: 'connection.disconnect', target: 'params.id' },
    params: IdParams,
    body: DisconnectRequestSchema, bodyName: 'DisconnectRequest',
    response: { status: 200, schema: DisconnectResultSchema, name: 'DisconnectResult' },
    errors: [404],
  },
  'connections.disconnectMany': {
    method: 'POST', path: '/connections/disconnect', tag: 'connections', role: 'operator',
    summary: 'Close several connections in one request: the listed ids, every connection of a client ID, or of a channel',
    description: 'Exactly one selector: `connectionIds` (up to 1000), `clientId` or `channel`. Answers per connection: closed (with the result) or failed (with the error); ids that are gone are reported as SB_ERR_CONNECTION_NOT_FOUND, not as a failure of the whole request.',
    audit: { action: 'connection.disconnect-many', target: ['body.clientId', 'body.channel'] },
    body: BulkDisconnectRequestSchema, bodyName: 'BulkDisconnectRequest',
    response: { status: 200, schema: BulkDisconnectResultSchema, name: 'BulkDisconnectResult' },
  },
  'connections.messages': {
    method: 'GET', path: '/connections/{id}/messages', tag: 'connections', role: 'viewer',
    summary: "A page of the connection's message log, oldest first",
    description: "Frames the connection's channel captures (logReceived / logSent, off by default), at most logMaxMessages per connection (a ring: `dropped` counts what it pushed out) and logMaxBytes per frame (`truncated`). A hello's credentials are replaced by \"[redacted]\" before it is kept. A closed connection's log stays for logKeepSeconds (at most 1000 closed connections' logs are kept). Poll with `after` = the last `nextAfter` for new frames. 404 for a connection neither open nor kept.",
    params: IdParams,
    query: MessageLogQuerySchema,
    response: { status: 200, schema: MessageLogPageSchema, name: 'MessageLogPage' },
    errors: [404],
  },
  'connections.subscriptions': {
    method: 'GET', path: '/connections/{id}/subscriptions', tag: 'connections', role: 'viewer',
    summary: "Subscriptions of the connection's client ID (predatesConnection marks older ones)",
    params: IdParams,
    response: { status: 200, schema: SubscriptionListSchema, name: 'SubscriptionList' },
    errors: [404],
  },
});
