import { test, expect, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { OPERATOR_TOKEN, RETURNING_CLIENT, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster, shot } from './helpers/console-page';

/**
 * Risky actions ask first and say what will happen: unsubscribing (durable data lost), deactivating
 * a channel (closes its connections with 1001), deleting one. One confirmation dialog for all of
 * them: focus starts on Cancel and stays inside, Escape cancels and nothing happens.
 */
let env: ConsoleEnv;

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  env = await startConsoleEnv({ clients: 4 });
});
test.afterAll(async () => {
  await env?.close();
});

const row = (page: Page, clientId: string) => page.locator(`[data-testid="connections-table"] .tr.row[data-client-id="${clientId}"]`);

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${env.adminUrl}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: res.status === 204 ? null : await res.json() };
}

/** Tab a few times round the dialog: focus never leaves it. */
async function expectFocusTrapped(page: Page, testId: string): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press(i % 2 === 0 ? 'Tab' : 'Shift+Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate((id) => !!document.activeElement?.closest(`[data-testid="${id}"]`), testId)).toBe(true);
  }
}

test('risky actions: unsubscribe, deactivate and delete ask first; Escape cancels; confirming does it', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Safety', env.adminUrl, OPERATOR_TOKEN);
  await expect(page.getByTestId('count-total')).toHaveText('5');

  // Unsubscribe: says durable data is lost; Escape leaves the subscription in place.
  await row(page, RETURNING_CLIENT).click();
  await page.getByTestId('drawer-tab-subscriptions').click();
  const sub = page.getByTestId('subscription').filter({ hasText: 'news' });
  await sub.getByTestId('unsubscribe').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText(`Unsubscribe ${RETURNING_CLIENT} from news?`);
  await expect(dialog.getByTestId('confirm-text')).toContainText('are lost');
  await expect(dialog.getByTestId('confirm-cancel')).toBeFocused();
  await expectFocusTrapped(page, 'confirm-dialog');
  await shot(page, 'confirm-unsubscribe');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  // Escape closed the dialog only, not the drawer underneath.
  await expect(page.getByTestId('drawer')).toBeVisible();
  const held = async () => ((await admin('GET', '/topics/news/subscriptions')).json as { items: { clientId: string }[] }).items.some((s) => s.clientId === RETURNING_CLIENT);
  expect(await held()).toBe(true);
  await sub.getByTestId('unsubscribe').click();
  await dialog.getByTestId('confirm-ok').click();
  await expect(page.getByTestId('subscription')).toHaveCount(0);
  expect(await held()).toBe(false);

  // Deactivate: names the connections it closes and the code; Cancel changes nothing.
  await page.getByTestId('tab-channels').click();
  const ops = page.getByTestId('channel').filter({ hasText: 'ops' });
  await ops.getByTestId('toggle-channel').click();
  await expect(dialog.getByTestId('confirm-text')).toContainText('closes its 1 connection with 1001');
  await shot(page, 'confirm-deactivate');
  await dialog.getByTestId('confirm-cancel').click();
  await expect(dialog).toHaveCount(0);
  expect(((await admin('GET', '/channels/ops')).json as { active: boolean }).active).toBe(true);

  const returning = env.returning.clients[0]!;
  const closed = new Promise<number>((resolve) => returning.once('close', (e: { code: number }) => resolve(e.code)));
  await ops.getByTestId('toggle-channel').click();
  await dialog.getByTestId('confirm-ok').click();
  expect(await closed).toBe(1001);
  await expect(ops).toContainText('inactive');
  expect(((await admin('GET', '/channels/ops')).json as { active: boolean }).active).toBe(false);
  // Activating is harmless: no question.
  await ops.getByTestId('toggle-channel').click();
  await expect(ops).toContainText('listening');
  await expect(dialog).toHaveCount(0);

  // Delete: cannot be undone, so it asks; confirmed, the channel is gone on the server.
  expect((await admin('POST', '/channels', { name: 'scratch', address: 'ws://127.0.0.1:0/scratch' })).status).toBe(201);
  const scratch = page.getByTestId('channel').filter({ hasText: 'scratch' });
  await expect(scratch).toBeVisible();
  await scratch.getByTestId('delete-channel').click();
  await expect(dialog.getByTestId('confirm-text')).toContainText('cannot be undone');
  await page.keyboard.press('Escape');
  expect((await admin('GET', '/channels/scratch')).status).toBe(200);
  await scratch.getByTestId('delete-channel').click();
  await dialog.getByTestId('confirm-ok').click();
  await expect(scratch).toHaveCount(0);
  expect((await admin('GET', '/channels/scratch')).status).toBe(404);
});

