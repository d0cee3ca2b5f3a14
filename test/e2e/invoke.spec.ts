import { test, expect, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { INVOKE_DEFAULT_TIMEOUT_MS } from '../../protocol/admin-connections';
import { OPERATOR_TOKEN, SILENT_CLIENT, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster, shot } from './helpers/console-page';

/**
 * The invoke panel against a real server and demo swarm: drafts kept per connection across drawer
 * tabs and rows, the waiting clock and Cancel, timestamped history.
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
const editor = (page: Page) => page.locator('[data-testid="invoke-editor"] .cm-content');

async function typePayload(page: Page, text: string) {
  await editor(page).click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

test('invoke: drafts per connection, elapsed clock and cancel, timestamped history', async ({ page }) => {
  // Contract frames the page receives, to know when the server's late answer has arrived.
  const frames: string[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
  await page.goto(env.host.url);
  await addCluster(page, 'Invoke cluster', env.adminUrl, OPERATOR_TOKEN);
  await expect(row(page, 'demo-0001')).toBeVisible();

  // A payload and timeout typed for demo-0001 survive a trip to another drawer tab…
  await row(page, 'demo-0001').click();
  await page.getByTestId('drawer-tab-invoke').click();
  await typePayload(page, '{"for":"one"}');
  await page.getByTestId('invoke-timeout').fill('4321');
  await page.getByTestId('drawer-tab-details').click();
  await expect(page.getByTestId('details')).toBeVisible();
  await page.getByTestId('drawer-tab-invoke').click();
  await expect(editor(page)).toHaveText('{"for":"one"}');
  await expect(page.getByTestId('invoke-timeout')).toHaveValue('4321');

  // …and another connection has its own draft.
  await row(page, 'demo-0002').click();
  await expect(editor(page)).toContainText('"ping": true');
  await expect(page.getByTestId('invoke-timeout')).toHaveValue(String(INVOKE_DEFAULT_TIMEOUT_MS));
  await typePayload(page, '{"for":"two"}');
  await row(page, 'demo-0001').click();
  await expect(editor(page)).toHaveText('{"for":"one"}');
  await expect(page.getByTestId('invoke-timeout')).toHaveValue('4321');

  // Sent, answered, and timestamped in the history.
  await page.getByTestId('invoke-send').click();
  await expect(page.getByTestId('invoke-response')).toContainText('"for": "one"');
  const first = page.getByTestId('invoke-history').locator('.history-item').first();
  await expect(first.locator('.time')).toHaveAttribute('data-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  await expect(first.getByTestId('invoke-history-outcome')).toHaveText(/\d+ ms/);

  // A client that never answers: the clock runs, Cancel stops waiting, the late timeout is ignored.
  await row(page, SILENT_CLIENT).click();
  await page.getByTestId('invoke-timeout').fill('3000');
  await page.getByTestId('invoke-send').click();
  await expect(page.getByTestId('invoke-pending')).toBeVisible();
  await expect.poll(async () => Number.parseFloat((await page.getByTestId('invoke-elapsed').textContent()) ?? '0')).toBeGreaterThanOrEqual(0.5);
  await expect(page.getByTestId('invoke-pending')).toContainText('of 3.0 s timeout');
  await shot(page, 'invoke-waiting');
  await page.getByTestId('invoke-cancel').click();
  await expect(page.getByTestId('invoke-cancelled')).toBeVisible();
  await expect(page.getByTestId('invoke-history').locator('.history-item').first().getByTestId('invoke-history-outcome')).toHaveText('cancelled');
  await shot(page, 'invoke-cancelled');
  // The server's timeout answer arrives later; the entry stays cancelled, not turned into an error.
  await expect.poll(() => frames.some((f) => f.includes('SB_ERR_INVOKE_TIMEOUT')), { timeout: 10_000 }).toBe(true);
  await expect(page.getByTestId('invoke-cancelled')).toBeVisible();
  await expect(page.getByTestId('invoke-error')).toHaveCount(0);
});
