import { test, expect, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { OPERATOR_TOKEN, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster, shot } from './helpers/console-page';

let env: ConsoleEnv;

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  env = await startConsoleEnv({ clients: 3 });
});
test.afterAll(async () => {
  await env?.close();
});

const header = (page: Page, col: string) => page.locator(`[data-testid="connections-table"] [role="columnheader"][data-col="${col}"]`);
const clientIds = (page: Page) => page.locator('[data-testid="connections-table"] .tr.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-client-id')));

test('saved views: filter, columns and sort under a name, per cluster, kept by the console across reloads', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Views', env.adminUrl, OPERATOR_TOKEN);
  await expect(page.getByTestId('count-total')).toHaveText('4');
  await expect(page.getByTestId('view-select')).toContainText('No saved views');
  await expect(page.getByTestId('view-delete')).toBeDisabled();

  // A layout: demo clients only, newest client ID first, no Connection ID column.
  await page.getByTestId('filter').fill('demo-');
  await expect(page.getByTestId('count-filtered')).toHaveText('3');
  await header(page, 'clientId').click();
  await expect(header(page, 'clientId')).toHaveAttribute('aria-sort', 'descending');
  await page.getByTestId('column-chooser').click();
  await page.getByTestId('column-popover').locator('label', { hasText: 'Connection ID' }).locator('input').uncheck();
  await page.getByTestId('column-chooser').click();
  await expect(header(page, 'connectionId')).toHaveCount(0);

  await page.getByTestId('view-save').click();
  await page.getByTestId('view-name').fill('Demo, newest first');
  await page.getByTestId('view-save-confirm').click();
  await expect(page.getByTestId('view-select')).toHaveValue('Demo, newest first');
  await shot(page, 'saved-views');

  // Back to everything, then the view brings the layout back (the filter box shows its text).
  await page.getByTestId('filter').fill('');
  await expect(page.getByTestId('count-filtered')).toHaveCount(0);
  await header(page, 'clientId').click();
  await expect(header(page, 'clientId')).toHaveAttribute('aria-sort', 'ascending');
  await page.getByTestId('column-chooser').click();
  await page.getByTestId('column-popover').locator('label', { hasText: 'Connection ID' }).locator('input').check();
  await page.getByTestId('column-chooser').click();
  await expect(header(page, 'connectionId')).toHaveCount(1);

  // A reload with this browser's storage wiped: the views are the console's, not the page's.
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('count-total')).toHaveText('4');
  await page.getByTestId('view-select').selectOption('Demo, newest first');
  await expect(page.getByTestId('filter')).toHaveValue('demo-');
  await expect(page.getByTestId('count-filtered')).toHaveText('3');
  await expect(header(page, 'clientId')).toHaveAttribute('aria-sort', 'descending');
  await expect(header(page, 'connectionId')).toHaveCount(0);
  expect(await clientIds(page)).toEqual(['demo-0003', 'demo-0002', 'demo-0001']);

  // Another cluster (same server, new profile) has its own, empty list.
  await addCluster(page, 'Other', env.adminUrl, OPERATOR_TOKEN);
  await expect(page.getByTestId('view-select')).toContainText('No saved views');
  await page.locator('[data-testid="cluster"][data-name="Views"] .cluster-title').click();
  await expect(page.getByTestId('view-select').locator('option')).toHaveText(['Saved views…', 'Demo, newest first']);

  // Delete.
  await page.getByTestId('view-select').selectOption('Demo, newest first');
  await page.getByTestId('view-delete').click();
  await expect(page.getByTestId('view-select')).toContainText('No saved views');
  await page.reload();
  await expect(page.getByTestId('count-total')).toHaveText('4');
  await expect(page.getByTestId('view-select')).toContainText('No saved views');

  // The per-channel counts beside the toolbar, and the way to the charts.
  await expect(page.getByTestId('channel-chart')).toContainText('demo 3');
  await expect(page.getByTestId('channel-chart')).toContainText('ops 1');
  await page.getByTestId('to-health').click();
  await expect(page.getByTestId('tab-health')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('health-server')).toHaveCount(1);
});