test('bulk: tick rows and disconnect them with one confirmation and per-row results; every connection of a client ID; of a channel', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Bulk', env.adminUrl, OPERATOR_TOKEN);
  const client = (id: string) => {
    const c = env.swarm.clients.find((x) => x.options.clientId === id)!;
    // Keep them from coming back, so "closed" is unambiguous.
    c.options.reconnect = false;
    return new Promise<number>((resolve) => c.once('close', (e: { code: number }) => resolve(e.code)));
  };
  await expect(row(page, 'demo-0004')).toBeVisible();

  // Two ticked rows: one question, then one answer per row.
  const closes = [client('demo-0001'), client('demo-0002')];
  await row(page, 'demo-0001').getByTestId('row-check').check();
  await row(page, 'demo-0002').getByTestId('row-check').check();
  await expect(page.getByTestId('bulk-count')).toHaveText('2');
  await page.getByTestId('bulk-disconnect').click();
  const dialog = page.getByTestId('bulk-dialog');
  await expect(dialog.getByTestId('confirm-text')).toContainText('Closes 2 connections with 4005');
  await expect(dialog.getByTestId('confirm-text')).toContainText('demo-0001, demo-0002');
  await shot(page, 'bulk-confirm');
  await dialog.getByTestId('confirm-ok').click();
  await expect(dialog.getByTestId('bulk-result')).toHaveCount(2);
  await expect(dialog.locator('[data-testid="bulk-result"][data-ok="true"]')).toHaveCount(2);
  await expect(dialog.getByTestId('bulk-results')).toContainText('closed 4005');
  expect(await Promise.all(closes)).toEqual([4005, 4005]);
  await shot(page, 'bulk-results');
  await dialog.getByTestId('confirm-cancel').click();
  await expect(page.getByTestId('bulk-bar')).toHaveCount(0);

  // Every connection of one client ID, from its drawer: one request.
  const third = client('demo-0003');
  await row(page, 'demo-0003').click();
  await page.getByTestId('disconnect-client').click();
  const ask = page.getByTestId('confirm-dialog');
  await expect(ask.getByTestId('confirm-text')).toContainText('1 open now on 1 server');
  await ask.getByTestId('confirm-ok').click();
  expect(await third).toBe(4005);
  const listed = async (q: string) => ((await admin('GET', `/connections?${q}`)).json as { items: unknown[] }).items.length;
  await expect.poll(() => listed('clientId=demo-0003')).toBe(0);

  // Every connection of a channel, from the channels screen: one request.
  const fourth = client('demo-0004');
  await page.getByTestId('tab-channels').click();
  const demo = page.getByTestId('channel').filter({ hasText: 'ws://127.0.0.1:0/demo' });
  await expect(demo.getByTestId('channel-connections')).toHaveText('1');
  await demo.getByTestId('disconnect-channel').click();
  await expect(ask.getByTestId('confirm-text')).toContainText('Closes all 1 connection of channel demo');
  await ask.getByTestId('confirm-ok').click();
  expect(await fourth).toBe(4005);
  await expect(demo.getByTestId('channel-connections')).toHaveText('0');
});

