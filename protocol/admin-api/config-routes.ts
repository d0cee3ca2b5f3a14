import {
  ChannelCreateSchema, ChannelListSchema, ChannelPatchSchema, ChannelSchema,
  SecurityCreateSchema, SecurityListSchema, SecurityPatchSchema, SecuritySchema,
} from '../admin-config';
import { defineRoutes } from './define';
import { NameParams } from './params';

export const configRoutes = defineRoutes({
  'channels.list': {
    method: 'GET', path: '/channels', tag: 'channels', role: 'viewer',
    summary: 'List channels',
    response: { status: 200, schema: ChannelListSchema, name: 'ChannelList' },
  },
  'channels.create': {
    method: 'POST', path: '/channels', tag: 'channels', role: 'operator',
    summary: 'Create a channel (starts listening when active)',
    audit: { action: 'channel.create', target: 'body.name' },
    body: ChannelCreateSchema, bodyName: 'ChannelCreate',
    response: { status: 201, schema: ChannelSchema, name: 'Channel' },
    errors: [409],
  },
  'channels.get': {
    method: 'GET', path: '/channels/{name}', tag: 'channels', role: 'viewer',
    summary: 'Get a channel',
    params: NameParams,
    response: { status: 200, schema: ChannelSchema, name: 'Channel' },
    errors: [404],
  },
  'channels.update': {
    method: 'PATCH', path: '/channels/{name}', tag: 'channels', role: 'operator',
    summary: 'Change a channel; exactly the fields sent change, and the change is in effect before the response',
    audit: { action: 'channel.update', target: 'params.name' },
    params: NameParams,
    body: ChannelPatchSchema, bodyName: 'ChannelPatch',
    response: { status: 200, schema: ChannelSchema, name: 'Channel' },
    errors: [404, 409],
  },
  'channels.delete': {
    method: 'DELETE', path: '/channels/{name}', tag: 'channels', role: 'operator',
    summary: 'Delete a channel; its clients are closed with 1001',
    audit: { action: 'channel.delete', target: 'params.name' },
    params: NameParams,
    response: { status: 204 },
    errors: [404],
  },
  'security.list': {
    method: 'GET', path: '/security', tag: 'security', role: 'viewer',
    summary: 'List security definitions (secrets are never returned)',
    response: { status: 200, schema: SecurityListSchema, name: 'SecurityList' },
  },
  'security.create': {
    method: 'POST', path: '/security', tag: 'security', role: 'operator',
    summary: 'Create a security definition (basic, apikey or jwt)',
    audit: { action: 'security.create', target: 'body.name' },
    body: SecurityCreateSchema, bodyName: 'SecurityCreate',
    response: { status: 201, schema: SecuritySchema, name: 'Security' },
    errors: [409],
  },
  'security.get': {
    method: 'GET', path: '/security/{name}', tag: 'security', role: 'viewer',
    summary: 'Get a security definition (hasSecret tells whether a secret is stored)',
    params: NameParams,
    response: { status: 200, schema: SecuritySchema, name: 'Security' },
    errors: [404],
  },
  'security.update': {
    method: 'PATCH', path: '/security/{name}', tag: 'security', role: 'operator',
    summary: 'Change a security definition; exactly the fields sent change; secrets may be replaced, never read',
    audit: { action: 'security.update', target: 'params.name' },
    params: NameParams,
    body: SecurityPatchSchema, bodyName: 'SecurityPatch',
    response: { status: 200, schema: SecuritySchema, name: 'Security' },
    errors: [404],
  },
  'security.delete': {
    method: 'DELETE', path: '/security/{name}', tag: 'security', role: 'operator',
    summary: 'Delete a security definition (409 while a channel uses it)',
    audit: { action: 'security.delete', target: 'params.name' },
    params: NameParams,
    response: { status: 204 },
    errors: [404, 409],
  },
});
