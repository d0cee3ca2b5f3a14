import { describe, expect, it } from 'vitest';
import type { ClusterNodeList } from '../../../protocol/admin-cluster';
import type { Channel, ServerInfo } from '../../../protocol/admin-config';
import type { ConnectionInfo, ConnectionList, DisconnectResult, InvokeResult } from '../../../protocol/admin-connections';
import type { PublishResult, Subscription } from '../../../protocol/admin-pubsub';
import WebSocket from 'ws';
import type { AdminEvent } from '../../../protocol/admin-events';
import { TestClient } from '../pubsub/ws-client';
import { eventually, NodeProcess, threeNodeCluster, TOKEN } from './harness';

const { nodes, clients } = threeNodeCluster('sb-cluster-');

const A = (): NodeProcess => nodes[0]!;
const B = (): NodeProcess => nodes[1]!;
const C = (): NodeProcess => nodes[2]!;

describe('cluster of three processes on one Redis', () => {
  it('lists every node\'s connections through any node, each row naming its node', async () => {
    clients.push(await TestClient.connect(A().channelUrl, 'on-a'), await TestClient.connect(B().channelUrl, 'on-b'), await TestClient.connect(C().channelUrl, 'on-c'));
    for (const n of nodes) {
      const list = await eventually(async () => {
        const r = await n.api<ConnectionList>('GET', '/connections?clientId=on-*');
        return r.body.items?.length === 3 ? r.body : null;
      });
      expect(list.total).toBe(3);
      expect(list.items.map((i) => `${i.clientId}@${i.node}`)).toEqual(['on-a@a', 'on-b@b', 'on-c@c']);
    }
    const nodesSeen = (await B().api<ClusterNodeList>('GET', '/cluster/nodes')).body;
    expect(nodesSeen).toMatchObject({ mode: 'cluster', state: 'healthy', self: 'b' });
    expect(nodesSeen.items.map((n) => `${n.nodeId}:${n.state}:${n.adminUrl === nodes.find((x) => x.nodeId === n.nodeId)?.adminUrl}`)).toEqual(['a:alive:true', 'b:alive:true', 'c:alive:true']);
  });

  it('invokes and disconnects a client on node C through node A\'s admin API', async () => {
    const onC = await TestClient.connect(C().channelUrl, 'invoke-me');
    clients.push(onC);
    onC.ws.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as { type: string; id?: string | number; data?: unknown };
      if (f.type === 'request') onC.ws.send(JSON.stringify({ type: 'response', inReplyTo: f.id, data: { echo: f.data } }));
    });
    const row = await eventually(async () => (await A().api<ConnectionList>('GET', '/connections?clientId=invoke-me')).body.items[0]);
    expect(row.node).toBe('c');

    const inv = await A().api<InvokeResult>('POST', `/connections/${row.connectionId}/invoke`, { data: { ping: 1 }, timeoutMs: 2000 });
    expect(inv.status).toBe(200);
    expect(inv.body).toMatchObject({ ok: true, data: { echo: { ping: 1 } } });

    const one = await A().api<ConnectionInfo>('GET', `/connections/${row.connectionId}`);
    expect(one.body.node).toBe('c');

    const disc = await A().api<DisconnectResult>('POST', `/connections/${row.connectionId}/disconnect`, { code: 4000, reason: 'routed' });
    expect(disc.status).toBe(200);
    expect(await onC.whenClosed()).toEqual({ code: 4000, reason: 'routed' });
    await eventually(async () => (await B().api<ConnectionList>('GET', '/connections?clientId=invoke-me')).body.total === 0);
  });

  it('delivers a publish made on A to subscribers on B and C, in order', async () => {
    const onB = await TestClient.connect(B().channelUrl, 'sub-b');
    const onC = await TestClient.connect(C().channelUrl, 'sub-c');
    clients.push(onB, onC);
    expect((await onB.call({ type: 'subscribe', topic: 'news' })).ok).toBe(true);
    expect((await onC.call({ type: 'subscribe', topic: 'news' })).ok).toBe(true);
    onB.autoAckEvery = 1;
    onC.autoAckEvery = 1;
    for (let i = 0; i < 20; i++) {
      const r = await A().api<PublishResult>('POST', '/topics/news/messages', { data: { i } });
      expect(r.status).toBe(200);
    }
    // A client on B publishes too: one order for everyone.
    expect((await onB.call({ type: 'publish', topic: 'news', data: { i: 20 } })).ok).toBe(true);
    await onB.until(() => onB.messages.length === 21);
    await onC.until(() => onC.messages.length === 21);
    const want = Array.from({ length: 21 }, (_, i) => ({ i }));
    expect(onB.messages.map((m) => m.data)).toEqual(want);
    expect(onC.messages.map((m) => m.data)).toEqual(want);
  });

  it('lists and removes subscriptions held on other nodes through A', async () => {
    const subs = (await A().api<{ items: Subscription[] }>('GET', '/topics/news/subscriptions')).body.items;
    expect(subs.map((x) => x.clientId).sort()).toEqual(['sub-b', 'sub-c']);
    const onC = subs.find((x) => x.clientId === 'sub-c')!;
    const del = await A().api('DELETE', `/subscriptions/${encodeURIComponent(onC.subscriptionKey)}`);
    expect(del.status).toBe(204);
    expect((await C().api<{ items: Subscription[] }>('GET', '/topics/news/subscriptions')).body.items.map((x) => x.clientId)).toEqual(['sub-b']);
    const again = await B().api<{ error: { code: string } }>('DELETE', `/subscriptions/${encodeURIComponent(onC.subscriptionKey)}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('SB_ERR_SUBSCRIPTION_NOT_FOUND');
  });

  it('applies a configuration change made on A on B and C within 1 s', async () => {
    const t0 = Date.now();
    const created = await A().api<Channel>('POST', '/channels', { name: 'extra', address: 'ws://127.0.0.1:0/extra' });
    expect(created.status).toBe(201);
    await Promise.all([B(), C()].map((n) => eventually(async () => (await n.api<Channel>('GET', '/channels/extra')).body.listening === true, 1000, 10)));
    const created2 = await B().api('POST', '/security', { name: 'keys', type: 'apikey', key: 'k'.repeat(32), clientIds: ['*'] });
    expect(created2.status).toBe(201);
    await eventually(async () => (await C().api('GET', '/security/keys')).status === 200, 1000, 10);
    const patched = await C().api<Channel>('PATCH', '/channels/extra', { security: 'keys' });
    expect(patched.status).toBe(200);
    await Promise.all([A(), B()].map((n) => eventually(async () => (await n.api<Channel>('GET', '/channels/extra')).body.security === 'keys', 1000, 10)));
    const elapsed = Date.now() - t0;
    console.log(`config: create on A, security on B, patch on C — all visible everywhere in ${elapsed} ms`);
    expect((await C().api<ServerInfo>('GET', '/server')).body).toMatchObject({ mode: 'cluster', cluster: { state: 'healthy' } });
  });

  it('streams every node\'s connection events through any node\'s admin event stream', async () => {
    const seen: AdminEvent[] = [];
    const stream = new WebSocket(`${A().adminUrl.replace('http', 'ws')}/admin/v1/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    stream.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as { type: string; events?: AdminEvent[] };
      if (f.type === 'events') seen.push(...(f.events ?? []));
    });
    await new Promise((r) => stream.once('message', r));
    const onC = await TestClient.connect(C().channelUrl, 'watched-on-c');
    const opened = await eventually(async () => seen.find((e) => e.type === 'connection.updated' && e.connection.clientId === 'watched-on-c' && e.connection.node === 'c'), 3000, 10);
    expect(opened.type).toBe('connection.updated');
    const id = opened.type === 'connection.updated' ? opened.connection.connectionId : '';
    await onC.close();
    const closed = await eventually(async () => seen.find((e) => e.type === 'connection.closed' && e.connectionId === id), 3000, 10);
    expect(closed).toMatchObject({ type: 'connection.closed', clientId: 'watched-on-c', code: 1000, initiator: 'client' });
    stream.close();
  });
});
