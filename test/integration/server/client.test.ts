import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDemoSwarm } from '../../../client/demo-swarm';
import { ClientRequestError, SwitchboardClient, type ClientState } from '../../../client/switchboard-client';
import { CloseCode } from '../../../protocol/close-codes';
import { ErrorCode } from '../../../protocol/errors';
import { channel, startTestServer, type TestServer } from './helpers';

describe('client library and demo swarm', () => {
  let t: TestServer;
  let url: string;
  beforeEach(async () => {
    t = await startTestServer({ channels: [channel('main')], security: [], closeTimeoutMs: 500 });
    url = t.server.channelUrl('main');
  });
  afterEach(() => t.stop());

  it('connects through the states, requests, answers invokes and closes', async () => {
    const states: string[] = [];
    const c = new SwitchboardClient({ url, clientId: 'lib-1', clientName: 'Lib', reconnect: false, onRequest: (d) => ({ got: d }) });
    const reasons: string[] = [];
    c.on('state', ({ from, to, reason }: { from: ClientState; to: ClientState; reason: string }) => {
      states.push(`${from}>${to}`);
      reasons.push(reason);
    });
    const welcome = await c.connect();
    expect(welcome.clientId).toBe('lib-1');
    expect(await c.request({ a: 1 })).toEqual({ a: 1 });
    const inv = await t.server.connections.invoke(welcome.connectionId, 'hi', 1000);
    expect(inv.data).toEqual({ got: 'hi' });
    const closed = new Promise((r) => c.once('close', r));
    await c.close(1000, 'bye');
    expect(await closed).toEqual({ code: 1000, reason: 'bye' });
    expect(states).toEqual(['disconnected>connecting', 'connecting>connected', 'connected>closing', 'closing>disconnected']);
    expect(reasons).toEqual(['connect', 'welcome', 'bye', 'closed (1000) bye']);
    expect(() => new SwitchboardClient({ url, clientId: 'x', reconnect: { initialDelayMs: 100, maxDelayMs: 10 } })).toThrow(RangeError);
    await expect(c.request(1)).rejects.toMatchObject({ code: ErrorCode.ConnectionNotReady });
  });

  it('reconnects after an admin disconnect with a new connectionId, but not after auth failure', async () => {
    const c = new SwitchboardClient({ url, clientId: 'lib-2', reconnect: { initialDelayMs: 20, maxDelayMs: 50 } });
    const first = await c.connect();
    const again = new Promise<{ connectionId: string }>((r) => c.once('welcome', r));
    const closeEvent = new Promise((r) => c.once('close', r));
    await t.server.connections.disconnect(first.connectionId, 4005, 'kicked');
    expect(await closeEvent).toEqual({ code: 4005, reason: 'kicked' });
    const second = await again;
    expect(second.connectionId).not.toBe(first.connectionId);
    await c.close();

    await t.server.security.create({ name: 'k', type: 'apikey', key: 'right-key-123', clientIds: ['*'] });
    await t.server.channels.update('main', { security: 'k' });
    const bad = new SwitchboardClient({ url, clientId: 'lib-3', credentials: { apiKey: 'wrong-key-123' }, reconnect: { initialDelayMs: 10, maxDelayMs: 10 } });
    await expect(bad.connect()).rejects.toBeInstanceOf(ClientRequestError);
    expect(bad.state).toBe('disconnected');
    const good = new SwitchboardClient({ url, clientId: 'lib-4', credentials: { apiKey: 'right-key-123' }, reconnect: false });
    expect((await good.connect()).clientId).toBe('lib-4');
    await good.close();
    void CloseCode;
  });

  it('stops after 4011 (replaced by another instance of its client ID) instead of taking the ID back', async () => {
    await t.server.channels.update('main', { duplicateLogin: 'replace' });
    const opts = { url, clientId: 'twin', reconnect: { initialDelayMs: 10, maxDelayMs: 20 } };
    const first = new SwitchboardClient(opts);
    await first.connect();
    const replaced = new Promise<{ code: number }>((r) => first.once('close', r));
    const second = new SwitchboardClient(opts);
    const w = await second.connect();
    expect((await replaced).code).toBe(CloseCode.Replaced);
    expect(first.state).toBe('disconnected');
    // Had it reconnected, it would have opened a connection within its 20 ms backoff cap; nothing
    // announces "no reconnect", so watch the server's events for five times that long.
    const opened: string[] = [];
    const off = t.server.events.subscribe((e) => void (e.type === 'connection.opened' && opened.push(e.connection.connectionId)));
    await new Promise((r) => setTimeout(r, 100));
    off();
    expect(opened).toEqual([]);
    const live = (await t.server.connections.list({ limit: 10, clientId: 'twin' })).items.filter((c) => c.state === 'logged-in');
    expect(live.map((c) => c.connectionId)).toEqual([w.connectionId]);
    await second.close();
  });

  it('demo swarm: stable ids and names, invoke echo with timestamp, silent clients time out', async () => {
    const swarm = await startDemoSwarm({ url, clients: 3, silentClientIds: ['demo-0003'] });
    try {
      const list = (await t.server.connections.list({ limit: 10, clientId: 'demo-*' }));
      expect(list.items.map((i) => [i.clientId, i.clientName])).toEqual([['demo-0001', 'Ada #1'], ['demo-0002', 'Grace #2'], ['demo-0003', 'Alan #3']]);
      const r = await t.server.connections.invoke(list.items[0]!.connectionId, { x: 1 }, 1000);
      expect(r.data).toMatchObject({ echo: { x: 1 } });
      expect((r.data as { at: string }).at).toMatch(/Z$/);
      await expect(t.server.connections.invoke(list.items[2]!.connectionId, {}, 100)).rejects.toMatchObject({ code: ErrorCode.InvokeTimeout });
    } finally {
      await swarm.close();
    }
  });
});
