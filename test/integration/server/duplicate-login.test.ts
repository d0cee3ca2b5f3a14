import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../../protocol/close-codes';
import { channel, connectAndLogin, RawClient, startTestServer, type TestServer } from './helpers';

const KEY = 'shared-channel-key-0001';

/** Resolves 'welcome' or the close. */
async function attempt(url: string, clientId: string, extra: Record<string, unknown> = {}): Promise<{ client: RawClient; result: 'welcome' | { code: number; reason: string } }> {
  const client = new RawClient(url);
  await client.opened;
  client.send({ type: 'hello', clientId, ...extra });
  const result = await Promise.race([client.next('welcome').then(() => 'welcome' as const), client.closed]);
  return { client, result };
}

describe('one login per client ID (channel duplicateLogin)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      security: [{ name: 'shared', type: 'apikey', key: KEY, clientIds: ['*'] }],
      channels: [channel('keyed', { security: 'shared' }), channel('open'), channel('takeover', { duplicateLogin: 'replace' })],
      pubsub: { topics: [{ name: 'orders' }] },
    });
  });
  afterAll(() => t.stop());

  it('reject (the default): a second login of a connected client ID is closed with 4010; the first keeps working', async () => {
    const first = await connectAndLogin(t.server.channelUrl('open'), 'till-1');
    const { result } = await attempt(t.server.channelUrl('open'), 'till-1');
    expect(result).toEqual({ code: CloseCode.DuplicateLogin, reason: 'client ID already logged in (channel duplicateLogin: reject)' });
    // Also from another channel: a client ID is one identity on the whole server.
    expect((await attempt(t.server.channelUrl('keyed'), 'till-1', { apiKey: KEY })).result).toMatchObject({ code: CloseCode.DuplicateLogin });
    first.send({ type: 'request', id: 'r1', data: 'still here' });
    expect(await first.next('response', (r) => r.inReplyTo === 'r1')).toMatchObject({ ok: true });
    // The policy of the channel the newcomer logs in to decides: a replace channel takes the ID over.
    const { result: taken } = await attempt(t.server.channelUrl('takeover'), 'till-1');
    expect(taken).toBe('welcome');
    expect(await first.closed).toMatchObject({ code: CloseCode.Replaced });
  });

  it('a holder of the shared key cannot log in as a connected client and receive or acknowledge its durable messages', async () => {
    const url = t.server.channelUrl('keyed');
    const victim = await connectAndLogin(url, 'victim', { apiKey: KEY });
    victim.send({ type: 'subscribe', id: 's1', topic: 'orders' });
    expect(await victim.next('response', (r) => r.inReplyTo === 's1')).toMatchObject({ ok: true });

    const { client: intruder, result } = await attempt(url, 'victim', { apiKey: KEY });
    expect(result).toMatchObject({ code: CloseCode.DuplicateLogin });
    await t.server.pubsub.publish('orders', { n: 1 }, { kind: 'admin', id: 'test' });
    expect(await victim.next('message')).toMatchObject({ topic: 'orders', seq: 1, data: { n: 1 } });
    expect(intruder.frames.filter((f) => f.type === 'message')).toEqual([]);
    const [sub] = await t.server.pubsub.listTopicSubscriptions('orders');
    expect(sub).toMatchObject({ clientId: 'victim', lastAckedSeq: 0, depth: 1 });
    victim.close();
    await victim.closed;
  });

  it('a client that closed can log in again at once (its old socket is closing, not a holder)', async () => {
    const url = t.server.channelUrl('open');
    const a = await connectAndLogin(url, 'reconnector');
    a.close();
    await a.closed;
    const b = await connectAndLogin(url, 'reconnector');
    expect((await t.server.connections.list({ limit: 10, clientId: 'reconnector' })).items.map((c) => c.state)).toEqual(['logged-in']);
    b.close();
  });

  it('replace: the newcomer is admitted and the old connection is closed with 4011; durable delivery moves to the newcomer', async () => {
    const url = t.server.channelUrl('takeover');
    const old = await connectAndLogin(url, 'kiosk-7');
    old.send({ type: 'subscribe', id: 's1', topic: 'orders' });
    await old.next('response', (r) => r.inReplyTo === 's1');
    const before = (await t.server.info()).auth!;

    const fresh = await connectAndLogin(url, 'kiosk-7');
    expect(await old.closed).toEqual({ code: CloseCode.Replaced, reason: 'replaced by a newer login of this client ID' });
    await t.server.pubsub.publish('orders', { n: 2 }, { kind: 'admin', id: 'test' });
    // The backlog (n:1 from the previous test is not for this client) and the new message go to the newcomer.
    expect(await fresh.next('message', (m) => (m.data as { n: number }).n === 2)).toMatchObject({ topic: 'orders' });
    expect(old.frames.filter((f) => f.type === 'message')).toEqual([]);
    const list = await t.server.connections.list({ limit: 10, clientId: 'kiosk-7' });
    expect(list.items.map((c) => c.connectionId)).toEqual([(await fresh.next('welcome')).connectionId]);
    expect((await t.server.info()).auth).toMatchObject({ duplicateLoginsReplaced: before.duplicateLoginsReplaced + 1 });
    fresh.close();
  });

  it('counts rejected duplicates in the server info', async () => {
    const first = await connectAndLogin(t.server.channelUrl('open'), 'counted');
    const before = (await t.server.info()).auth!.duplicateLoginsRejected;
    await attempt(t.server.channelUrl('open'), 'counted');
    expect((await t.server.info()).auth!.duplicateLoginsRejected).toBe(before + 1);
    first.close();
  });
});
