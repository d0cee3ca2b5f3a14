import { describe, expect, it } from 'vitest';
import type { ClusterNodeList } from '../../../protocol/admin-cluster';
import type { ServerInfo } from '../../../protocol/admin-config';
import type { ConnectionList, InvokeResult } from '../../../protocol/admin-connections';
import type { ErrorBody } from '../../../protocol/errors';
import WebSocket from 'ws';
import type { AdminEvent } from '../../../protocol/admin-events';
import { TestClient } from '../pubsub/ws-client';
import { eventually, NodeProcess, threeNodeCluster, TOKEN } from './harness';

/** nodeTtlMs and heartbeatMs of the harness's nodes. */
const NODE_TTL_MS = 1000;
const HEARTBEAT_MS = 200;

const { nodes, clients, redis } = threeNodeCluster('sb-cluster-incidents-');

const node = (id: string): NodeProcess => nodes.find((n) => n.nodeId === id)!;
const listAll = async (via: NodeProcess): Promise<ConnectionList> => (await via.api<ConnectionList>('GET', '/connections?limit=1000')).body;

describe('cluster incidents (real processes, private Redis)', () => {
  it('kill -9 of a node: its rows leave the registry within nodeTtlMs, the node is lost, commands to it fail with SB_ERR_NODE_UNREACHABLE', async () => {
    for (const id of ['a', 'b', 'b', 'c']) clients.push(await TestClient.connect(node(id).channelUrl, `k-${id}-${clients.length}`));
    await eventually(async () => (await listAll(node('a'))).total === 4);
    const bRow = (await listAll(node('a'))).items.find((i) => i.node === 'b')!;
    // A console watching node c's event stream.
    const seenEvents: AdminEvent[] = [];
    const stream = new WebSocket(`${node('c').adminUrl.replace('http', 'ws')}/admin/v1/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    stream.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as { type: string; events?: AdminEvent[] };
      if (f.type === 'events') seenEvents.push(...(f.events ?? []));
    });
    await new Promise((r) => stream.once('message', r));

    await node('b').kill9();
    const killedAt = Date.now();
    // Before the TTL ran out the row may still be listed: a command to it must fail fast, not hang.
    const inv = await node('a').api<ErrorBody>('POST', `/connections/${bRow.connectionId}/invoke`, { data: 1, timeoutMs: 1000 });
    const invMs = Date.now() - killedAt;
    if (inv.status !== 404) {
      expect(inv.status).toBe(503);
      expect(inv.body.error.code).toBe('SB_ERR_NODE_UNREACHABLE');
    }

    await eventually(async () => (await listAll(node('c'))).items.every((i) => i.node !== 'b'), NODE_TTL_MS + 3 * HEARTBEAT_MS + 1000, 20);
    const goneMs = Date.now() - killedAt;
    console.log(`kill -9: rows of b gone after ${goneMs} ms (nodeTtlMs ${NODE_TTL_MS}, heartbeatMs ${HEARTBEAT_MS}); a command to b answered in ${invMs} ms (${inv.status})`);
    expect(goneMs).toBeLessThanOrEqual(NODE_TTL_MS + 2 * HEARTBEAT_MS + 500);
    expect((await listAll(node('a'))).total).toBe(2);
    const lost = await eventually(async () => {
      const closed = seenEvents.filter((e) => e.type === 'connection.closed' && e.initiator === 'node-lost');
      return closed.length === 2 ? closed : null;
    }, 2000, 20);
    expect(lost.map((e) => (e.type === 'connection.closed' ? e.connectionId : '')).includes(bRow.connectionId)).toBe(true);
    stream.close();

    const seen = (await node('c').api<ClusterNodeList>('GET', '/cluster/nodes')).body;
    expect(seen.items.find((n) => n.nodeId === 'b')).toMatchObject({ state: 'lost', connections: 0 });
    expect(seen.items.filter((n) => n.state === 'alive').map((n) => n.nodeId)).toEqual(['a', 'c']);

    const after = await node('a').api<ErrorBody>('POST', `/connections/${bRow.connectionId}/invoke`, { data: 1, timeoutMs: 1000 });
    expect(after.status).toBe(404);
    expect(after.body.error.code).toBe('SB_ERR_CONNECTION_NOT_FOUND');
  });

  it('Redis killed: nodes report degraded and refuse cluster operations with 503; local clients keep working; Redis back: healthy and re-synced', async () => {
    const local = await TestClient.connect(node('a').channelUrl, 'stays-on-a');
    clients.push(local);
    local.ws.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as { type: string; id?: string | number; data?: unknown };
      if (f.type === 'request') local.ws.send(JSON.stringify({ type: 'response', inReplyTo: f.id, data: 'pong' }));
    });
    const row = await eventually(async () => (await listAll(node('c'))).items.find((i) => i.clientId === 'stays-on-a'));

    await redis().kill9();
    const cutAt = Date.now();
    const info = await eventually(async () => {
      const r = await node('a').api<ServerInfo>('GET', '/server');
      return r.body.cluster?.state === 'degraded' ? r.body : null;
    }, 5000, 20);
    console.log(`Redis killed: node a reports degraded after ${Date.now() - cutAt} ms`);
    expect(info.mode).toBe('cluster');

    const view = (await node('a').api<ClusterNodeList>('GET', '/cluster/nodes')).body;
    expect(view.state).toBe('degraded');
    expect(view.items.map((n) => n.nodeId)).toContain('a');
    const list = await node('a').api<ErrorBody>('GET', '/connections');
    expect(list.status).toBe(503);
    expect(list.body.error.code).toBe('SB_ERR_CLUSTER_UNAVAILABLE');
    const pub = await node('c').api<ErrorBody>('POST', '/topics/news/messages', { data: 'lost?' });
    expect(pub.status).toBe(503);
    expect(pub.body.error.code).toBe('SB_ERR_CLUSTER_UNAVAILABLE');
    const create = await node('a').api<ErrorBody>('POST', '/channels', { name: 'during-outage', address: 'ws://127.0.0.1:0/o' });
    expect(create.status).toBe(503);
    expect((await node('a').api('GET', '/channels/during-outage')).status).toBe(404);
    // A client's publish is refused with the same code, not accepted and dropped.
    const clientPub = await local.call({ type: 'publish', topic: 'news', data: 'x' });
    expect(clientPub).toMatchObject({ ok: false, error: { code: 'SB_ERR_CLUSTER_UNAVAILABLE' } });
    // The node's own clients are still served: an invoke of a local connection works.
    const inv = await node('a').api<InvokeResult>('POST', `/connections/${row.connectionId}/invoke`, { data: 'ping', timeoutMs: 1000 });
    expect(inv.body).toMatchObject({ ok: true, data: 'pong' });

    await redis().restart();
    const backAt = Date.now();
    // Redis came back empty (no persistence): every node rewrites its rows and the configuration.
    let last: unknown = null;
    await eventually(async () => {
      const l = await node('c').api<ConnectionList>('GET', '/connections?limit=1000');
      last = l.status === 200 ? l.body.items.map((i) => `${i.clientId}@${i.node}`) : l.body;
      return l.status === 200 && l.body.total === 3 && l.body.items.some((i) => i.clientId === 'stays-on-a');
    }, 10_000, 50).catch((err: unknown) => {
      throw new Error(`${String(err)}; last list: ${JSON.stringify(last)}; a: ${node('a').lines.slice(-5).join(' | ')}; c: ${node('c').lines.slice(-5).join(' | ')}`);
    });
    console.log(`Redis restarted: all rows listed again after ${Date.now() - backAt} ms`);
    expect((await node('a').api<ServerInfo>('GET', '/server')).body.cluster?.state).toBe('healthy');
    const nodesBack = (await node('a').api<ClusterNodeList>('GET', '/cluster/nodes')).body;
    expect(nodesBack.items.filter((n) => n.state === 'alive').map((n) => n.nodeId)).toEqual(['a', 'c']);
    // The configuration survives in the nodes' copies and is shared again.
    const made = await node('c').api('POST', '/channels', { name: 'after-outage', address: 'ws://127.0.0.1:0/after' });
    expect(made.status).toBe(201);
    await eventually(async () => (await node('a').api('GET', '/channels/after-outage')).status === 200, 1000, 10);
  });
});
