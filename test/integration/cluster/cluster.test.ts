import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionList } from '../../../protocol/admin-connections';
import { TestClient } from '../pubsub/ws-client';
import { eventually, NodeProcess, PrivateRedis, writeSharedKey } from './harness';

let dir: string;
let redis: PrivateRedis;
const nodes: NodeProcess[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-cluster-'));
  writeSharedKey(dir);
  redis = await PrivateRedis.start();
  // The first node seeds the cluster's configuration; the others join it.
  nodes.push(await NodeProcess.start(dir, 'a', redis.url));
  nodes.push(...await Promise.all(['b', 'c'].map((id) => NodeProcess.start(dir, id, redis.url))));
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await Promise.all(nodes.map((n) => n.stop()));
  await redis?.kill9();
  rmSync(dir, { recursive: true, force: true });
});

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
  });
});
