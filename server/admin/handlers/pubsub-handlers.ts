import { ErrorCode } from '../../../protocol/errors';
import type { ServerControl } from '../../control/control';
import { SbError } from '../../errors';
import type { AdminHandlers } from './types';

async function topicOr404(control: ServerControl, name: string) {
  const t = await control.pubsub.getTopic(name);
  if (!t) throw new SbError(ErrorCode.TopicNotFound, `no topic named "${name}"`, { field: 'name' });
  return t;
}

type PubSubRoutes = 'topics.list' | 'topics.create' | 'topics.get' | 'topics.update' | 'topics.delete' | 'topics.publish'
  | 'topics.subscriptions' | 'subscriptions.delete' | 'subscriptions.purge';

export const pubsubHandlers: AdminHandlers<PubSubRoutes> = {
  'topics.list': async ({ control }) => ({ items: await control.pubsub.listTopics() }),
  'topics.create': ({ control, body }) => control.pubsub.createTopic(body),
  'topics.get': ({ control, params }) => topicOr404(control, params.name),
  'topics.update': async ({ control, params, body }) => {
    await topicOr404(control, params.name);
    return control.pubsub.updateTopic(params.name, body);
  },
  'topics.delete': async ({ control, params }) => {
    await topicOr404(control, params.name);
    await control.pubsub.removeTopic(params.name);
  },
  'topics.publish': async ({ control, params, caller, body }) => {
    await topicOr404(control, params.name);
    return control.pubsub.publish(params.name, body.data, { kind: 'admin', id: caller.name });
  },
  'topics.subscriptions': async ({ control, params }) => {
    await topicOr404(control, params.name);
    return { items: await control.pubsub.listTopicSubscriptions(params.name) };
  },
  'subscriptions.delete': async ({ control, params }) => {
    await control.pubsub.removeSubscription(params.key);
  },
  'subscriptions.purge': ({ control, params }) => control.pubsub.purgeSubscription(params.key),
};