test('editing one field of a secured, deactivated channel changes that field only', async ({ page }) => {
  expect((await admin('POST', '/security', { name: 'vault-keys', type: 'apikey', key: 'vault-key-0123456789', clientIds: ['vault-*'] })).status).toBe(201);
  const created = await admin('POST', '/channels', {
    name: 'vault',
    active: false,
    address: 'ws://127.0.0.1:0/vault',
    service: 'echo',
    security: 'vault-keys',
    newTokenWaitTime: 7,
    tokenTtl: 900,
    pingInterval: 15,
    pingsMissedThreshold: 3,
    maxMessageBytes: 65536,
    allowSubscribe: ['news'],
    allowPublish: [],
    duplicateLogin: 'replace',
  });
  expect(created.status).toBe(201);
  const before = (await admin('GET', '/channels/vault')).json as Record<string, unknown>;

  await page.goto(env.host.url);
  await addCluster(page, 'Edit', env.adminUrl, OPERATOR_TOKEN);
  await page.getByTestId('tab-channels').click();
  const vault = page.getByTestId('channel').filter({ hasText: 'ws://127.0.0.1:0/vault' });
  await expect(vault).toContainText('inactive');
  await vault.getByTestId('edit-channel').click();
  await page.getByTestId('ch-pingInterval').fill('20');
  await page.getByTestId('save-channel').click();
  await expect(page.getByTestId('channel-form')).toHaveCount(0);

  const after = (await admin('GET', '/channels/vault')).json as Record<string, unknown>;
  expect(after.pingInterval).toBe(20);
  // Everything else as it was: still inactive, still secured, every limit and list untouched.
  const rest = (c: Record<string, unknown>) => {
    const { pingInterval: _p, updatedAt: _u, ...others } = c;
    return others;
  };
  expect(rest(after)).toEqual(rest(before));
  expect(after.active).toBe(false);
  expect(after.security).toBe('vault-keys');
  await expect(vault).toContainText('inactive');
});

test('messages: validation in the form’s own words, labels with the option names, and a readable import error', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Words', env.adminUrl, OPERATOR_TOKEN);
  await page.getByTestId('tab-channels').click();
  await page.getByTestId('channel').filter({ hasText: 'ws://127.0.0.1:0/ops' }).getByTestId('edit-channel').click();
  const form = page.getByTestId('channel-form');
  await expect(form.getByText('Login wait (newTokenWaitTime)', { exact: true })).toBeVisible();
  await expect(form.getByText('Max message size (maxMessageBytes)', { exact: true })).toBeVisible();
  await page.getByTestId('ch-pingInterval').fill('0');
  await page.getByTestId('ch-tokenTtl').fill('soon');
  await page.getByTestId('ch-maxMessageBytes').fill('10');
  await page.getByTestId('save-channel').click();
  await expect(form.locator('.field', { has: page.locator('#ch-pingInterval') }).getByRole('alert')).toHaveText('Ping interval must be at least 1 second');
  await expect(form.locator('.field', { has: page.locator('#ch-tokenTtl') }).getByRole('alert')).toHaveText('Session TTL must be a number');
  await expect(form.locator('.field', { has: page.locator('#ch-maxMessageBytes') }).getByRole('alert')).toHaveText('Max message size must be at least 64 bytes');
  await shot(page, 'form-messages');
  await page.keyboard.press('Escape');
  await expect(form).toHaveCount(0);

  // A probe import of a broken file says which line and what is wrong with it, in words.
  await page.getByTestId('tab-probe').click();
  const bad = [
    JSON.stringify({ probeExport: 1, name: 'x', url: 'ws://127.0.0.1:1/' }),
    JSON.stringify({ index: 0, at: '2026-11-22T10:00:00.000Z', direction: 'sideways', kind: 'info', message: 'x' }),
  ].join('\n');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Import a file…' }).click()]);
  await chooser.setFiles({ name: 'broken.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(bad) });
  await expect(page.getByTestId('toast').filter({ hasText: 'Import failed' })).toContainText('line 2: direction must be one of');
  await expect(page.getByTestId('toast').filter({ hasText: 'Import failed' })).not.toContainText(/Invalid input|Too small|expected one of/);
  await shot(page, 'import-error');
});
