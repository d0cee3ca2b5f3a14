import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { mkdir } from 'node:fs/promises';
import { OPERATOR_TOKEN, RETURNING_CLIENT, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster } from './helpers/console-page';

/**
 * axe on every screen and dialog of the console, light and dark: no serious or critical violation.
 * A failure lists each rule with the elements it found, so the fix is obvious from the log.
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

async function check(page: Page, screen: string, found: string[]): Promise<void> {
  // A closed row fades out over CLOSED_ROW_LINGER_MS by design (its close code stays in the drawer);
  // measured mid-fade its contrast depends on the moment a demo client happened to leave.
  const res = await new AxeBuilder({ page }).exclude('.tr.row.closed').analyze();
  for (const v of res.violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical') continue;
    found.push(`${screen}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')} (${v.nodes[0]?.failureSummary?.replace(/\s+/g, ' ') ?? ''})`);
  }
}

for (const scheme of ['light', 'dark'] as const) {
  test(`axe, ${scheme}: every screen without serious or critical violations`, async ({ page }) => {
    // About twenty axe runs over a live page on a shared machine.
    test.setTimeout(240_000);
    await page.emulateMedia({ colorScheme: scheme });
    const found: string[] = [];
    await page.goto(env.host.url);
    await check(page, 'empty console', found);
    await page.getByTestId('add-cluster').click();
    await check(page, 'cluster form', found);
    await page.getByTestId('cluster-form').getByRole('button', { name: 'Cancel' }).click();
    await addCluster(page, `Axe ${scheme}`, env.adminUrl, OPERATOR_TOKEN);
    await expect(row(page, 'demo-0001')).toBeVisible();
    await check(page, 'connections', found);

    await row(page, RETURNING_CLIENT).click();
    await check(page, 'drawer details', found);
    await page.getByTestId('drawer-tab-subscriptions').click();
    await expect(page.getByTestId('subscription').first()).toBeVisible();
    await check(page, 'drawer subscriptions', found);
    await page.getByTestId('unsubscribe').first().click();
    await check(page, 'confirm dialog', found);
    await page.keyboard.press('Escape');
    await page.getByTestId('drawer-tab-invoke').click();
    await check(page, 'drawer invoke', found);
    await page.getByTestId('disconnect').click();
    await check(page, 'disconnect dialog', found);
    await page.keyboard.press('Escape');

    await row(page, 'demo-0001').getByTestId('row-check').check();
    await page.getByTestId('bulk-disconnect').click();
    await check(page, 'bulk dialog', found);
    await page.keyboard.press('Escape');
    await page.getByTestId('bulk-clear').click();

    await page.getByTestId('column-chooser').click();
    await check(page, 'column menu', found);
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-button').click();
    await check(page, 'shortcuts', found);
    await page.keyboard.press('Escape');

    await page.getByTestId('tab-channels').click();
    await expect(page.getByTestId('channel').first()).toBeVisible();
    await check(page, 'channels', found);
    await page.getByTestId('edit-channel').first().click();
    await check(page, 'channel form', found);
    await page.keyboard.press('Escape');
    await page.getByTestId('new-security').click();
    await check(page, 'security form', found);
    await page.keyboard.press('Escape');

    // The screens beside connections and channels, each as it first shows with this cluster.
    for (const tab of ['topics', 'outgoing', 'gateway', 'nodes', 'audit', 'health', 'compare']) {
      await page.getByTestId(`tab-${tab}`).click();
      await expect(page.getByText('Loading…')).toHaveCount(0);
      await page.waitForTimeout(400);
      await check(page, `${tab} screen`, found);
    }

    await page.getByTestId('tab-probe').click();
    await expect(page.getByText('Loading…')).toHaveCount(0);
    await check(page, 'probe', found);
    await page.getByRole('button', { name: '+ New' }).click();
    await check(page, 'probe connect form', found);
    await page.getByLabel('URL', { exact: true }).fill(env.server.channelUrl('demo'));
    await page.getByRole('button', { name: 'Save & connect' }).click();
    await expect(page.getByTestId('probe-state')).toHaveText('open');
    await check(page, 'probe session', found);

    // Incidents: a cluster whose every server refuses the token; a page with a wrong access token.
    await page.getByTestId('tab-connections').click();
    await addCluster(page, `Refused ${scheme}`, env.adminUrl, 'not-the-right-token-at-all');
    await expect(page.getByTestId('server-status')).toHaveAttribute('data-status', 'auth-failed');
    await check(page, 'every server failed', found);
    await page.goto(env.host.url.replace(/#token=.*/, '#token=wrong-token'));
    await expect(page.getByTestId('access-problem')).toBeVisible();
    await check(page, 'access token rejected', found);

    expect(found, found.join('\n')).toEqual([]);
  });
}
