import type { clusterCalls } from '../../../protocol/console/clusters';
import type { Handlers } from '../contract/handler-types';
import type { AdminClient } from './admin-client';

/**
 * Runs `fn` against one server of a cluster. `fieldPrefix` is where the admin API's body sits in
 * the call's input, so a server error on `address` comes back as `channel.address`.
 */
export type WithServer = <T>(clusterId: string, serverId: string | undefined, fieldPrefix: string | null, fn: (client: AdminClient) => Promise<T>) => Promise<T>;

const ok = { ok: true as const };
/** Slack on top of an invoke's own timeout for the HTTP round trip. */
export const INVOKE_HTTP_MARGIN_MS = 5000;

type AdminOpNames =
  | 'connections.invoke' | 'connections.disconnect' | 'connections.disconnectMany' | 'connections.subscriptions' | 'topics.subscriptions' | 'subscriptions.remove' | 'subscriptions.purge'
  | 'channels.list' | 'channels.create' | 'channels.update' | 'channels.delete' | 'services.list' | 'nodes.list'
  | 'security.list' | 'security.create' | 'security.update' | 'security.delete'
  | 'topics.list' | 'topics.create' | 'topics.update' | 'topics.delete' | 'topics.publish' | 'audit.list' | 'health.get' | 'connections.messages';

/**
 * Every console call that is one admin API request to one server: which route it is and where its
 * arguments go. Paths, methods and schemas come from protocol/admin-api through AdminClient.call.
 */
export function createAdminOps(withServer: WithServer): Pick<Handlers<typeof clusterCalls>, AdminOpNames> {
  return {
    'connections.invoke': ({ clusterId, serverId, connectionId, data, timeoutMs }) =>
      // The server answers by timeoutMs (504 when the client is silent); the HTTP request must outlive that.
      withServer(clusterId, serverId, null, (c) => c.call('connections.invoke', { params: { id: connectionId }, body: { data, timeoutMs } }, { timeoutMs: timeoutMs + INVOKE_HTTP_MARGIN_MS })),
    'connections.disconnect': ({ clusterId, serverId, connectionId, code, reason }) =>
      withServer(clusterId, serverId, null, (c) => c.call('connections.disconnect', { params: { id: connectionId }, body: { code, reason } })),
    'connections.disconnectMany': ({ clusterId, serverId, selector, code, reason }) =>
      withServer(clusterId, serverId, null, (c) => c.call('connections.disconnectMany', { body: { ...selector, code, reason } })),
    'connections.messages': ({ clusterId, serverId, connectionId, after, limit }) =>
      withServer(clusterId, serverId, null, (c) => c.call('connections.messages', { params: { id: connectionId }, query: { after, limit } })),
    'connections.subscriptions': ({ clusterId, serverId, connectionId }) =>
      withServer(clusterId, serverId, null, (c) => c.call('connections.subscriptions', { params: { id: connectionId } })),
    'topics.subscriptions': ({ clusterId, serverId, topic }) =>
      withServer(clusterId, serverId, null, (c) => c.call('topics.subscriptions', { params: { name: topic } })),
    'subscriptions.remove': ({ clusterId, serverId, subscriptionKey }) =>
      withServer(clusterId, serverId, null, async (c) => (await c.call('subscriptions.delete', { params: { key: subscriptionKey } }), ok)),
    'subscriptions.purge': ({ clusterId, serverId, subscriptionKey }) =>
      withServer(clusterId, serverId, null, (c) => c.call('subscriptions.purge', { params: { key: subscriptionKey } })),

    'channels.list': ({ clusterId, serverId }) => withServer(clusterId, serverId, null, (c) => c.call('channels.list', {})),
    'channels.create': ({ clusterId, serverId, channel }) => withServer(clusterId, serverId, 'channel', (c) => c.call('channels.create', { body: channel })),
    'channels.update': ({ clusterId, serverId, name, patch }) => withServer(clusterId, serverId, 'patch', (c) => c.call('channels.update', { params: { name }, body: patch })),
    'channels.delete': ({ clusterId, serverId, name }) => withServer(clusterId, serverId, null, async (c) => (await c.call('channels.delete', { params: { name } }), ok)),
    'services.list': ({ clusterId, serverId }) => withServer(clusterId, serverId, null, (c) => c.call('server.services', {})),
    'nodes.list': ({ clusterId, serverId }) => withServer(clusterId, serverId, null, (c) => c.call('cluster.nodes', {})),

    'security.list': ({ clusterId, serverId }) => withServer(clusterId, serverId, null, (c) => c.call('security.list', {})),
    'security.create': ({ clusterId, serverId, security }) => withServer(clusterId, serverId, 'security', (c) => c.call('security.create', { body: security })),
    'security.update': ({ clusterId, serverId, name, patch }) => withServer(clusterId, serverId, 'patch', (c) => c.call('security.update', { params: { name }, body: patch })),
    'security.delete': ({ clusterId, serverId, name }) => withServer(clusterId, serverId, null, async (c) => (await c.call('security.delete', { params: { name } }), ok)),

    'topics.list': ({ clusterId, serverId }) => withServer(clusterId, serverId, null, (c) => c.call('topics.list', {})),
    'topics.create': ({ clusterId, serverId, topic }) => withServer(clusterId, serverId, 'topic', (c) => c.call('topics.create', { body: topic })),
    'topics.update': ({ clusterId, serverId, name, patch }) => withServer(clusterId, serverId, 'patch', (c) => c.call('topics.update', { params: { name }, body: patch })),
    'topics.delete': ({ clusterId, serverId, name }) => withServer(clusterId, serverId, null, async (c) => (await c.call('topics.delete', { params: { name } }), ok)),
    'topics.publish': ({ clusterId, serverId, topic, data }) => withServer(clusterId, serverId, null, (c) => c.call('topics.publish', { params: { name: topic }, body: { data } })),

    'health.get': ({ clusterId, serverId }) => withServer(clusterId, serverId, null, (c) => c.call('server.health', {})),
    'audit.list': ({ clusterId, serverId, ...query }) =>
      withServer(clusterId, serverId, null, (c) => c.call('audit.list', { query })),
  };
}
