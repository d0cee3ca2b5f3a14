import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SwitchboardClient } from '../../../client/switchboard-client';
import { ErrorCode } from '../../../protocol/errors';
import { startServer, type RunningServer } from '../../../server/runtime';
import { TestClient } from './ws-client';

let dir: string;
let server: RunningServer | undefined;
const clients: TestClient[] = [];

async function start(extra: { autoCreateTopics?: boolean } = {}): Promise<RunningServer> {
  // A service that publishes what it is asked to, through ctx.publish.
  writeFileSync(join(dir, 'publisher-service.mjs'), 'export default async (req, ctx) => ctx.publish(req.topic, { from: ctx.clientId, body: req.body });\n');
  server = await startServer({
    name: 'pubsub-test',
    dataDir: dir,
    logLevel: 'silent',
    admin: { enabled: false },
    services: [{ name: 'relay', module: join(dir, 'publisher-service.mjs') }],
    channels: [
      { name: 'main', address: 'ws://127.0.0.1:0/ws' },
      { name: 'relay', address: 'ws://127.0.0.1:0/relay', service: 'relay' },
      { name: 'limited', address: 'ws://127.0.0.1:0/limited', allowSubscribe: ['public.*'], allowPublish: ['public.news'] },
    ],
    pubsub: {
      autoCreateTopics: extra.autoCreateTopics ?? false,
      topics: [{ name: 'orders' }, { name: 'public.news' }, { name: 'small', maxDepth: 3 }, { name: 'strict', maxDepth: 2, overflow: 'reject' }],
    },
  });
  return server;
}

async function client(clientId: string, channel = 'main'): Promise<TestClient> {
  const c = await TestClient.connect(server!.channelUrl(channel), clientId);
  clients.push(c);
  return c;
}

/** Resolves once `pred` holds, re-checking on every admin event (topic.changed follows acks). */
async function untilEvent(s: RunningServer, pred: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  if (await pred()) return;
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => (off(), reject(new Error('timed out waiting for server state'))), timeoutMs);
    const off = s.events.subscribe(async () => {
      if (!(await pred())) return;
      clearTimeout(t);
      off();
      resolve();
    });
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-pubsub-it-'));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('pub/sub over real sockets', () => {
  it('delivers a 10,000 message backlog in order after reconnect with the same clientId', async () => {
    const s = await start();
    const first = await client('offline-sub');
    expect((await first.call({ type: 'subscribe', topic: 'orders' })).ok).toBe(true);
    const subscribedAt = (await s.pubsub.listTopicSubscriptions('orders'))[0]!.subscribedAt;
    await first.close();

    const pub = await client('publisher');
    const N = 10_000;
    const acks = await Promise.all(Array.from({ length: N }, (_, i) => pub.call({ type: 'publish', topic: 'orders', data: { n: i + 1 } })));
    expect(acks.every((a) => a.ok)).toBe(true);
    expect((await s.pubsub.getTopic('orders'))).toMatchObject({ published: N, depth: N });

    const again = await client('offline-sub');
    again.autoAckEvery = 100;
    await again.until(() => again.messages.length >= N, 60_000);
    expect(again.messages.map((m) => (m.data as { n: number }).n)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(again.messages.map((m) => m.seq)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    await untilEvent(s, async () => (await s.pubsub.getTopic('orders'))!.depth === 0);
    const [sub] = (await s.pubsub.listTopicSubscriptions('orders'));
    expect(sub).toMatchObject({ lastAckedSeq: N, depth: 0, dropped: 0, subscribedAt });
    const connId = again.frames.find((f) => f.type === 'welcome')!;
    expect(connId.type === 'welcome' && (await s.pubsub.listConnectionSubscriptions(connId.connectionId))[0]?.predatesConnection).toBe(true);
  });

  it('applies overflow policies with visible counts', async () => {
    const s = await start();
    const sub = await client('slow');
    await sub.call({ type: 'subscribe', topic: 'small' });
    await sub.call({ type: 'subscribe', topic: 'strict' });
    await sub.close();
    const pub = await client('pub');
    for (let i = 1; i <= 5; i++) expect((await pub.call({ type: 'publish', topic: 'small', data: i })).ok).toBe(true);
    expect((await s.pubsub.getTopic('small'))).toMatchObject({ depth: 3, dropped: 2 });
    await pub.call({ type: 'publish', topic: 'strict', data: 1 });
    await pub.call({ type: 'publish', topic: 'strict', data: 2 });
    const refused = await pub.call({ type: 'publish', topic: 'strict', data: 3 });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.TopicFull } });
    expect((await s.pubsub.getTopic('strict'))).toMatchObject({ published: 2, rejected: 1, depth: 2 });

    const back = await client('slow');
    await back.until(() => back.messages.length === 5);
    expect(back.messages.filter((m) => m.topic === 'small').map((m) => m.data)).toEqual([3, 4, 5]);
    expect(back.messages.filter((m) => m.topic === 'strict').map((m) => m.data)).toEqual([1, 2]);
  });

  it('unsubscribe and purge change what is queued', async () => {
    const s = await start();
    const c = await client('u1');
    await c.call({ type: 'subscribe', topic: 'orders' });
    await c.close();
    await s.pubsub.publish('orders', 'a', { kind: 'admin', id: 'test' });
    await s.pubsub.publish('orders', 'b', { kind: 'admin', id: 'test' });
    const key = (await s.pubsub.listTopicSubscriptions('orders'))[0]!.subscriptionKey;
    expect(await s.pubsub.purgeSubscription(key)).toEqual({ purged: 2 });
    const back = await client('u1');
    await s.pubsub.publish('orders', 'c', { kind: 'admin', id: 'test' });
    await back.until(() => back.messages.length === 1);
    expect(back.messages[0]).toMatchObject({ data: 'c', seq: 3 });
    expect((await back.call({ type: 'unsubscribe', topic: 'orders' })).ok).toBe(true);
    expect((await s.pubsub.getTopic('orders'))?.subscribers).toBe(0);
    expect((await s.pubsub.listTopicSubscriptions('orders'))).toEqual([]);
  });

  it('refuses what the channel does not permit, unknown topics and bad input, changing nothing', async () => {
    const s = await start();
    const c = await client('limited-1', 'limited');
    expect(await c.call({ type: 'subscribe', topic: 'orders' })).toMatchObject({ ok: false, error: { code: ErrorCode.NotPermitted, field: 'topic' } });
    expect(await c.call({ type: 'publish', topic: 'orders', data: 1 })).toMatchObject({ ok: false, error: { code: ErrorCode.NotPermitted } });
    expect(await c.call({ type: 'subscribe', topic: 'public.nothing' })).toMatchObject({ ok: false, error: { code: ErrorCode.TopicNotFound } });
    expect((await c.call({ type: 'subscribe', topic: 'public.news' })).ok).toBe(true);
    expect((await c.call({ type: 'publish', topic: 'public.news', data: 'hi' })).ok).toBe(true);
    await c.until(() => c.messages.length === 1);
    c.ack('public.news', 99);
    await c.until(() => c.frames.some((f) => f.type === 'error'));
    expect(c.frames.find((f) => f.type === 'error')).toMatchObject({ error: { code: ErrorCode.Validation, field: 'seq' } });
    // A malformed frame (invalid topic name) is refused by the frame parser: Close 1008 naming the problem.
    c.sendRaw(JSON.stringify({ type: 'subscribe', id: 7, topic: 'bad topic!' }));
    const closed = await c.whenClosed();
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/topic/);
    const d = await client('limited-2', 'limited');
    d.sendRaw(JSON.stringify({ type: 'ack', topic: 'public.news' }));
    expect((await d.whenClosed()).code).toBe(1008);
    expect((await s.pubsub.getTopic('orders'))).toMatchObject({ published: 0, subscribers: 0 });
    expect((await s.pubsub.listTopics()).map((t) => t.name)).not.toContain('bad topic!');
    expect((await s.pubsub.listTopicSubscriptions('public.news'))[0]).toMatchObject({ lastAckedSeq: 0 });
  });
});

