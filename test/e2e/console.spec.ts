import { test, expect, type Page } from '@playwright/test';
import { mkdir, readFile } from 'node:fs/promises';
import { OPERATOR_TOKEN, RETURNING_CLIENT, SILENT_CLIENT, VIEWER_TOKEN, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster, shot } from './helpers/console-page';

let env: ConsoleEnv;

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  env = await startConsoleEnv({ clients: 12 });
});
test.afterAll(async () => {
  await env?.close();
});

const row = (page: Page, clientId: string) => page.locator(`[data-testid="connections-table"] .tr.row[data-client-id="${clientId}"]`);

test('operator: clients, filter, UTC, subscriptions, invoke, timeout, disconnect, channel edit', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'E2E cluster', env.adminUrl, OPERATOR_TOKEN);

  // The swarm (12) and the returning client show up.
  await expect(page.getByTestId('server-status')).toHaveAttribute('data-status', 'connected');
  await expect(page.getByTestId('count-total')).toHaveText('13');
  await expect(row(page, 'demo-0001')).toBeVisible();
  await shot(page, 'connections');

  // Filter by client ID.
  await page.getByTestId('filter-field').selectOption('clientId');
  await page.getByTestId('filter').fill('demo-000');
  await expect(page.getByTestId('count-filtered')).toHaveText('9');
  await expect(row(page, 'demo-0010')).toHaveCount(0);
  await shot(page, 'connections-filtered');
  await page.getByTestId('filter').fill('');
  await expect(page.getByTestId('count-filtered')).toHaveCount(0);
  await expect(page.getByTestId('count-total')).toHaveText('13');

  // Sort by client ID descending, then back.
  const firstRowClient = () => page.locator('[data-testid="connections-table"] .tr.row[aria-rowindex="2"]').getAttribute('data-client-id');
  await expect.poll(firstRowClient).toBe('back-0001');
  await page.locator('.th[data-col="clientId"]').click();
  await expect(page.locator('.th[data-col="clientId"]')).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(firstRowClient).toBe('demo-0012');
  await page.locator('.th[data-col="clientId"]').click();
  await expect.poll(firstRowClient).toBe('back-0001');

  // Keyboard: focus the grid, ↓ selects the first row and opens its details, Esc closes them.
  await page.getByTestId('connections-table').focus();
  await page.keyboard.press('ArrowDown');
  await expect(row(page, 'back-0001')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(row(page, 'demo-0001')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('drawer')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('drawer')).toHaveCount(0);

  // Resize a column by dragging its edge.
  const header = page.locator('.th[data-col="clientName"]');
  const before = (await header.boundingBox())!;
  const grip = header.locator('.resizer');
  const g = (await grip.boundingBox())!;
  await page.mouse.move(g.x + g.width / 2, g.y + g.height / 2);
  await page.mouse.down();
  await page.mouse.move(g.x + 80, g.y + g.height / 2, { steps: 4 });
  await page.mouse.up();
  await expect.poll(async () => Math.round((await header.boundingBox())!.width - before.width)).toBeGreaterThan(40);

  // Export the table as CSV: header plus one line per connection.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csv = await readFile((await download.path())!, 'utf8');
  expect(csv.split('\r\n').filter(Boolean)).toHaveLength(14);
  expect(csv).toContain('demo-0001');

  // Toggle UTC by clicking a time: every time switches and says UTC.
  const firstTime = row(page, 'demo-0001').locator('.td.time').first();
  const localText = await firstTime.textContent();
  expect(localText).not.toContain('UTC');
  await firstTime.click();
  await expect(firstTime).toContainText('UTC');
  const iso = await firstTime.getAttribute('data-time');
  expect(iso).toBeTruthy();
  // Same instant, rendered in UTC: 2026-11-22T10:00:00.123Z → 2026-11-22 10:00:00.123 UTC.
  await expect(firstTime).toHaveText(`${iso!.slice(0, 10)} ${iso!.slice(11, 23)} UTC`);
  await expect(page.getByTestId('time-utc')).toHaveAttribute('aria-pressed', 'true');
  // The full UTC timestamp fits its default column width (no ellipsis).
  expect(await firstTime.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

  // Subscriptions of the returning client: one predating its connection.
  await row(page, RETURNING_CLIENT).click();
  await expect(page.getByTestId('drawer')).toBeVisible();
  await shot(page, 'details');
  await page.getByTestId('drawer-tab-subscriptions').click();
  const sub = page.getByTestId('subscription').filter({ hasText: 'news' });
  await expect(sub).toBeVisible();
  await expect(sub.getByTestId('predates')).toBeVisible();
  await shot(page, 'subscriptions');

  // Invoke a demo client and see its echo.
  await row(page, 'demo-0002').click();
  await page.getByTestId('drawer-tab-invoke').click();
  await page.getByTestId('invoke-send').click();
  await expect(page.getByTestId('invoke-response')).toContainText('"echo"');
  await expect(page.getByTestId('invoke-response')).toContainText('"ping": true');
  await expect(page.getByTestId('invoke-latency')).toContainText('ms');
  // Ctrl+Enter sends too; history holds both.
  await page.locator('[data-testid="invoke-editor"] .cm-content').click();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('invoke-history').locator('.history-item')).toHaveCount(2);
  await page.getByTestId('invoke-history').getByRole('button', { name: 'Re-send' }).first().click();
  await expect(page.getByTestId('invoke-history').locator('.history-item')).toHaveCount(3);
  await shot(page, 'invoke');

  // A client that never answers: a clear timeout.
  await row(page, SILENT_CLIENT).click();
  await page.getByTestId('invoke-timeout').fill('800');
  await page.getByTestId('invoke-send').click();
  await expect(page.getByTestId('invoke-error')).toHaveAttribute('data-code', 'SB_ERR_INVOKE_TIMEOUT');
  await expect(page.getByTestId('invoke-error')).toContainText('Timed out');
  await shot(page, 'invoke-timeout');

  // Disconnect: the row leaves when the close event arrives; the client receives 4005.
  const target = env.swarm.clients.find((c) => c.options.clientId === 'demo-0003')!;
  const closed = new Promise<number>((resolve) => target.once('close', (e: { code: number }) => resolve(e.code)));
  // Keep it from coming back, so "the row leaves" is unambiguous.
  target.options.reconnect = false;
  await row(page, 'demo-0003').click();
  await page.getByTestId('disconnect').click();
  await expect(page.getByTestId('disconnect-code')).toHaveValue('4005');
  await shot(page, 'disconnect-dialog');
  await page.getByTestId('confirm-disconnect').click();
  expect(await closed).toBe(4005);
  await expect(row(page, 'demo-0003').getByTestId('close-tag')).toContainText('4005');
  await shot(page, 'row-closing');
  await expect(row(page, 'demo-0003')).toHaveCount(0, { timeout: 10_000 });
  await expect(page.getByTestId('count-total')).toHaveText('12');

  // Channels: edit one and see it saved.
  await page.getByTestId('tab-channels').click();
  const ops = page.getByTestId('channel').filter({ hasText: 'ops' });
  await expect(ops).toBeVisible();
  await ops.getByTestId('edit-channel').click();
  // Client-side validation from the protocol schema, next to the field.
  await page.getByTestId('ch-tokenTtl').fill('0');
  await page.getByTestId('save-channel').click();
  await expect(page.getByTestId('channel-form').getByRole('alert')).toBeVisible();
  await page.getByTestId('ch-tokenTtl').fill('7200');
  await page.getByTestId('ch-service').fill('echo');
  await shot(page, 'channel-form');
  await page.getByTestId('save-channel').click();
  await expect(page.getByTestId('channel-form')).toHaveCount(0);
  const res = await fetch(`${env.adminUrl}/admin/v1/channels/ops`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
  expect(((await res.json()) as { tokenTtl: number }).tokenTtl).toBe(7200);
  await shot(page, 'channels');

  // A server-side error lands next to the field it names (ErrorInfo.field).
  await page.getByTestId('new-channel').click();
  await page.getByTestId('ch-name').fill('demo');
  await page.getByTestId('ch-address').fill('ws://127.0.0.1:0/another');
  await page.getByTestId('save-channel').click();
  const nameError = page.locator('.field', { has: page.locator('#ch-name') }).locator('.err');
  await expect(nameError).toContainText('already exists');
  await shot(page, 'channel-server-error');
  await page.getByTestId('channel-form').getByRole('button', { name: 'Cancel' }).click();

  await page.getByTestId('tab-connections').click();
  // Operator-only action on a subscription: unsubscribe removes it on the server.
  await row(page, RETURNING_CLIENT).click();
  await page.getByTestId('drawer-tab-subscriptions').click();
  await page.getByTestId('subscription').filter({ hasText: 'news' }).getByTestId('unsubscribe').click();
  await page.getByTestId('confirm-dialog').getByTestId('confirm-ok').click();
  await expect(page.getByTestId('subscription')).toHaveCount(0);
  const subs = await fetch(`${env.adminUrl}/admin/v1/topics/news/subscriptions`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
  expect(((await subs.json()) as { items: { clientId: string }[] }).items.some((x) => x.clientId === RETURNING_CLIENT)).toBe(false);

  await page.getByTestId('column-chooser').click();
  await shot(page, 'column-chooser');
  await page.getByTestId('column-chooser').click();
  await page.emulateMedia({ colorScheme: 'dark' });
  await row(page, 'demo-0001').click();
  await shot(page, 'connections-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByTestId('edit-cluster').click();
  await shot(page, 'cluster-form');
  await page.getByTestId('cluster-form').getByRole('button', { name: 'Cancel' }).click();

  await page.getByTestId('tab-probe').click();
  await expect(page.getByText('Loading…')).toHaveCount(0);
  await shot(page, 'probe');
});

test('viewer token: sees everything, can act on nothing', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Viewer cluster', env.adminUrl, VIEWER_TOKEN);
  await expect(page.getByTestId('server-status')).toHaveAttribute('data-status', 'connected');
  await expect(row(page, 'demo-0001')).toBeVisible();
  await row(page, 'demo-0001').click();
  const disconnect = page.getByTestId('disconnect');
  await expect(disconnect).toBeDisabled();
  await expect(page.locator('.action-wrap', { has: disconnect })).toHaveAttribute('title', /viewer/);
  await page.getByTestId('drawer-tab-invoke').click();
  await expect(page.getByTestId('invoke-send')).toBeDisabled();
  await shot(page, 'viewer');
  await page.getByTestId('tab-channels').click();
  await expect(page.getByTestId('edit-channel').first()).toBeDisabled();
  await expect(page.getByTestId('new-channel')).toBeDisabled();

  // Someone else changes a channel: the list follows the server's config.changed notice, no polling.
  const ops = page.getByTestId('channel').filter({ hasText: 'ops' });
  await expect(ops).toContainText('listening');
  const patch = (active: boolean) =>
    fetch(`${env.adminUrl}/admin/v1/channels/ops`, { method: 'PATCH', headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ active }) });
  expect((await patch(false)).ok).toBe(true);
  await expect(ops).toContainText('inactive', { timeout: 3000 });
  expect((await patch(true)).ok).toBe(true);
  await expect(ops).toContainText('listening', { timeout: 3000 });

  // This host was started without a sandbox: the toggle says off and why, whatever the stored setting.
  const toggle = page.getByTestId('sandbox-toggle');
  await expect(toggle).not.toBeChecked();
  await expect(toggle).toBeDisabled();
  await expect(page.locator('label', { has: toggle })).toHaveAttribute('title', /--no-sandbox-server/);
});

test('server status: a wrong token shows auth failed, a dead address unreachable, each with the reason', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Bad token', env.adminUrl, 'not-the-right-token-at-all');
  const status = page.getByTestId('server-status');
  await expect(status).toHaveAttribute('data-status', 'auth-failed');
  await expect(status.locator('.server-reason')).not.toBeEmpty();
  await shot(page, 'status-auth-failed');

  await addCluster(page, 'Nowhere', 'http://127.0.0.1:9', 'whatever-token-0123456789');
  await expect(status).toHaveAttribute('data-status', /unreachable|reconnecting/);
  await expect(status.locator('.server-reason')).not.toBeEmpty();
  await shot(page, 'status-unreachable');
});
