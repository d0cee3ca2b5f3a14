import { test, expect, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { OPERATOR_TOKEN, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster, shot } from './helpers/console-page';

let env: ConsoleEnv;

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  env = await startConsoleEnv({ clients: 2, health: { sampleMs: 1000, historySize: 20 } });
});
test.afterAll(async () => {
  await env?.close();
});

const LIGHT_BG = 'rgb(246, 247, 249)';
const DARK_BG = 'rgb(20, 23, 28)';
const theme = (page: Page) => page.locator('html').getAttribute('data-theme');
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const row = (page: Page, clientId: string) => page.locator(`[data-testid="connections-table"] .tr.row[data-client-id="${clientId}"]`);

// The narrowest width the console is made for: the header must still hold the theme select.
test.use({ viewport: { width: 1024, height: 700 } });

test('theme: follows the system until a choice is made; the choice is kept by the console across reloads', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(env.host.url);
  await addCluster(page, 'Theme', env.adminUrl, OPERATOR_TOKEN);
  const select = page.getByRole('combobox', { name: 'Theme' });
  await expect(select).toHaveValue('system');
  await expect.poll(() => theme(page)).toBe('system');
  await expect.poll(() => background(page)).toBe(LIGHT_BG);

  // Following the system: the OS turning dark turns the page dark, live.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => background(page)).toBe(DARK_BG);

  // An explicit light choice wins over a dark system.
  await select.selectOption('light');
  await expect.poll(() => theme(page)).toBe('light');
  await expect.poll(() => background(page)).toBe(LIGHT_BG);

  // Dark on a light system, then a reload with this browser's storage wiped: the console's
  // settings (not the page's hint) bring dark back.
  await select.selectOption('dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => background(page)).toBe(DARK_BG);
  await expect.poll(() => page.evaluate(() => localStorage.getItem('switchboard.theme-hint.v1'))).toBe('dark');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Theme' })).toHaveValue('dark');
  await expect.poll(() => theme(page)).toBe('dark');
  await expect.poll(() => background(page)).toBe(DARK_BG);

  // JSON in the invoke editor uses the dark theme's string colour.
  await row(page, 'demo-0001').click();
  await page.getByTestId('drawer-tab-invoke').click();
  const str = page.locator('[data-testid="invoke-editor"] .cm-content span').filter({ hasText: /^"/ }).first();
  await expect(str).toBeVisible();
  await expect.poll(() => str.evaluate((el) => getComputedStyle(el).color)).toMatch(/^rgb\((140, 184, 255|244, 163, 143)\)$/);
  await shot(page, 'theme-dark-invoke');

  await page.getByTestId('tab-health').click();
  await expect(page.getByTestId('chart-connections').locator('canvas')).toHaveCount(1, { timeout: 10_000 });
  await expect.poll(async () => Number(await page.getByTestId('chart-connections').getAttribute('data-points')), { timeout: 10_000 }).toBeGreaterThan(1);
  await shot(page, 'theme-dark-health');

  // At 1024 px the header still holds the theme select beside the time toggle, and the page is no
  // wider than the window (the tab strip scrolls instead).
  expect(await page.evaluate(() => document.querySelector('.app')!.scrollWidth)).toBeLessThanOrEqual(1024);
  await expect(page.getByRole('combobox', { name: 'Theme' })).toBeInViewport({ ratio: 1 });
  await expect(page.getByTestId('time-utc')).toBeInViewport({ ratio: 1 });
  await shot(page, 'theme-dark-1024');

  // Back to following the (light) system.
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
  await expect.poll(() => background(page)).toBe(LIGHT_BG);
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Theme' })).toHaveValue('system');
  await expect.poll(() => background(page)).toBe(LIGHT_BG);
});
