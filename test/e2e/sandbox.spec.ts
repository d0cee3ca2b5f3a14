import { test, expect } from '@playwright/test';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebHost, type RunningWebHost } from '../../main/web-host/web-host';
import { sandboxController } from '../../main/embedded/sandbox';
import { shot } from './helpers/console-page';

/**
 * What `npm start` gives a new user: the web host with the embedded sandbox (a real server and a
 * small demo swarm). The sandbox cluster is there and connected (also as a read-only viewer cluster), the toggle says on, and the probe
 * offers the sandbox's channel: hello and a request, paired with a latency.
 */
let dir: string;
let host: RunningWebHost;

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'switchboard-sandbox-e2e-'));
  host = await startWebHost({ port: 0, dataDir: join(dir, 'console'), sandbox: sandboxController({ dataDir: dir, clients: 2, ephemeral: true }) });
});
test.afterAll(async () => {
  await host?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('sandbox: connected cluster, toggle on, probe the sandbox channel with hello and a paired request', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.locator('[data-testid="cluster"][data-name="Local sandbox"]')).toBeVisible();
  await expect(page.getByTestId('server-status')).toHaveAttribute('data-status', 'connected');
  const toggle = page.getByTestId('sandbox-toggle');
  await expect(toggle).toBeChecked();
  await expect(toggle).toBeEnabled();

  // The same sandbox through its viewer token: connected before it is ever selected (every cluster
  // opens at start), and read-only once selected.
  const viewer = page.locator('[data-testid="cluster"][data-name="Local sandbox (viewer)"]');
  await expect(viewer.locator('.dot')).toHaveClass(/\bok\b/);
  await expect(page.getByTestId('read-only')).toHaveCount(0);
  await viewer.getByRole('button').first().click();
  await expect(page.getByTestId('server-status')).toHaveAttribute('data-status', 'connected');
  await expect(page.getByTestId('read-only')).toBeVisible();
  await page.locator('[data-testid="cluster"][data-name="Local sandbox"]').getByRole('button').first().click();
  await expect(page.getByTestId('read-only')).toHaveCount(0);

  await page.getByTestId('tab-probe').click();
  await page.getByRole('button', { name: '+ New' }).click();
  await page.getByTestId('probe-use-sandbox').click();
  await expect(page.getByLabel('URL', { exact: true })).toHaveValue(/^ws:\/\/127\.0\.0\.1:\d+\/demo$/);
  await page.getByRole('button', { name: 'Save & connect' }).click();
  await expect(page.getByTestId('probe-state')).toHaveText('open');

  const editor = page.locator('[data-testid="probe-editor"] .cm-content');
  await page.getByLabel('client id').fill('e2e-probe');
  await page.getByRole('button', { name: 'hello', exact: true }).click();
  await editor.click();
  await page.keyboard.press('Control+Enter');
  const entries = page.locator('.probe-list .probe-entry');
  await expect(entries.filter({ hasText: '"type":"welcome"' })).toHaveCount(1);

  await page.getByRole('button', { name: 'request', exact: true }).click();
  await editor.click();
  await page.keyboard.press('Control+Enter');
  const reply = entries.filter({ hasText: '"type":"response"' });
  await expect(reply).toHaveCount(1);
  await expect(reply.getByTestId('probe-pair')).toHaveText(/request \d+(\.\d)? ms/);
  await shot(page, 'probe-sandbox');

  // Turning the sandbox off: the toggle follows at once, the cluster leaves, the probe stops offering it.
  await page.getByTestId('tab-connections').click();
  // Stopping ends every demo client: it asks first, and Escape keeps it running.
  await toggle.click();
  const ask = page.getByTestId('sandbox-confirm');
  await expect(ask).toContainText(/\d+ client connections? are closed/);
  await expect(ask.getByTestId('confirm-cancel')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(ask).toHaveCount(0);
  await expect(toggle).toBeChecked();
  await toggle.click();
  await shot(page, 'sandbox-stop-confirm');
  await ask.getByTestId('confirm-ok').click();
  await expect(page.locator('[data-testid="cluster"][data-name="Local sandbox"]')).toHaveCount(0);
  await expect(viewer).toHaveCount(0);
  await expect(toggle).toBeEnabled();
  await expect(toggle).not.toBeChecked();
  await page.getByTestId('tab-probe').click();
  await page.getByRole('button', { name: '+ New' }).click();
  await expect(page.getByLabel('URL', { exact: true })).toBeVisible();
  await expect(page.getByTestId('probe-use-sandbox')).toHaveCount(0);
});
