import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../server/runtime';
import { connectClient, startHarness, type Harness } from '../admin/helpers';
import { freePort } from '../helpers/processes';
import { HOOK_SERVICES, hookEvents, waitOutgoing } from './helpers';

let h: Harness;
let remote: RunningServer;
let remoteDir: string;
let remotePort: number;

const startRemote = () =>
  startServer({
    name: 'remote',
    dataDir: remoteDir,
    logLevel: 'silent',
    admin: { enabled: false },
    channels: [{ name: 'branches', address: `ws://127.0.0.1:${remotePort}/branches`, service: 'echo' }],
    pubsub: { topics: [{ name: 'orders' }] },
  });

beforeAll(async () => {
  remoteDir = mkdtempSync(join(tmpdir(), 'sb-remote-'));
  remotePort = await freePort();
  remote = await startRemote();
  h = await startHarness({}, {
    services: HOOK_SERVICES,
    channels: [{ name: 'main', address: 'ws://127.0.0.1:0/main' }, { name: 'relay', address: 'ws://127.0.0.1:0/relay', service: 'relay' }],
  });
});
afterAll(async () => {
  await h.close();
  await remote.close();
  rmSync(remoteDir, { recursive: true, force: true });
});

describe('outgoing connections to a second Switchboard server', () => {
  it('logs in, invokes the remote service, answers the remote server from onMessage, and keeps its subscription across a remote restart', async () => {
    const r = await h.api('POST', '/outgoing', {
      body: {
        name: 'hq', kind: 'switchboard', address: `ws://127.0.0.1:${remotePort}/branches`, clientId: 'branch-17', clientName: 'Branch 17',
        topics: ['orders'], onMessage: 'record', autoReconnect: { initialDelayMs: 50, maxDelayMs: 200 },
      },
    });
    expect(r.status).toBe(201);
    await waitOutgoing(h.server, 'hq', (o) => o.status.state === 'open');

    const inv = await h.api('POST', '/outgoing/hq/invoke', { body: { data: { ping: 1 } } });
    expect(inv.json).toMatchObject({ name: 'hq', ok: true, data: { ping: 1 } });

    // The remote server invokes us: onMessage's return value is the response.
    const mine = (await remote.connections.list({ clientId: 'branch-17', limit: 10 })).items;
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ clientName: 'Branch 17', state: 'logged-in' });
    const back = await remote.connections.invoke(mine[0]!.connectionId, { ask: 'status' }, 2000);
    expect(back).toMatchObject({ ok: true, data: { answeredBy: 'hq', got: { ask: 'status' } } });

    // The subscription was made after login; deliveries reach onMessage and are acknowledged.
    await expect.poll(async () => (await remote.pubsub.listTopicSubscriptions('orders')).map((s) => s.clientId)).toEqual(['branch-17']);
    await remote.pubsub.publish('orders', { n: 1 }, { kind: 'admin', id: 'test' });
    await expect.poll(() => hookEvents().filter((e) => e.topic === 'orders').map((e) => e.data)).toEqual([{ n: 1 }]);

    // A service reaches the connection by name.
    const client = await connectClient(h.server.channelUrl('relay'), 'till-1');
    client.ws.send(JSON.stringify({ type: 'request', id: 'q1', data: { via: 'hq', payload: { relayed: true } } }));
    const resp = await client.frame((f) => f.type === 'response' && f.inReplyTo === 'q1');
    expect(resp).toMatchObject({ ok: true, data: { ok: true, data: { relayed: true } } });
    client.ws.close();

    // Remote restart: published while it was away from us, nothing lost; the subscription is made again.
    await remote.close();
    await waitOutgoing(h.server, 'hq', (o) => o.status.state === 'backoff');
    remote = await startRemote();
    await waitOutgoing(h.server, 'hq', (o) => o.status.state === 'open', 10_000);
    await h.api('POST', '/outgoing/hq/stop', { body: {} });
    await remote.pubsub.publish('orders', { n: 2 }, { kind: 'admin', id: 'test' });
    await remote.pubsub.publish('orders', { n: 3 }, { kind: 'admin', id: 'test' });
    await h.api('POST', '/outgoing/hq/start');
    await expect.poll(() => hookEvents().filter((e) => e.topic === 'orders').map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const seqs = hookEvents().filter((e) => e.topic === 'orders').map((e) => e.seq);
    expect(seqs).toEqual([1, 2, 3]);
  });

  it('a refused hello (4003) stops retrying', async () => {
    const securedDir = mkdtempSync(join(tmpdir(), 'sb-secured-'));
    const secured = await startServer({
      name: 'secured', dataDir: securedDir, logLevel: 'silent', admin: { enabled: false },
      security: [{ name: 'keys', type: 'apikey', key: 'the-right-key-123', clientIds: ['*'] }],
      channels: [{ name: 'locked', address: 'ws://127.0.0.1:0/locked', security: 'keys' }],
    });
    try {
      await h.api('POST', '/outgoing', { body: { name: 'locked', kind: 'switchboard', address: secured.channelUrl('locked'), clientId: 'b1', security: { type: 'apikey', key: 'the-wrong-key-456' }, autoReconnect: { initialDelayMs: 20, maxDelayMs: 50 } } });
      const o = await waitOutgoing(h.server, 'locked', (x) => x.status.state === 'stopped');
      expect(o.status.lastClose).toMatchObject({ code: 4003, initiator: 'peer' });
      expect(o.status.reason).toMatch(/not retrying: the peer refused our credentials/);
      const ok = await h.api('PATCH', '/outgoing/locked', { body: { security: { type: 'apikey', key: 'the-right-key-123' } } });
      expect(ok.status).toBe(200);
      await waitOutgoing(h.server, 'locked', (x) => x.status.state === 'open');
      await h.api('DELETE', '/outgoing/locked');
    } finally {
      await secured.close();
      rmSync(securedDir, { recursive: true, force: true });
    }
  });
});
