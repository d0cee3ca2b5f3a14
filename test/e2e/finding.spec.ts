import { test, expect, type Page } from '@playwright/test';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPERATOR_TOKEN, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { shot } from './helpers/console-page';
import { startDemoSwarm, type DemoSwarm } from '../../client/demo-swarm';
import { startServerProcess, type ServerProcess } from '../integration/helpers/processes';

/**
 * Finding things in a two-server cluster (the second server its own process, so its own PID):
 * filter by server name and PID, by ip:port as the Remote column shows it, by state (live, stale,
 * closing); each cluster keeps its own filter; Local mode names its zone; UTC clock cells fit.
 */
let env: ConsoleEnv;
let second: ServerProcess;
let swarm: DemoSwarm;
let dir: string;

test.use({ timezoneId: 'Asia/Kathmandu' });

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  env = await startConsoleEnv({ clients: 3 });
  dir = await mkdtemp(join(tmpdir(), 'switchboard-finding-'));
  second = await startServerProcess({ dir: join(dir, 'second'), name: 'second-node', tokens: [{ name: 'ops', token: OPERATOR_TOKEN, role: 'operator' }] });
  swarm = await startDemoSwarm({ url: second.channelUrl(), clients: 2, clientIdPrefix: 'two-', reconnect: false });
  for (const [name, urls] of [['Both', [env.adminUrl, second.adminUrl]], ['One', [env.adminUrl]]] as const) {
    const res = await env.host.core.dispatch('clusters.save', { name, servers: urls.map((url) => ({ url, token: OPERATOR_TOKEN })) });
    if (!res.ok) throw new Error(res.error.message);
  }
});
test.afterAll(async () => {
  await swarm?.close();
  await second?.stop();
  await env?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const rows = (page: Page) => page.locator('[data-testid="connections-table"] .tr.row');
const selectCluster = (page: Page, name: string) => page.locator(`[data-testid="cluster"][data-name="${name}"] .cluster-title`).click();
async function filter(page: Page, field: string, text: string): Promise<void> {
  await page.getByTestId('filter-field').selectOption(field);
  await page.getByTestId('filter').fill(text);
}

test('filters: server name and PID, ip:port, state; per cluster; named local zone; UTC clocks fit', async ({ page }) => {
  await page.goto(env.host.url);
  await expect(page.getByTestId('time-local')).toHaveText(/^Local \(Asia\/Kath?mandu\)$/); // ICU still spells it the old way
  await selectCluster(page, 'Both');
  await expect(page.getByTestId('count-total')).toHaveText('6');

  // Server name, then PID (exact).
  await filter(page, 'server', 'second');
  await expect(page.getByTestId('count-filtered')).toHaveText('2');
  await expect(rows(page)).toHaveCount(2);
  await filter(page, 'server', String(second.pid));
  await expect(page.getByTestId('count-filtered')).toHaveText('2');
  await filter(page, 'server', String(process.pid));
  await expect(page.getByTestId('count-filtered')).toHaveText('4');

  // ip:port, as the Remote column shows it.
  const listed = (await (await fetch(`${env.adminUrl}/admin/v1/connections?clientId=demo-0002`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })).json()) as { items: { remoteAddress: string; remotePort: number }[] };
  const remote = `${listed.items[0]!.remoteAddress}:${listed.items[0]!.remotePort}`;
  await filter(page, 'remoteAddress', remote);
  await expect(page.getByTestId('count-filtered')).toHaveText('1');
  await expect(rows(page)).toHaveAttribute('data-client-id', 'demo-0002');
  await shot(page, 'filter-remote-port');

  // Per cluster: "One" starts unfiltered; "Both" gets its filter back.
  await selectCluster(page, 'One');
  await expect(page.getByTestId('filter')).toHaveValue('');
  await expect(page.getByTestId('count-filtered')).toHaveCount(0);
  await expect(page.getByTestId('count-total')).toHaveText('4');
  await selectCluster(page, 'Both');
  await expect(page.getByTestId('filter')).toHaveValue(remote);
  await expect(page.getByTestId('count-filtered')).toHaveText('1');
  await page.getByTestId('filter').fill('');

  // UTC: time-of-day cells are not cut off.
  await page.getByTestId('time-utc').click();
  const lastSeen = rows(page).first().locator('.td.time[data-col="lastSeenAt"]');
  await expect(lastSeen).toContainText('UTC');
  expect(await lastSeen.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await page.getByTestId('time-local').click();

  // State: closing rows (while they linger), then stale ones of a killed server.
  await page.getByTestId('filter-state').selectOption('closing');
  await expect(rows(page)).toHaveCount(0);
  const one = swarm.clients[0]!;
  await one.close();
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).getByTestId('close-tag')).toBeVisible();
  await second.kill9();
  await page.getByTestId('filter-state').selectOption('stale');
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page)).toHaveAttribute('data-stale', 'true');
  await shot(page, 'filter-stale');
  await page.getByTestId('filter-state').selectOption('live');
  await expect(rows(page)).toHaveCount(4);
});
