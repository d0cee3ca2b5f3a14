import { ChannelListSchema, ChannelSchema, SecurityListSchema, SecuritySchema } from '../../../protocol/admin-config';
import { DisconnectResultSchema, InvokeResultSchema } from '../../../protocol/admin-connections';
import { PublishResultSchema, PurgeResultSchema, SubscriptionListSchema, TopicListSchema, TopicSchema } from '../../../protocol/admin-pubsub';
import { AuditListSchema } from '../../../protocol/admin-audit';
import type { clusterCalls } from '../../../protocol/console/clusters';
import type { AdminClient } from './admin-client';
import { routes } from './admin-routes';
import type { Handlers } from '../contract/handler-types';

/**
 * Runs `fn` against one server of a cluster. `fieldPrefix` is where the admin API's body sits in
 * the call's input, so a server error on `address` comes back as `channel.address`.
 */
export type WithServer = <T>(clusterId: string, serverId: string | undefined, fieldPrefix: string | null, fn: (client: AdminClient) => Promise<T>) => Promise<T>;


const ok = { ok: true as const };
/** Slack on top of an invoke's own timeout for the HTTP round trip. */
export const INVOKE_HTTP_MARGIN_MS = 5000;

type AdminOpNames =
  | 'invoke' | 'disconnect' | 'listSubscriptions' | 'listTopicSubscriptions' | 'unsubscribe' | 'purgeSubscription'
  | 'listChannels' | 'createChannel' | 'updateChannel' | 'deleteChannel'
  | 'listSecurity' | 'createSecurity' | 'updateSecurity' | 'deleteSecurity'
  | 'listTopics' | 'createTopic' | 'updateTopic' | 'deleteTopic' | 'publish' | 'listAudit';

/** Every call that is one admin API request to one server. */
export function createAdminOps(withServer: WithServer): Pick<Handlers<typeof clusterCalls>, AdminOpNames> {
  return {
    invoke: ({ clusterId, serverId, connectionId, data, timeoutMs }) =>
      // The server answers by timeoutMs (504 when the client is silent); the HTTP request must outlive that.
      withServer(clusterId, serverId, null, (c) => c.request('POST', routes.invoke(connectionId), { data, timeoutMs }, InvokeResultSchema, { timeoutMs: timeoutMs + INVOKE_HTTP_MARGIN_MS })),
    disconnect: ({ clusterId, serverId, connectionId, code, reason }) =>
      withServer(clusterId, serverId, null, (c) => c.request('POST', routes.disconnect(connectionId), { code, reason }, DisconnectResultSchema)),
    listSubscriptions: ({ clusterId, serverId, connectionId }) =>
      withServer(clusterId, serverId, null, (c) => c.get(routes.connectionSubscriptions(connectionId), SubscriptionListSchema)),
    listTopicSubscriptions: ({ clusterId, serverId, topic }) =>
      withServer(clusterId, serverId, null, (c) => c.get(routes.topicSubscriptions(topic), SubscriptionListSchema)),
    unsubscribe: ({ clusterId, serverId, subscriptionKey }) =>
      withServer(clusterId, serverId, null, async (c) => (await c.raw('DELETE', routes.subscription(subscriptionKey)), ok)),
    purgeSubscription: ({ clusterId, serverId, subscriptionKey }) =>
      withServer(clusterId, serverId, null, (c) => c.request('POST', routes.purgeSubscription(subscriptionKey), undefined, PurgeResultSchema)),

    listChannels: ({ clusterId, serverId }) => withServer(clusterId, serverId, null, (c) => c.get(routes.channels, ChannelListSchema)),
    createChannel: ({ clusterId, serverId, channel }) =>
      withServer(clusterId, serverId, 'channel', (c) => c.request('POST', routes.channels, channel, ChannelSchema)),
    updateChannel: ({ clusterId, serverId, name, patch }) =>
      withServer(clusterId, serverId, 'patch', (c) => c.request('PATCH', routes.channel(name), patch, ChannelSchema)),
    deleteChannel: ({ clusterId, serverId, name }) =>
      withServer(clusterId, serverId, null, async (c) => (await c.raw('DELETE', routes.channel(name)), ok)),

    listSecurity: ({ clusterId, serverId }) => withServer(clusterId, serverId, null, (c) => c.get(routes.security, SecurityListSchema)),
    createSecurity: ({ clusterId, serverId, security }) =>
      withServer(clusterId, serverId, 'security', (c) => c.request('POST', routes.security, security, SecuritySchema)),
    updateSecurity: ({ clusterId, serverId, name, patch }) =>
      withServer(clusterId, serverId, 'patch', (c) => c.request('PATCH', routes.securityOne(name), patch, SecuritySchema)),
    deleteSecurity: ({ clusterId, serverId, name }) =>
      withServer(clusterId, serverId, null, async (c) => (await c.raw('DELETE', routes.securityOne(name)), ok)),

    listTopics: ({ clusterId, serverId }) => withServer(clusterId, serverId, null, (c) => c.get(routes.topics, TopicListSchema)),
    createTopic: ({ clusterId, serverId, topic }) =>
      withServer(clusterId, serverId, 'topic', (c) => c.request('POST', routes.topics, topic, TopicSchema)),
    updateTopic: ({ clusterId, serverId, name, patch }) =>
      withServer(clusterId, serverId, 'patch', (c) => c.request('PATCH', routes.topic(name), patch, TopicSchema)),
    deleteTopic: ({ clusterId, serverId, name }) =>
      withServer(clusterId, serverId, null, async (c) => (await c.raw('DELETE', routes.topic(name)), ok)),
    publish: ({ clusterId, serverId, topic, data }) =>
      withServer(clusterId, serverId, null, (c) => c.request('POST', routes.publish(topic), { data }, PublishResultSchema)),

    listAudit: ({ clusterId, serverId, limit, before, action }) =>
      withServer(clusterId, serverId, null, (c) => c.get(routes.audit({ limit, before, action }), AuditListSchema)),
  };
}
