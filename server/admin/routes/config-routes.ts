import {
  ChannelCreateSchema, ChannelListSchema, ChannelPatchSchema, ChannelSchema,
  SecurityCreateSchema, SecurityListSchema, SecurityPatchSchema, SecuritySchema, type Security,
} from '../../../protocol/admin-config';
import { ErrorCode } from '../../../protocol/errors';
import { SbError } from '../../errors';
import type { ServerControl } from '../../control/control';
import { route, type AnyRoute } from '../route';

/** Parsing through SecuritySchema strips anything that is not a declared public field: secrets never leave. */
const publicSecurity = (s: Security): Security => SecuritySchema.parse(s);

function channelOr404(control: ServerControl, name: string) {
  const c = control.channels.get(name);
  if (!c) throw new SbError(ErrorCode.ChannelNotFound, `no channel named "${name}"`, { field: 'name' });
  return c;
}
function securityOr404(control: ServerControl, name: string) {
  const s = control.security.get(name);
  if (!s) throw new SbError(ErrorCode.SecurityNotFound, `no security definition named "${name}"`, { field: 'name' });
  return s;
}

export const configRoutes: AnyRoute[] = [
  route({
    method: 'GET', path: '/channels', tag: 'channels', role: 'viewer',
    summary: 'List channels',
    response: { status: 200, schema: ChannelListSchema, name: 'ChannelList' },
    handle: ({ control }) => ({ items: control.channels.list() }),
  }),
  route({
    method: 'POST', path: '/channels', tag: 'channels', role: 'operator',
    summary: 'Create a channel (starts listening when active)',
    audit: { action: 'channel.create', target: 'body.name' },
    body: ChannelCreateSchema,
    bodyName: 'ChannelCreate',
    response: { status: 201, schema: ChannelSchema, name: 'Channel' },
    errors: [409],
    handle: ({ control, body }) => control.channels.create(body),
  }),
  route({
    method: 'GET', path: '/channels/{name}', tag: 'channels', role: 'viewer',
    summary: 'Get a channel',
    response: { status: 200, schema: ChannelSchema, name: 'Channel' },
    errors: [404],
    handle: ({ control, params }) => channelOr404(control, params.name!),
  }),
  route({
    method: 'PATCH', path: '/channels/{name}', tag: 'channels', role: 'operator',
    summary: 'Change a channel (address, activity, security, limits); takes effect before the response',
    audit: { action: 'channel.update', target: 'name' },
    body: ChannelPatchSchema,
    bodyName: 'ChannelPatch',
    response: { status: 200, schema: ChannelSchema, name: 'Channel' },
    errors: [404, 409],
    handle: ({ control, params, body }) => {
      channelOr404(control, params.name!);
      return control.channels.update(params.name!, body);
    },
  }),
  route({
    method: 'DELETE', path: '/channels/{name}', tag: 'channels', role: 'operator',
    summary: 'Delete a channel; its clients are closed with 1001',
    audit: { action: 'channel.delete', target: 'name' },
    response: { status: 204 },
    errors: [404],
    handle: async ({ control, params }) => {
      channelOr404(control, params.name!);
      await control.channels.remove(params.name!);
    },
  }),
  route({
    method: 'GET', path: '/security', tag: 'security', role: 'viewer',
    summary: 'List security definitions (secrets are never returned)',
    response: { status: 200, schema: SecurityListSchema, name: 'SecurityList' },
    handle: ({ control }) => ({ items: control.security.list().map(publicSecurity) }),
  }),
  route({
    method: 'POST', path: '/security', tag: 'security', role: 'operator',
    summary: 'Create a security definition (basic, apikey or jwt)',
    audit: { action: 'security.create', target: 'body.name' },
    body: SecurityCreateSchema,
    bodyName: 'SecurityCreate',
    response: { status: 201, schema: SecuritySchema, name: 'Security' },
    errors: [409],
    handle: async ({ control, body }) => publicSecurity(await control.security.create(body)),
  }),
  route({
    method: 'GET', path: '/security/{name}', tag: 'security', role: 'viewer',
    summary: 'Get a security definition (hasSecret tells whether a secret is stored)',
    response: { status: 200, schema: SecuritySchema, name: 'Security' },
    errors: [404],
    handle: ({ control, params }) => publicSecurity(securityOr404(control, params.name!)),
  }),
  route({
    method: 'PATCH', path: '/security/{name}', tag: 'security', role: 'operator',
    summary: 'Change a security definition; secrets may be replaced, never read',
    audit: { action: 'security.update', target: 'name' },
    body: SecurityPatchSchema,
    bodyName: 'SecurityPatch',
    response: { status: 200, schema: SecuritySchema, name: 'Security' },
    errors: [404],
    handle: async ({ control, params, body }) => {
      securityOr404(control, params.name!);
      return publicSecurity(await control.security.update(params.name!, body));
    },
  }),
  route({
    method: 'DELETE', path: '/security/{name}', tag: 'security', role: 'operator',
    summary: 'Delete a security definition (409 while a channel uses it)',
    audit: { action: 'security.delete', target: 'name' },
    response: { status: 204 },
    errors: [404, 409],
    handle: async ({ control, params }) => {
      securityOr404(control, params.name!);
      await control.security.remove(params.name!);
    },
  }),
];