describe('client library pub/sub', () => {
  it('subscribes, survives a reconnect with the same clientId and auto-acks', async () => {
    const s = await start();
    const sub = new SwitchboardClient({ url: s.channelUrl('main'), clientId: 'lib-sub', reconnect: false });
    await sub.connect();
    await expect(sub.subscribe('orders')).resolves.toMatchObject({ topic: 'orders', clientId: 'lib-sub' });
    await sub.close();

    const pub = new SwitchboardClient({ url: s.channelUrl('main'), clientId: 'lib-pub', reconnect: false });
    await pub.connect();
    for (let i = 1; i <= 20; i++) await expect(pub.publish('orders', { i })).resolves.toMatchObject({ queuedFor: 1 });
    await expect(pub.publish('missing', 1)).rejects.toMatchObject({ code: ErrorCode.TopicNotFound });
    await pub.close();

    const again = new SwitchboardClient({ url: s.channelUrl('main'), clientId: 'lib-sub', reconnect: false });
    const got: number[] = [];
    const all = new Promise<void>((r) => again.on('message', (m) => (got.push((m.data as { i: number }).i), got.length === 20 && r())));
    await again.connect();
    await all;
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await untilEvent(s, async () => (await s.pubsub.getTopic('orders'))!.depth === 0);
    await again.close();
  });
});

describe('services', () => {
  it('publish through ctx.publish with the same durability and delivery', async () => {
    const s = await start();
    const sub = new SwitchboardClient({ url: s.channelUrl('main'), clientId: 'svc-sub', reconnect: false });
    await sub.connect();
    await sub.subscribe('orders');
    const got = new Promise<unknown>((r) => sub.once('message', (m) => r(m.data)));
    const caller = new SwitchboardClient({ url: s.channelUrl('relay'), clientId: 'svc-caller', reconnect: false });
    await caller.connect();
    await expect(caller.request({ topic: 'orders', body: 'hi' })).resolves.toMatchObject({ topic: 'orders', queuedFor: 1 });
    await expect(got).resolves.toEqual({ from: 'svc-caller', body: 'hi' });
    await expect(caller.request({ topic: 'nope', body: 1 })).rejects.toMatchObject({ code: ErrorCode.ServiceFailed });
    await Promise.all([sub.close(), caller.close()]);
  });
});
