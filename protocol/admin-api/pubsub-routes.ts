import {
  PublishRequestSchema, PublishResultSchema, PurgeResultSchema, SubscriptionListSchema,
  TopicCreateSchema, TopicListSchema, TopicPatchSchema, TopicSchema,
} from '../admin-pubsub';
import { defineRoutes } from './define';
import { KeyParams, NameParams } from './params';

export const pubsubRoutes = defineRoutes({
  'topics.list': {
    method: 'GET', path: '/topics', tag: 'topics', role: 'viewer',
    summary: 'List topics with their counters',
    response: { status: 200, schema: TopicListSchema, name: 'TopicList' },
  },
  'topics.create': {
    method: 'POST', path: '/topics', tag: 'topics', role: 'operator',
    summary: 'Create a topic',
    audit: { action: 'topic.create', target: 'body.name' },
    body: TopicCreateSchema, bodyName: 'TopicCreate',
    response: { status: 201, schema: TopicSchema, name: 'Topic' },
    errors: [409],
  },
  'topics.get': {
    method: 'GET', path: '/topics/{name}', tag: 'topics', role: 'viewer',
    summary: 'Get a topic',
    params: NameParams,
    response: { status: 200, schema: TopicSchema, name: 'Topic' },
    errors: [404],
  },
  'topics.update': {
    method: 'PATCH', path: '/topics/{name}', tag: 'topics', role: 'operator',
    summary: 'Change a topic (maxDepth, maxAgeSeconds, overflow); exactly the fields sent change',
    audit: { action: 'topic.update', target: 'params.name' },
    params: NameParams,
    body: TopicPatchSchema, bodyName: 'TopicPatch',
    response: { status: 200, schema: TopicSchema, name: 'Topic' },
    errors: [404],
  },
  'topics.delete': {
    method: 'DELETE', path: '/topics/{name}', tag: 'topics', role: 'operator',
    summary: 'Delete a topic and its subscriptions',
    audit: { action: 'topic.delete', target: 'params.name' },
    params: NameParams,
    response: { status: 204 },
    errors: [404],
  },
  'topics.publish': {
    method: 'POST', path: '/topics/{name}/messages', tag: 'topics', role: 'operator',
    summary: 'Publish a message to a topic',
    audit: { action: 'topic.publish', target: 'params.name' },
    params: NameParams,
    body: PublishRequestSchema, bodyName: 'PublishRequest',
    response: { status: 200, schema: PublishResultSchema, name: 'PublishResult' },
    errors: [404, 429],
  },
  'topics.subscriptions': {
    method: 'GET', path: '/topics/{name}/subscriptions', tag: 'topics', role: 'viewer',
    summary: 'Subscriptions of a topic',
    params: NameParams,
    response: { status: 200, schema: SubscriptionListSchema, name: 'SubscriptionList' },
    errors: [404],
  },
  'subscriptions.delete': {
    method: 'DELETE', path: '/subscriptions/{key}', tag: 'subscriptions', role: 'operator',
    summary: 'Remove a durable subscription (its queue is dropped)',
    audit: { action: 'subscription.delete', target: 'params.key' },
    params: KeyParams,
    response: { status: 204 },
    errors: [404],
  },
  'subscriptions.purge': {
    method: 'POST', path: '/subscriptions/{key}/purge', tag: 'subscriptions', role: 'operator',
    summary: 'Drop every queued message of a subscription',
    audit: { action: 'subscription.purge', target: 'params.key' },
    params: KeyParams,
    response: { status: 200, schema: PurgeResultSchema, name: 'PurgeResult' },
    errors: [404],
  },
});
