import { test, expect } from '@playwright/test';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoSwarm, type DemoSwarm } from '../../client/demo-swarm';
import { startWebHost, type RunningWebHost } from '../../main/web-host/web-host';
import { NodeProcess, PrivateRedis, TOKEN, writeSharedKey } from '../integration/cluster/harness';
import { addCluster, shot } from './helpers/console-page';

/**
 * A cluster of three server processes on a private Redis, seen by a console whose profile names one
 * node's admin URL only: every node's clients are listed, the Nodes tab shows the three nodes, and
 * a node killed with -9 is marked lost while its rows leave.
 */
const PER_NODE = 8;
let dir: string;
let redis: PrivateRedis;
const nodes: NodeProcess[] = [];
const swarms: DemoSwarm[] = [];
let host: RunningWebHost;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  await mkdir('test-results/screenshots', { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'switchboard-e2e-cluster-'));
  writeSharedKey(dir);
  redis = await PrivateRedis.start();
  nodes.push(await NodeProcess.start(dir, 'node-a', redis.url));
  nodes.push(...(await Promise.all(['node-b', 'node-c'].map((id) => NodeProcess.start(dir, id, redis.url)))));
  for (const n of nodes) swarms.push(await startDemoSwarm({ url: n.channelUrl, clients: PER_NODE, clientIdPrefix: `${n.nodeId.slice(-1)}-`, reconnect: false }));
  host = await startWebHost({ port: 0, dataDir: join(dir, 'console'), sandboxAllowed: false });
});

test.afterAll(async () => {
  await host?.close();
  for (const s of swarms) await s.close();
  await Promise.all(nodes.map((n) => n.stop()));
  await redis?.kill9();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a profile with one node\'s URL shows every node and all their connections; a killed node is marked lost', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto(host.url);
  await addCluster(page, 'One URL', nodes[0]!.adminUrl, TOKEN);
  await expect(page.getByTestId('count-total')).toHaveText(String(3 * PER_NODE));
  for (const p of ['a-', 'b-', 'c-']) await expect(page.locator(`[data-testid="connections-table"] .tr.row[data-client-id^="${p}"]`).first()).toBeVisible();

  await page.getByTestId('tab-nodes').click();
  const rows = page.getByTestId('node');
  await expect(rows).toHaveCount(3);
  await expect(page.locator('[data-testid="node"][data-state="alive"]')).toHaveCount(3);
  await expect(page.locator('[data-testid="node"][data-node="node-b"]')).toContainText(String(PER_NODE));
  await expect(page.getByTestId('nodes-summary')).toContainText('cluster mode');
  await shot(page, 'cluster-nodes');

  await nodes[1]!.kill9();
  await expect(page.locator('[data-testid="node"][data-node="node-b"]')).toHaveAttribute('data-state', 'lost', { timeout: 10_000 });
  await page.getByTestId('tab-connections').click();
  await expect(page.getByTestId('count-total')).toHaveText(String(2 * PER_NODE), { timeout: 10_000 });
  await expect(page.locator('[data-testid="connections-table"] .tr.row[data-client-id^="b-"]')).toHaveCount(0);
});
