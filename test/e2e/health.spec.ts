import { test, expect } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { OPERATOR_TOKEN, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster, shot } from './helpers/console-page';

let env: ConsoleEnv;
const HISTORY = 3;

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  env = await startConsoleEnv({ clients: 3, health: { sampleMs: 1000, historySize: HISTORY } });
});
test.afterAll(async () => {
  await env?.close();
});

test('health: per-server figures and uPlot charts of the bounded history the server keeps', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Health', env.adminUrl, OPERATOR_TOKEN);
  await page.getByTestId('tab-health').click();

  const server = page.getByTestId('health-server');
  await expect(server).toHaveCount(1);
  // 3 swarm clients and the returning client.
  await expect(server.getByTestId('health-connections')).toHaveText('4', { timeout: 10_000 });
  await expect(server).toContainText(String((await env.server.info()).pid));

  // The charts are real uPlot canvases with axes; history fills up to the server's bound and stays there.
  const conns = page.getByTestId('chart-connections');
  await expect(conns.locator('canvas')).toHaveCount(1);
  await expect(conns).toHaveAttribute('data-points', String(HISTORY), { timeout: 15_000 });
  await expect(conns.locator('.u-legend')).toContainText('demo');
  await expect(conns.locator('.u-legend')).toContainText('ops');
  for (const id of ['chart-rates', 'chart-memory', 'chart-lag']) await expect(page.getByTestId(id).locator('canvas')).toHaveCount(1);
  await expect(page.getByText(`the server keeps ${HISTORY}`)).toBeVisible();

  // An invoke is counted by outcome in the totals (and the next samples' rates).
  const client = (await env.server.connections.list({ clientId: 'demo-0001', limit: 10 })).items[0]!;
  await env.server.connections.invoke(client.connectionId, { ping: 1 }, 2000);
  await expect(page.getByText(/invokes: 1 ok, 0 answered/)).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('chart-activity').locator('canvas')).toHaveCount(1);

  // Hover shows the values at the cursor, with units.
  const over = conns.locator('.u-over');
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width - 4, box.y + box.height / 2);
  await expect(conns.locator('.u-legend .u-series').nth(1)).toContainText('4 conn');
  const mem = page.getByTestId('chart-memory');
  const mbox = (await mem.locator('.u-over').boundingBox())!;
  await page.mouse.move(mbox.x + mbox.width - 4, mbox.y + mbox.height / 2);
  await expect(mem.locator('.u-legend .u-series').nth(1)).toContainText('MiB');
  await shot(page, 'health');

  // Newer samples replace older ones: still the bound.
  const at = await server.locator('.time').getAttribute('data-time');
  await expect(server.locator('.time')).not.toHaveAttribute('data-time', at!, { timeout: 10_000 });
  await expect(conns).toHaveAttribute('data-points', String(HISTORY));
});

test('health: an unreachable cluster says so', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Nowhere', 'http://127.0.0.1:9', OPERATOR_TOKEN);
  await page.getByTestId('tab-health').click();
  await expect(page.getByTestId('health-empty')).toBeVisible();
});
