import {
  OutgoingCreateSchema, OutgoingFrameListSchema, OutgoingInvokeResultSchema, OutgoingInvokeSchema, OutgoingListSchema,
  OutgoingPatchSchema, OutgoingSchema, OutgoingSendResultSchema, OutgoingSendSchema, OutgoingStopSchema,
} from '../admin-outgoing';
import { defineRoutes } from './define';
import { NameParams } from './params';

const Outgoing = { status: 200, schema: OutgoingSchema, name: 'Outgoing' } as const;

export const outgoingRoutes = defineRoutes({
  'outgoing.list': {
    method: 'GET', path: '/outgoing', tag: 'outgoing', role: 'viewer',
    summary: 'List outgoing WebSocket connections with their live state (secrets are never returned)',
    response: { status: 200, schema: OutgoingListSchema, name: 'OutgoingList' },
  },
  'outgoing.create': {
    method: 'POST', path: '/outgoing', tag: 'outgoing', role: 'operator',
    summary: 'Create an outgoing connection (dials at once when active)',
    audit: { action: 'outgoing.create', target: 'body.name' },
    body: OutgoingCreateSchema, bodyName: 'OutgoingCreate',
    response: { status: 201, schema: OutgoingSchema, name: 'Outgoing' },
    errors: [409],
  },
  'outgoing.get': {
    method: 'GET', path: '/outgoing/{name}', tag: 'outgoing', role: 'viewer',
    summary: 'Get an outgoing connection and its live state',
    params: NameParams,
    response: Outgoing,
    errors: [404],
  },
  'outgoing.update': {
    method: 'PATCH', path: '/outgoing/{name}', tag: 'outgoing', role: 'operator',
    summary: 'Change an outgoing connection; exactly the fields sent change (nested objects whole); a change to how it dials reconnects it',
    audit: { action: 'outgoing.update', target: 'params.name' },
    params: NameParams,
    body: OutgoingPatchSchema, bodyName: 'OutgoingPatch',
    response: Outgoing,
    errors: [404],
  },
  'outgoing.delete': {
    method: 'DELETE', path: '/outgoing/{name}', tag: 'outgoing', role: 'operator',
    summary: 'Delete an outgoing connection; its socket is closed with 1001',
    audit: { action: 'outgoing.delete', target: 'params.name' },
    params: NameParams,
    response: { status: 204 },
    errors: [404],
  },
  'outgoing.send': {
    method: 'POST', path: '/outgoing/{name}/send', tag: 'outgoing', role: 'operator',
    summary: 'Send one message (no reply expected); queued while the connection is connecting or in backoff',
    description: '409 SB_ERR_OUTGOING_NOT_CONNECTED when stopped or inactive; 503 SB_ERR_OUTGOING_QUEUE_FULL when sendQueueMax messages already wait; 413 SB_ERR_PAYLOAD_TOO_LARGE past maxMessageBytes.',
    audit: { action: 'outgoing.send', target: 'params.name' },
    params: NameParams,
    body: OutgoingSendSchema, bodyName: 'OutgoingSend',
    response: { status: 200, schema: OutgoingSendResultSchema, name: 'OutgoingSendResult' },
    errors: [404, 409, 413, 503],
  },
  'outgoing.invoke': {
    method: 'POST', path: '/outgoing/{name}/invoke', tag: 'outgoing', role: 'operator',
    summary: "Send a request and wait for the peer's reply",
    description: 'switchboard peers: a request frame, answered by its response. plain peers: the first reply whose correlation.replyPath equals the request\'s correlation.requestPath (400 SB_ERR_OUTGOING_NO_CORRELATION when none is configured). 504 SB_ERR_INVOKE_TIMEOUT after timeoutMs; 409 SB_ERR_OUTGOING_NOT_CONNECTED unless open, SB_ERR_OUTGOING_CLOSED when it closed while waiting; 503 SB_ERR_OUTGOING_BUSY past maxPendingInvokes.',
    audit: { action: 'outgoing.invoke', target: 'params.name' },
    params: NameParams,
    body: OutgoingInvokeSchema, bodyName: 'OutgoingInvoke',
    response: { status: 200, schema: OutgoingInvokeResultSchema, name: 'OutgoingInvokeResult' },
    errors: [404, 409, 413, 503, 504],
  },
  'outgoing.reconnect': {
    method: 'POST', path: '/outgoing/{name}/reconnect', tag: 'outgoing', role: 'operator',
    summary: 'Close the socket (if open) and dial again now, with the attempt count reset',
    audit: { action: 'outgoing.reconnect', target: 'params.name' },
    params: NameParams,
    response: Outgoing,
    errors: [404, 409],
  },
  'outgoing.stop': {
    method: 'POST', path: '/outgoing/{name}/stop', tag: 'outgoing', role: 'operator',
    summary: 'Close the socket with a code and reason and stop retrying (until start, reconnect or a restart of the server)',
    audit: { action: 'outgoing.stop', target: 'params.name' },
    params: NameParams,
    body: OutgoingStopSchema, bodyName: 'OutgoingStop',
    response: Outgoing,
    errors: [404],
  },
  'outgoing.start': {
    method: 'POST', path: '/outgoing/{name}/start', tag: 'outgoing', role: 'operator',
    summary: 'Dial a stopped connection again (409 when the connection is inactive: activate it with PATCH)',
    audit: { action: 'outgoing.start', target: 'params.name' },
    params: NameParams,
    response: Outgoing,
    errors: [404, 409],
  },
  'outgoing.frames': {
    method: 'GET', path: '/outgoing/{name}/frames', tag: 'outgoing', role: 'viewer',
    summary: 'The recent frames both ways, oldest first (sizes and previews; at most recentFrames)',
    params: NameParams,
    response: { status: 200, schema: OutgoingFrameListSchema, name: 'OutgoingFrameList' },
    errors: [404],
  },
});
