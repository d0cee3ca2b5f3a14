import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../../protocol/errors';
import { makeHarness, RecordingSession, settle, type Harness } from './harness';

let h: Harness;
afterEach(() => h?.dispose());

function attach(clientId: string, conn = `c-${clientId}-${Math.random()}`): RecordingSession {
  // Each connection opens strictly after everything before it (predatesConnection compares times).
  const s = new RecordingSession(conn, clientId, 'main', new Date(Date.now() + 1).toISOString());
  h.connections.set(conn, { clientId, connectedAt: s.connectedAt });
  h.engine.attach(s);
  return s;
}

describe('PubSubEngine', () => {
  it('delivers to a subscriber, keeps the subscription across reconnect and redelivers unacked', async () => {
    h = makeHarness({ topics: [{ name: 'news' }] });
    const a = attach('alice');
    await h.engine.handleFrame(a, { type: 'subscribe', id: 1, topic: 'news' });
    expect(a.lastResponse()).toMatchObject({ inReplyTo: 1, ok: true });
    await h.engine.publish('news', { n: 1 }, { kind: 'admin', id: 't' });
    await settle();
    expect(a.messages().map((m) => [m.seq, m.data])).toEqual([[1, { n: 1 }]]);
    h.engine.detach(a.connectionId);
    await h.engine.publish('news', { n: 2 }, { kind: 'admin', id: 't' });
    const b = attach('alice');
    await settle();
    expect(b.messages().map((m) => m.seq)).toEqual([1, 2]);
    await h.engine.handleFrame(b, { type: 'ack', topic: 'news', seq: 2 });
    expect(h.engine.listTopicSubscriptions('news')[0]).toMatchObject({ lastAckedSeq: 2, depth: 0, lastSeq: 2 });
    const subs = h.engine.listConnectionSubscriptions(b.connectionId);
    expect(subs[0]?.predatesConnection).toBe(true);
    expect(h.events.map((e) => e.type)).toContain('subscription.created');
  });

  it('survives a restart with queues intact', async () => {
    h = makeHarness({ topics: [{ name: 'jobs' }] });
    const a = attach('w1');
    await h.engine.handleFrame(a, { type: 'subscribe', id: 1, topic: 'jobs' });
    h.engine.detach(a.connectionId);
    for (let i = 1; i <= 5; i++) await h.engine.publish('jobs', i, { kind: 'admin', id: 't' });
    h = await h.restart();
    expect(h.engine.getTopic('jobs')).toMatchObject({ subscribers: 1, depth: 5, published: 5 });
    const b = attach('w1');
    await settle();
    expect(b.messages().map((m) => m.data)).toEqual([1, 2, 3, 4, 5]);
  });

  it('drop-oldest counts what it drops', async () => {
    h = makeHarness({ topics: [{ name: 't', maxDepth: 3 }] });
    const a = attach('x');
    await h.engine.handleFrame(a, { type: 'subscribe', id: 1, topic: 't' });
    h.engine.detach(a.connectionId);
    let dropped = 0;
    for (let i = 1; i <= 5; i++) dropped += (await h.engine.publish('t', i, { kind: 'admin', id: 't' })).dropped;
    expect(dropped).toBe(2);
    expect(h.engine.getTopic('t')).toMatchObject({ dropped: 2, depth: 3 });
    expect(h.engine.listTopicSubscriptions('t')[0]).toMatchObject({ dropped: 2, depth: 3 });
    const b = attach('x');
    await settle();
    expect(b.messages().map((m) => [m.seq, m.data])).toEqual([[3, 3], [4, 4], [5, 5]]);
  });

  it('reject refuses with TopicFull and changes nothing but the rejected count', async () => {
    h = makeHarness({ topics: [{ name: 't', maxDepth: 2, overflow: 'reject' }] });
    const a = attach('x');
    await h.engine.handleFrame(a, { type: 'subscribe', id: 1, topic: 't' });
    h.engine.detach(a.connectionId);
    await h.engine.publish('t', 1, { kind: 'admin', id: 't' });
    await h.engine.publish('t', 2, { kind: 'admin', id: 't' });
    await expect(h.engine.publish('t', 3, { kind: 'admin', id: 't' })).rejects.toMatchObject({ code: ErrorCode.TopicFull });
    expect(h.engine.getTopic('t')).toMatchObject({ published: 2, rejected: 1, depth: 2, dropped: 0 });
  });

  it('answers unknown topic, permissions and bad acks with clear errors', async () => {
    h = makeHarness({ topics: [{ name: 'open' }, { name: 'secret.x' }] });
    const a = attach('x');
    a.subscribePatterns = ['open', 'pub.*'];
    a.publishPatterns = ['open'];
    await h.engine.handleFrame(a, { type: 'subscribe', id: 1, topic: 'nope' });
    expect(a.lastResponse()).toMatchObject({ ok: false, error: { code: ErrorCode.NotPermitted } });
    a.subscribePatterns = ['*'];
    await h.engine.handleFrame(a, { type: 'subscribe', id: 2, topic: 'nope' });
    expect(a.lastResponse()).toMatchObject({ ok: false, error: { code: ErrorCode.TopicNotFound, field: 'topic' } });
    await h.engine.handleFrame(a, { type: 'publish', id: 3, topic: 'secret.x', data: 1 });
    expect(a.lastResponse()).toMatchObject({ ok: false, error: { code: ErrorCode.NotPermitted } });
    await h.engine.handleFrame(a, { type: 'ack', topic: 'open', seq: 1 });
    expect(a.frames.at(-1)).toMatchObject({ type: 'error', error: { code: ErrorCode.SubscriptionNotFound } });
    await h.engine.handleFrame(a, { type: 'unsubscribe', id: 4, topic: 'open' });
    expect(a.lastResponse()).toMatchObject({ ok: false, error: { code: ErrorCode.SubscriptionNotFound } });
    expect(h.engine.getTopic('secret.x')?.published).toBe(0);
    expect(h.engine.subscriptionCount('x')).toBe(0);
    await expect(h.engine.createTopic({ name: 'bad name' })).rejects.toMatchObject({ code: ErrorCode.Validation, field: 'name' });
    await expect(h.engine.createTopic({ name: 'open' })).rejects.toMatchObject({ code: ErrorCode.TopicExists });
  });

  it('purges and removes subscriptions, auto-creates topics when configured', async () => {
    h = makeHarness({ autoCreateTopics: true });
    const a = attach('x');
    await h.engine.handleFrame(a, { type: 'subscribe', id: 1, topic: 'auto' });
    expect(a.lastResponse()).toMatchObject({ ok: true });
    h.engine.detach(a.connectionId);
    await h.engine.publish('auto', 1, { kind: 'admin', id: 't' });
    await h.engine.publish('auto', 2, { kind: 'admin', id: 't' });
    const key = h.engine.listTopicSubscriptions('auto')[0]!.subscriptionKey;
    expect(await h.engine.purgeSubscription(key)).toEqual({ purged: 2 });
    expect(h.engine.getTopic('auto')?.depth).toBe(0);
    await h.engine.removeSubscription(key);
    expect(h.engine.subscriptionCount('x')).toBe(0);
    await expect(h.engine.removeSubscription(key)).rejects.toMatchObject({ code: ErrorCode.SubscriptionNotFound });
    expect(h.events.some((e) => e.type === 'subscription.deleted' && e.subscriptionKey === key)).toBe(true);
  });

  it('bounds in-flight messages by the window and streams a backlog as acks arrive', async () => {
    h = makeHarness({ topics: [{ name: 't' }], delivery: { windowPerSubscription: 10, batchSize: 4 } });
    const a = attach('x');
    await h.engine.handleFrame(a, { type: 'subscribe', id: 1, topic: 't' });
    h.engine.detach(a.connectionId);
    await Promise.all(Array.from({ length: 50 }, (_, i) => h.engine.publish('t', i, { kind: 'admin', id: 't' })));
    const b = attach('x');
    await settle();
    expect(b.messages().length).toBe(10);
    let acked = 0;
    while (acked < 50) {
      const last = b.messages().at(-1)!.seq;
      expect(last - acked).toBeLessThanOrEqual(10);
      await h.engine.handleFrame(b, { type: 'ack', topic: 't', seq: last });
      acked = last;
      await settle();
    }
    expect(b.messages().map((m) => m.data)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('expires aged messages as dropped and trims acked ones', async () => {
    h = makeHarness({ topics: [{ name: 't', maxAgeSeconds: 1 }] });
    const a = attach('x');
    await h.engine.handleFrame(a, { type: 'subscribe', id: 1, topic: 't' });
    h.engine.detach(a.connectionId);
    await h.engine.publish('t', 1, { kind: 'admin', id: 't' });
    await h.engine.sweep(Date.now() + 5000);
    expect(h.engine.getTopic('t')).toMatchObject({ dropped: 1, depth: 0 });
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM pubsub_messages').get()).toEqual({ n: 0 });
  });
});
