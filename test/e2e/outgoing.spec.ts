import { test, expect, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { OPERATOR_TOKEN, VIEWER_TOKEN, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster, shot } from './helpers/console-page';
import { startJsonPeer, type JsonPeer } from '../integration/outgoing/helpers';

/**
 * The Outgoing screen against a real server and a real ws peer: create a connection in the
 * console, see it open, invoke through it, kill the peer and see backoff with the reason, then
 * open again when the peer is back.
 */
let env: ConsoleEnv;
let peer: JsonPeer | null = null;

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  env = await startConsoleEnv({ clients: 2 });
  peer = await startJsonPeer();
});
test.afterAll(async () => {
  await peer?.close();
  await env?.close();
});

const row = (page: Page, name: string) => page.locator(`[data-testid="outgoing-row"][data-name="${name}"]`);

async function typePayload(page: Page, text: string) {
  await page.locator('[data-testid="outgoing-editor"] .cm-content').click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

test('outgoing: create, open, invoke, peer killed → backoff with the reason → open again', async ({ page }) => {
  const port = peer!.port;
  await page.goto(env.host.url);
  await addCluster(page, 'Outgoing cluster', env.adminUrl, OPERATOR_TOKEN);
  await page.getByTestId('tab-outgoing').click();
  await expect(page.getByText('No outgoing connections.')).toBeVisible();

  // The form validates like the server: a bad address is refused next to the field, nothing sent.
  await page.getByTestId('new-outgoing').click();
  const form = page.getByTestId('outgoing-form');
  await form.getByTestId('og-name').fill('peer');
  await form.getByTestId('og-address').fill('http://nope');
  await form.getByTestId('save-outgoing').click();
  await expect(form.getByRole('alert')).toContainText('expected ws://');
  await form.getByTestId('og-address').fill(peer!.url);
  await form.getByTestId('og-initialDelayMs').fill('100');
  await form.getByTestId('og-maxDelayMs').fill('400');
  await form.getByTestId('save-outgoing').click();
  await expect(form).toHaveCount(0);
  await expect(row(page, 'peer')).toHaveAttribute('data-state', 'open');

  await row(page, 'peer').click();
  await typePayload(page, '{"id": "e2e-1", "question": 42}');
  await page.getByTestId('outgoing-invoke').click();
  const reply = page.getByTestId('outgoing-result').first();
  await expect(reply).toHaveAttribute('data-kind', 'reply');
  await expect(reply).toContainText('"echo":{"id":"e2e-1","question":42}');
  await expect(page.getByTestId('outgoing-frames').locator('tr[data-dir="in"]').first()).toContainText('e2e-1');
  await shot(page, 'outgoing-open');

  // The peer goes away: backoff, with why and when, live from the server's events.
  await peer!.close();
  peer = null;
  await expect(row(page, 'peer')).toHaveAttribute('data-state', /backoff|connecting/);
  await expect(row(page, 'peer').getByTestId('outgoing-last-close')).toContainText('last close 1006');
  await expect(row(page, 'peer')).toHaveAttribute('data-state', 'backoff');
  await expect(row(page, 'peer').getByTestId('outgoing-reason')).toContainText(/DIAL_REFUSED.*retry \d+ in \d+ ms/);
  await shot(page, 'outgoing-backoff');

  peer = await startJsonPeer(port);
  await expect(row(page, 'peer')).toHaveAttribute('data-state', 'open', { timeout: 10_000 });
  await expect(row(page, 'peer').getByTestId('outgoing-reason')).toHaveText('connected');

  // Stop halts it; Start brings it back.
  await row(page, 'peer').getByTestId('stop-outgoing').click();
  await expect(row(page, 'peer')).toHaveAttribute('data-state', 'stopped');
  await row(page, 'peer').getByTestId('start-outgoing').click();
  await expect(row(page, 'peer')).toHaveAttribute('data-state', 'open');
  await shot(page, 'outgoing-reopened');
});

test('outgoing: a viewer token sees the list but every action is disabled', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Viewer cluster', env.adminUrl, VIEWER_TOKEN);
  await page.getByTestId('tab-outgoing').click();
  await expect(row(page, 'peer')).toBeVisible();
  await expect(page.getByTestId('new-outgoing')).toBeDisabled();
  await expect(row(page, 'peer').getByTestId('reconnect-outgoing')).toBeDisabled();
  await expect(row(page, 'peer').getByTestId('delete-outgoing')).toBeDisabled();
});
