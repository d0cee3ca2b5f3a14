import {
  PublishRequestSchema, PublishResultSchema, PurgeResultSchema, SubscriptionListSchema,
  TopicCreateSchema, TopicListSchema, TopicPatchSchema, TopicSchema,
} from '../../../protocol/admin-pubsub';
import { ErrorCode } from '../../../protocol/errors';
import { SbError } from '../../errors';
import type { ServerControl } from '../../control/control';
import { route, type AnyRoute } from '../route';

function topicOr404(control: ServerControl, name: string) {
  const t = control.pubsub.getTopic(name);
  if (!t) throw new SbError(ErrorCode.TopicNotFound, `no topic named "${name}"`, { field: 'name' });
  return t;
}

export const pubsubRoutes: AnyRoute[] = [
  route({
    method: 'GET', path: '/topics', tag: 'topics', role: 'viewer',
    summary: 'List topics with their counters',
    response: { status: 200, schema: TopicListSchema, name: 'TopicList' },
    handle: ({ control }) => ({ items: control.pubsub.listTopics() }),
  }),
  route({
    method: 'POST', path: '/topics', tag: 'topics', role: 'operator',
    summary: 'Create a topic',
    audit: { action: 'topic.create', target: 'body.name' },
    body: TopicCreateSchema,
    bodyName: 'TopicCreate',
    response: { status: 201, schema: TopicSchema, name: 'Topic' },
    errors: [409],
    handle: ({ control, body }) => control.pubsub.createTopic(body),
  }),
  route({
    method: 'GET', path: '/topics/{name}', tag: 'topics', role: 'viewer',
    summary: 'Get a topic',
    response: { status: 200, schema: TopicSchema, name: 'Topic' },
    errors: [404],
    handle: ({ control, params }) => topicOr404(control, params.name!),
  }),
  route({
    method: 'PATCH', path: '/topics/{name}', tag: 'topics', role: 'operator',
    summary: 'Change a topic (maxDepth, maxAgeSeconds, overflow)',
    audit: { action: 'topic.update', target: 'name' },
    body: TopicPatchSchema,
    bodyName: 'TopicPatch',
    response: { status: 200, schema: TopicSchema, name: 'Topic' },
    errors: [404],
    handle: ({ control, params, body }) => {
      topicOr404(control, params.name!);
      return control.pubsub.updateTopic(params.name!, body);
    },
  }),
  route({
    method: 'DELETE', path: '/topics/{name}', tag: 'topics', role: 'operator',
    summary: 'Delete a topic and its subscriptions',
    audit: { action: 'topic.delete', target: 'name' },
    response: { status: 204 },
    errors: [404],
    handle: async ({ control, params }) => {
      topicOr404(control, params.name!);
      await control.pubsub.removeTopic(params.name!);
    },
  }),
  route({
    method: 'POST', path: '/topics/{name}/messages', tag: 'topics', role: 'operator',
    summary: 'Publish a message to a topic',
    audit: { action: 'topic.publish', target: 'name' },
    body: PublishRequestSchema,
    bodyName: 'PublishRequest',
    response: { status: 200, schema: PublishResultSchema, name: 'PublishResult' },
    errors: [404, 429],
    handle: ({ control, params, caller, body }) => {
      topicOr404(control, params.name!);
      return control.pubsub.publish(params.name!, body.data, { kind: 'admin', id: caller.name });
    },
  }),
  route({
    method: 'GET', path: '/topics/{name}/subscriptions', tag: 'topics', role: 'viewer',
    summary: 'Subscriptions of a topic',
    response: { status: 200, schema: SubscriptionListSchema, name: 'SubscriptionList' },
    errors: [404],
    handle: ({ control, params }) => {
      topicOr404(control, params.name!);
      return { items: control.pubsub.listTopicSubscriptions(params.name!) };
    },
  }),
  route({
    method: 'DELETE', path: '/subscriptions/{key}', tag: 'subscriptions', role: 'operator',
    summary: 'Remove a durable subscription (its queue is dropped)',
    audit: { action: 'subscription.delete', target: 'key' },
    response: { status: 204 },
    errors: [404],
    handle: async ({ control, params }) => {
      await control.pubsub.removeSubscription(params.key!);
    },
  }),
  route({
    method: 'POST', path: '/subscriptions/{key}/purge', tag: 'subscriptions', role: 'operator',
    summary: "Drop every queued message of a subscription",
    audit: { action: 'subscription.purge', target: 'key' },
    response: { status: 200, schema: PurgeResultSchema, name: 'PurgeResult' },
    errors: [404],
    handle: ({ control, params }) => control.pubsub.purgeSubscription(params.key!),
  }),
];
