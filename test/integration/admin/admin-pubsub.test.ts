import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditListSchema } from '../../../protocol/admin-audit';
import { PublishResultSchema, SubscriptionListSchema, TopicListSchema, TopicSchema } from '../../../protocol/admin-pubsub';
import { connectClient, errorOf, startHarness, VIEWER, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('admin topics and subscriptions against a real server', () => {
  it('manages topics, publishes, lists, purges and removes subscriptions, auditing each action', async () => {
    expect((await h.api('POST', '/topics', { body: { name: 'prices', maxDepth: 10 } })).status).toBe(201);
    expect((await h.api('POST', '/topics', { body: { name: 'prices' } })).status).toBe(409);
    const bad = await h.api('POST', '/topics', { body: { name: 'bad name!' } });
    expect(errorOf(bad.json)).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'name' });
    expect(TopicListSchema.parse((await h.api('GET', '/topics', { token: VIEWER })).json).items.map((t) => t.name)).toEqual(['prices']);
    expect(TopicSchema.parse((await h.api('PATCH', '/topics/prices', { body: { maxDepth: 20 } })).json).maxDepth).toBe(20);

    const c = await connectClient(h.server.channelUrl('main'), 'sub-1');
    c.ws.send(JSON.stringify({ type: 'subscribe', id: 's1', topic: 'prices' }));
    await c.frame((f) => f.type === 'response' && f.inReplyTo === 's1');

    const pub = await h.api('POST', '/topics/prices/messages', { body: { data: { p: 42 } } });
    expect(pub.status).toBe(200);
    expect(PublishResultSchema.parse(pub.json).queuedFor).toBe(1);
    const msg = await c.frame((f) => f.type === 'message');
    expect(msg).toMatchObject({ topic: 'prices', data: { p: 42 } });
    expect(errorOf((await h.api('POST', '/topics/none/messages', { body: { data: 1 } })).json).code).toBe('SB_ERR_TOPIC_NOT_FOUND');

    const subs = SubscriptionListSchema.parse((await h.api('GET', '/topics/prices/subscriptions')).json).items;
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ clientId: 'sub-1', topic: 'prices' });
    const mine = SubscriptionListSchema.parse((await h.api('GET', `/connections/${c.connectionId}/subscriptions`)).json).items;
    expect(mine.map((s) => s.subscriptionKey)).toEqual([subs[0]!.subscriptionKey]);
    const key = encodeURIComponent(subs[0]!.subscriptionKey);

    expect((await h.api('POST', `/subscriptions/${key}/purge`, { token: VIEWER })).status).toBe(403);
    const purge = await h.api('POST', `/subscriptions/${key}/purge`);
    expect(purge.status).toBe(200);
    expect(purge.json).toMatchObject({ purged: expect.any(Number) });
    expect((await h.api('DELETE', `/subscriptions/${key}`)).status).toBe(204);
    expect((await h.api('DELETE', `/subscriptions/${key}`)).status).toBe(404);
    expect((await h.api('DELETE', '/topics/prices')).status).toBe(204);
    expect((await h.api('GET', '/topics/prices')).status).toBe(404);

    const audit = AuditListSchema.parse((await h.api('GET', '/audit?limit=50')).json).items.map((e) => `${e.action}:${e.outcome}`);
    expect(audit).toEqual(expect.arrayContaining(['topic.create:ok', 'topic.create:error', 'topic.update:ok', 'topic.publish:ok', 'topic.publish:error', 'subscription.purge:ok', 'subscription.purge:error', 'subscription.delete:ok', 'subscription.delete:error', 'topic.delete:ok']));
    c.ws.terminate();
  });
});
