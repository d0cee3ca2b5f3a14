import { test, expect, type Page } from '@playwright/test';
import { mkdir, readFile } from 'node:fs/promises';
import { OPERATOR_TOKEN, VIEWER_TOKEN, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster, shot } from './helpers/console-page';

let env: ConsoleEnv;
const SECRET = 'hunter2-never-on-screen';

async function admin(method: string, path: string, token: string, body?: unknown): Promise<number> {
  const res = await fetch(`${env.adminUrl}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  await res.arrayBuffer();
  return res.status;
}

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  env = await startConsoleEnv({ clients: 2 });
  // A secret in a body, a refused viewer attempt, and more than one page of entries.
  expect(await admin('POST', '/security', OPERATOR_TOKEN, { name: 'tills-basic', type: 'basic', username: 'till', password: SECRET, clientIds: ['till-*'] })).toBe(201);
  expect(await admin('DELETE', '/topics/news', VIEWER_TOKEN)).toBe(403);
  for (let i = 0; i < 105; i++) expect(await admin('POST', '/topics/prices/messages', OPERATOR_TOKEN, { data: { i } })).toBe(200);
});
test.afterAll(async () => {
  await env?.close();
});

const entries = (page: Page) => page.getByTestId('audit-entry');

test('audit: merged newest first, refused attempts, secrets redacted, filters, paging, export, live', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Audit', env.adminUrl, OPERATOR_TOKEN);
  await page.getByTestId('tab-audit').click();

  // First page: the 100 newest (all publishes), then older pages on demand.
  await expect(entries(page)).toHaveCount(100);
  await expect(entries(page).first()).toHaveAttribute('data-action', 'topic.publish');
  await page.getByTestId('audit-older').click();
  await expect(entries(page)).toHaveCount(107);
  await expect(page.getByTestId('audit-older')).toHaveCount(0);

  // The refused viewer attempt is there, named as refused; the secret never reaches the page.
  const refused = page.locator('[data-testid="audit-entry"][data-outcome="error"]');
  await expect(refused).toHaveCount(1);
  await expect(refused).toContainText('e2e-viewer');
  await expect(refused).toContainText('refused');
  const created = page.locator('[data-testid="audit-entry"][data-action="security.create"]');
  await expect(created.getByTestId('audit-params')).toContainText('[redacted]');
  expect(await page.content()).not.toContain(SECRET);

  // Filters go to the servers: outcome, token, target text, time range.
  await page.getByTestId('audit-outcome').selectOption('error');
  await page.getByTestId('audit-apply').click();
  await expect(entries(page)).toHaveCount(1);
  await expect(entries(page)).toHaveAttribute('data-action', 'topic.delete');
  await page.getByTestId('audit-outcome').selectOption('');
  await page.getByTestId('audit-target').fill('tills');
  await page.getByTestId('audit-actor').fill('e2e-operator');
  await page.getByTestId('audit-target').press('Enter');
  await expect(entries(page)).toHaveCount(1);
  await expect(entries(page)).toHaveAttribute('data-action', 'security.create');
  await shot(page, 'audit-filtered');
  await page.getByTestId('audit-target').fill('');
  await page.getByTestId('audit-actor').fill('');
  await page.getByTestId('time-utc').click();
  await page.getByTestId('audit-since').fill('2000-01-01T00:00:00');
  await page.getByTestId('audit-until').fill('2000-01-02T00:00:00');
  await page.getByTestId('audit-apply').click();
  await expect(page.getByTestId('audit-none')).toContainText('match these filters');
  await shot(page, 'audit-none');
  await page.getByTestId('audit-since').fill('');
  await page.getByTestId('audit-until').fill('');
  await page.getByTestId('audit-apply').click();
  await expect(entries(page)).toHaveCount(100);

  // Export what is shown, secrets still redacted.
  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-csv').click()]);
  const csv = await readFile((await csvDl.path())!, 'utf8');
  expect(csv.split('\r\n').filter(Boolean)).toHaveLength(101);
  expect(csv.split('\r\n')[0]).toBe('at,server,token,role,action,target,outcome,error,params');
  const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-json').click()]);
  const json = JSON.parse(await readFile((await jsonDl.path())!, 'utf8')) as { action: string }[];
  expect(json).toHaveLength(100);

  // Live: a new action shows up without touching anything.
  await page.getByTestId('audit-live').check();
  expect(await admin('PATCH', '/topics/news', OPERATOR_TOKEN, { maxDepth: 42 })).toBe(200);
  await expect(entries(page).first()).toHaveAttribute('data-action', 'topic.update', { timeout: 10_000 });
  await expect(entries(page).first().getByTestId('audit-params')).toContainText('{"maxDepth":42}');
  await shot(page, 'audit');
});
