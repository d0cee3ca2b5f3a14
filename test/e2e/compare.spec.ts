import { test, expect, type Page } from '@playwright/test';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../server/runtime';
import { OPERATOR_TOKEN, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster, shot } from './helpers/console-page';

let env: ConsoleEnv;
let edgeB: RunningServer;
let dir: string;

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  env = await startConsoleEnv({ clients: 1 });
  dir = await mkdtemp(join(tmpdir(), 'switchboard-e2e-b-'));
  // An independent second server: demo pings every 20 s (30 on the first), no ops channel, news
  // holds 10 messages, prices is missing, and it has a security definition the first lacks.
  edgeB = await startServer({
    name: 'edge-b',
    dataDir: join(dir, 'server'),
    logLevel: 'warn',
    admin: { enabled: true, host: '127.0.0.1', port: 0, tokens: [{ name: 'e2e-operator', token: OPERATOR_TOKEN, role: 'operator' }] },
    channels: [{ name: 'demo', address: 'ws://127.0.0.1:0/demo', pingInterval: 20 }],
    security: [{ name: 'tills-basic', type: 'basic', username: 'till', password: 'not-shown-anywhere', clientIds: ['till-*'] }],
    pubsub: { topics: [{ name: 'news', maxDepth: 10 }] },
  });
});
test.afterAll(async () => {
  await edgeB?.close();
  await env?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function addTwoServerCluster(page: Page) {
  await page.getByTestId('add-cluster').click();
  const form = page.getByTestId('cluster-form');
  await form.getByLabel('Name').fill('Edges');
  await form.getByTestId('server-url').fill(env.adminUrl);
  await form.getByTestId('server-token').fill(OPERATOR_TOKEN);
  await form.getByRole('button', { name: '+ Add server' }).click();
  await form.getByTestId('server-url').nth(1).fill(edgeB.adminUrl!);
  await form.getByTestId('server-token').nth(1).fill(OPERATOR_TOKEN);
  await form.getByTestId('save-cluster').click();
  await expect(form).toHaveCount(0);
}

const driftRow = (page: Page, kind: string, name: string) => page.locator(`[data-testid="drift-row"][data-kind="${kind}"][data-name="${name}"]`);

test('compare: drift across independent servers, named field by field, aligned on request', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Single', env.adminUrl, OPERATOR_TOKEN);
  await page.getByTestId('tab-compare').click();
  await expect(page.getByTestId('drift-single')).toBeVisible();

  await addTwoServerCluster(page);
  await expect(page.locator('[data-testid="server-status"][data-status="connected"]')).toHaveCount(2);
  await expect(driftRow(page, 'channel', 'demo')).toContainText('demo differs on edge-b: pingInterval 20 vs 30');
  await expect(driftRow(page, 'channel', 'ops')).toContainText('ops is missing on edge-b');
  await expect(driftRow(page, 'topic', 'news')).toContainText('news differs on edge-b: maxDepth 10 vs 100000');
  await expect(driftRow(page, 'topic', 'prices')).toContainText('prices is missing on edge-b');
  // A security definition cannot be copied (its secret stays on its server): the button says why.
  const sec = driftRow(page, 'security', 'tills-basic');
  await expect(sec).toContainText('tills-basic is missing on e2e-server');
  await expect(sec.locator('.action-wrap')).toHaveAttribute('title', /secret never leaves/);
  await shot(page, 'compare');

  // Align: the differing field is patched, the missing items are created.
  await driftRow(page, 'channel', 'demo').getByTestId('drift-align').click();
  await expect(driftRow(page, 'channel', 'demo')).toHaveCount(0);
  expect((await edgeB.channels.get('demo'))?.pingInterval).toBe(30);
  await driftRow(page, 'topic', 'prices').getByTestId('drift-align').click();
  await expect(driftRow(page, 'topic', 'prices')).toHaveCount(0);
  expect(await edgeB.pubsub.getTopic('prices')).toBeTruthy();
  await driftRow(page, 'topic', 'news').getByTestId('drift-align').click();
  await driftRow(page, 'channel', 'ops').getByTestId('drift-align').click();
  await expect(driftRow(page, 'channel', 'ops')).toHaveCount(0);
  await expect(driftRow(page, 'topic', 'news')).toHaveCount(0);
  await expect(page.getByTestId('drift-security')).toBeVisible();

  // A topic created on all servers at once: one row per server, the result names each.
  await page.getByTestId('tab-topics').click();
  await page.getByTestId('create-on').selectOption('*all*');
  await page.getByTestId('new-topic').click();
  const form = page.getByTestId('topic-form');
  await expect(form).toContainText('all 2 connected servers');
  await form.getByTestId('tp-name').fill('alerts');
  await form.getByTestId('save-topic').click();
  await expect(form).toHaveCount(0);
  await expect(page.locator('[data-testid="topic"][data-name="alerts"]')).toHaveCount(2);
  await expect(page.getByText('Created topic alerts on e2e-server, edge-b')).toBeVisible();
  expect(await edgeB.pubsub.getTopic('alerts')).toBeTruthy();
  await shot(page, 'topics-two-servers');
});
