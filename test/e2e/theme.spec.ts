import { test, expect, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { OPERATOR_TOKEN, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster, shot } from './helpers/console-page';

let env: ConsoleEnv;

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  env = await startConsoleEnv({ clients: 2 });
});
test.afterAll(async () => {
  await env?.close();
});

const theme = (page: Page) => page.locator('html').getAttribute('data-theme');

test('theme: auto follows the system, an explicit choice sticks across reloads, JSON stays readable in dark', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(env.host.url);
  await addCluster(page, 'Theme', env.adminUrl, OPERATOR_TOKEN);
  await expect.poll(() => theme(page)).toBe('light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => theme(page)).toBe('dark');

  await page.getByTestId('theme-light').click();
  await expect.poll(() => theme(page)).toBe('light');
  await page.getByTestId('theme-dark').click();
  await page.emulateMedia({ colorScheme: 'light' });
  await page.reload();
  await expect.poll(() => theme(page)).toBe('dark');
  await expect(page.getByTestId('theme-dark')).toHaveAttribute('aria-pressed', 'true');

  // The invoke editor's JSON keys in dark: the theme's key colour on the dark panel (not CodeMirror's light default).
  await page.locator('[data-testid="connections-table"] .tr.row[data-client-id="demo-0001"]').click();
  await page.getByTestId('drawer-tab-invoke').click();
  const str = page.locator('[data-testid="invoke-editor"] .cm-content span').filter({ hasText: /^"/ }).first();
  await expect(str).toBeVisible();
  await expect.poll(() => str.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(140, 180, 255)');
  await shot(page, 'invoke-dark');
  await page.getByTestId('theme-system').click();
  await expect.poll(() => theme(page)).toBe('light');
});
