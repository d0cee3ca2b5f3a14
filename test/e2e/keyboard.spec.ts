import { test, expect, type Locator, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { OPERATOR_TOKEN, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster, shot } from './helpers/console-page';

/**
 * The keyboard and a 1024×700 window: `?` lists the shortcuts, `/` focuses the filter, Tab reaches
 * the clusters, headers sort with Enter and Space, Escape closes menus and dialogs; the sidebar
 * folds away, the drawer overlays the table, actions stay on screen, toasts keep out of the way.
 */
let env: ConsoleEnv;
const W = 1024;
const H = 700;
test.use({ viewport: { width: W, height: H } });

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  env = await startConsoleEnv({ clients: 6 });
});
test.afterAll(async () => {
  await env?.close();
});

const row = (page: Page, clientId: string) => page.locator(`[data-testid="connections-table"] .tr.row[data-client-id="${clientId}"]`);
/** Inside the window and not clipped or covered: what is drawn at its centre is the element itself. */
async function onScreen(l: Locator): Promise<void> {
  const b = (await l.boundingBox())!;
  expect(b.x).toBeGreaterThanOrEqual(0);
  expect(b.y).toBeGreaterThanOrEqual(0);
  expect(b.x + b.width).toBeLessThanOrEqual(W);
  expect(b.y + b.height).toBeLessThanOrEqual(H);
  expect(await l.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return el.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
  })).toBe(true);
}
const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test('keyboard: shortcuts list, / to filter, Tab to the clusters, Enter/Space sort, Escape closes', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Keys', env.adminUrl, OPERATOR_TOKEN);
  await expect(page.getByTestId('count-total')).toHaveText('7');

  await page.locator('body').click({ position: { x: 600, y: 650 } });
  await page.keyboard.press('?');
  const list = page.getByTestId('shortcuts');
  await expect(list).toContainText('Focus the connections filter');
  await shot(page, 'shortcuts');
  await page.keyboard.press('Escape');
  await expect(list).toHaveCount(0);

  await page.keyboard.press('/');
  await expect(page.getByTestId('filter')).toBeFocused();
  // Typed into the filter, / and ? are text, not shortcuts.
  await page.keyboard.type('demo-000?');
  await expect(page.getByTestId('filter')).toHaveValue('demo-000?');
  await expect(list).toHaveCount(0);
  await page.getByTestId('filter').fill('');

  // Tab from "+ Add" reaches the cluster, and Enter selects it.
  await page.getByTestId('add-cluster').focus();
  await page.keyboard.press('Tab');
  const title = page.locator('[data-testid="cluster"][data-name="Keys"] .cluster-title');
  await expect(title).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(title).toHaveAttribute('aria-pressed', 'true');

  // Headers: Enter and Space sort.
  const header = page.locator('.th[data-col="clientId"]');
  await header.focus();
  await page.keyboard.press('Enter');
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await page.keyboard.press(' ');
  await expect(header).toHaveAttribute('aria-sort', 'ascending');

  // In the focused table, ↓ selects a row and Space ticks it for a bulk action.
  await page.getByTestId('connections-table').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('bulk-count')).toHaveText('1');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('bulk-bar')).toHaveCount(0);
  await page.keyboard.press('Escape');

  // Escape closes the column menu and gives the focus back.
  await page.getByTestId('column-chooser').click();
  await expect(page.getByTestId('column-popover')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('column-popover')).toHaveCount(0);
  await expect(page.getByTestId('column-chooser')).toBeFocused();
});

test('1024×700: the drawer overlays, actions stay on screen, the sidebar folds, toasts keep clear', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Small', env.adminUrl, OPERATOR_TOKEN);
  const table = page.getByTestId('connections-table');
  const tableWidth = (await table.boundingBox())!.width;

  await row(page, 'demo-0002').click();
  const drawer = page.getByTestId('drawer');
  await expect(drawer).toBeVisible();
  await onScreen(drawer);
  await onScreen(page.getByTestId('disconnect'));
  await onScreen(page.getByTestId('disconnect-client'));
  // It overlays: the table keeps its width underneath.
  expect((await table.boundingBox())!.width).toBe(tableWidth);
  await shot(page, 'small-drawer');

  // Toasts: at most three, and never over the drawer.
  for (let i = 0; i < 5; i++) await page.getByTestId('export-json').click();
  const toasts = page.getByTestId('toast');
  await expect(toasts).toHaveCount(3);
  const drawerBox = (await drawer.boundingBox())!;
  for (const t of await toasts.all()) expect(overlaps((await t.boundingBox())!, drawerBox)).toBe(false);
  await shot(page, 'small-toasts');
  // A dialog sits above them.
  await page.getByTestId('disconnect').click();
  const tb = (await toasts.first().boundingBox())!;
  const onTop = await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.closest('[data-testid="toast"]') !== null, [tb.x + tb.width / 2, tb.y + tb.height / 2]);
  expect(onTop).toBe(false);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');

  // The sidebar folds away and comes back.
  await page.getByTestId('sidebar-toggle').click();
  await expect(page.locator('#cluster-sidebar')).toHaveCount(0);
  expect((await table.boundingBox())!.width).toBeGreaterThan(tableWidth + 150);
  await page.getByTestId('sidebar-toggle').click();
  await expect(page.locator('#cluster-sidebar')).toBeVisible();

  // Channel actions stay on screen.
  await page.getByTestId('tab-channels').click();
  const ch = page.getByTestId('channel').first();
  await expect(ch).toBeVisible();
  for (const id of ['edit-channel', 'toggle-channel', 'disconnect-channel', 'delete-channel']) await onScreen(ch.getByTestId(id));
  await shot(page, 'small-channels');
});
