import { test, expect, type Page } from '@playwright/test';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoSwarm, type DemoSwarm } from '../../client/demo-swarm';
import { startWebHost, type RunningWebHost } from '../../main/web-host/web-host';
import { freePort, startServerProcess, startWebHostProcess, type ServerProcess, type WebHostProcess } from '../integration/helpers/processes';
import { addCluster, shot } from './helpers/console-page';

/**
 * Incidents, reproduced for real: three Switchboard servers, each its own process, 135 demo
 * clients; a server killed with SIGKILL and started again on its ports; a cluster whose every
 * server fails; the console's own web host killed and restarted with a new token; a page with a
 * wrong token. In the 1024×700 window an operator might have.
 */

const TOKEN = 'incident-operator-token-0123456789';
const WRONG = 'incident-wrong-token-0123456789ab';
const PER_SERVER = 45;
const SILENT = 'n2-0007';

let dir: string;
const servers: ServerProcess[] = [];
const swarms: DemoSwarm[] = [];

test.use({ viewport: { width: 1024, height: 700 } });

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'switchboard-incidents-'));
  servers.push(
    ...(await Promise.all([1, 2, 3].map((n) => startServerProcess({ dir: join(dir, `server-${n}`), name: `node-${n}`, tokens: [{ name: 'ops', token: TOKEN, role: 'operator' }] })))),
  );
  for (const [i, s] of servers.entries()) {
    swarms.push(await startDemoSwarm({ url: s.channelUrl(), clients: PER_SERVER, clientIdPrefix: `n${i + 1}-`, silentClientIds: [SILENT], reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } }));
  }
});
test.afterAll(async () => {
  for (const s of swarms) await s.close();
  await Promise.all(servers.map((s) => s.stop()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Saved through the core (the form is covered elsewhere): one profile over all three servers. */
async function saveCluster(host: RunningWebHost, name: string, entries: { url: string; token: string }[]): Promise<string> {
  const res = await host.core.dispatch('clusters.save', { name, servers: entries });
  if (!res.ok) throw new Error(res.error.message);
  return (res.value as { id: string }).id;
}

const rowsOf = (page: Page, prefix: string) => page.locator(`[data-testid="connections-table"] .tr.row[data-client-id^="${prefix}"]`);
const selectCluster = (page: Page, name: string) => page.locator(`[data-testid="cluster"][data-name="${name}"] .cluster-title`).click();

test.describe('a console on the three servers', () => {
  let host: RunningWebHost;
  test.beforeAll(async () => {
    // Retries within a second or two, so "back within one retry" does not wait out a long backoff.
    host = await startWebHost({ port: 0, dataDir: join(dir, 'console'), sandboxAllowed: false, session: { stream: { backoff: { initialDelayMs: 300, maxDelayMs: 1500 } } } });
    await saveCluster(host, 'Three nodes', servers.map((s) => ({ url: s.adminUrl, token: TOKEN })));
  });
  test.afterAll(async () => {
    await host?.close();
  });

  test('a server is killed: its rows go stale at once, counts and chart drop them, a banner names it; back on its port, live again', async ({ page }) => {
    test.setTimeout(90_000);
    await page.goto(host.url);
    await selectCluster(page, 'Three nodes');
    await expect(page.getByTestId('count-total')).toHaveText(String(3 * PER_SERVER));
    await expect(page.getByTestId('server-problems')).toHaveCount(0);
    // Let the chart collect a few live samples first.
    await expect(page.getByTestId('channel-chart')).toContainText(`demo ${3 * PER_SERVER}`, { timeout: 5000 });

    const victim = servers[1]!;
    await victim.kill9();
    const host2 = victim.adminUrl.replace('http://', '');

    const banner = page.getByTestId('server-problems');
    await expect(banner).toBeVisible();
    await expect(banner.getByTestId('server-problem')).toHaveCount(1);
    await expect(banner.getByTestId('server-problem')).toContainText(host2);
    await expect(banner).toContainText('1 of 3 servers not live');
    await expect(banner.getByTestId('server-problem')).toContainText(`${PER_SERVER} stale rows`);
    await expect(page.getByTestId('count-total')).toHaveText(String(2 * PER_SERVER));
    await expect(page.getByTestId('count-stale')).toContainText(`${PER_SERVER} stale`);
    // Its rows are dimmed and say since when; the others are not (scrolled to where node 1 ends).
    await page.locator('.table').evaluate((el) => (el.scrollTop = (45 - 6) * 24));
    const stale = rowsOf(page, 'n2-').first();
    await expect(stale).toHaveAttribute('data-stale', 'true');
    await expect(stale.getByTestId('stale-tag')).toHaveText(/^stale \d\d:\d\d$/);
    await expect(stale.getByTestId('stale-tag')).toHaveAttribute('title', /^Stale since /);
    // The mark leaves the client ID readable.
    expect(await stale.locator('.td').first().evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await expect(rowsOf(page, 'n1-0045')).toBeVisible();
    await expect(rowsOf(page, 'n1-0045')).not.toHaveAttribute('data-stale', 'true');
    await expect(page.getByTestId('channel-chart')).toContainText(`demo ${2 * PER_SERVER}`);
    // The sidebar: that server is not "connected", shows no RTT, and says when it retries.
    const line = page.locator(`[data-testid="server-status"]`, { hasText: host2 });
    await expect(line).not.toHaveAttribute('data-status', 'connected');
    await expect(line).not.toContainText('RTT');
    await shot(page, 'incident-server-killed');

    // Back on the same ports: the next retry re-syncs it; its clients come back as new connections.
    await victim.restart();
    await expect(page.getByTestId('server-problems')).toHaveCount(0, { timeout: 20_000 });
    await expect(page.getByTestId('count-total')).toHaveText(String(3 * PER_SERVER), { timeout: 20_000 });
    await expect(page.getByTestId('count-stale')).toHaveCount(0, { timeout: 10_000 });
    await expect(page.locator('.tr.row[data-stale="true"]')).toHaveCount(0);
    await expect(line).toHaveAttribute('data-status', 'connected');
    await shot(page, 'incident-server-back');
  });

  test('a closed connection’s drawer keeps its code and reason and links to the client’s newer connection', async ({ page }) => {
    await page.goto(host.url);
    await selectCluster(page, 'Three nodes');
    await expect(page.getByTestId('count-total')).toHaveText(String(3 * PER_SERVER), { timeout: 20_000 });
    const target = rowsOf(page, 'n1-0003');
    await target.click();
    await page.getByTestId('disconnect').click();
    await page.getByTestId('disconnect-reason').fill('rotating this client');
    await page.getByTestId('confirm-disconnect').click();
    const closed = page.getByTestId('drawer-closed');
    await expect(closed).toBeVisible();
    await expect(closed).toHaveAttribute('data-code', '4005');
    await expect(page.getByTestId('drawer-close-code')).toContainText('4005 ClosedByAdmin');
    await expect(page.getByTestId('drawer-close-reason')).toHaveText('rotating this client');
    // The demo client reconnects: the drawer offers its newer connection, even after the old row left.
    await expect(page.getByTestId('newer-connection')).toBeVisible({ timeout: 10_000 });
    await expect(rowsOf(page, 'n1-0003')).toHaveCount(1, { timeout: 10_000 });
    await expect(page.getByTestId('drawer-closed')).toBeVisible();
    await shot(page, 'incident-drawer-closed');
    await page.getByTestId('newer-connection').click();
    await expect(page.getByTestId('drawer-closed')).toHaveCount(0);
    await expect(page.getByTestId('disconnect')).toBeEnabled();
  });

  test('every server fails: the main area gives each reason, the next retry, and Retry now works', async ({ page }) => {
    const refused = await freePort();
    await saveCluster(host, 'Broken', [
      { url: servers[0]!.adminUrl, token: WRONG },
      { url: servers[1]!.adminUrl, token: WRONG },
      { url: `http://127.0.0.1:${refused}`, token: TOKEN },
    ]);
    await page.goto(host.url);
    await selectCluster(page, 'Broken');
    const panel = page.getByTestId('server-problems');
    await expect(panel).toHaveAttribute('data-none-live', 'true');
    await expect(panel).toContainText('No server of this cluster is reachable (3 of 3)');
    const problems = panel.getByTestId('server-problem');
    await expect(problems).toHaveCount(3);
    await expect(problems.nth(0).getByTestId('server-problem-reason')).toHaveText('token rejected (401)');
    await expect(problems.nth(1).getByTestId('server-problem-reason')).toHaveText('token rejected (401)');
    await expect(problems.nth(2).getByTestId('server-problem-reason')).toHaveText('connection refused');
    await expect(problems.nth(0).getByTestId('next-retry')).toContainText('not retrying by itself');
    await expect(problems.nth(2).getByTestId('next-retry')).toContainText(/next retry (in \d+ s|now)/);
    await expect(page.getByTestId('table-empty')).toContainText('No server of this cluster is reachable');
    await expect(page.getByText('No connections.')).toHaveCount(0);
    await shot(page, 'incident-all-failed');

    // Retry now: a new attempt for each, at once (the unreachable one's attempt count goes up).
    const attempts = async () => Number(/attempt (\d+)/.exec((await problems.nth(2).getByTestId('next-retry').textContent()) ?? '')?.[1] ?? 0);
    const before = await attempts();
    await page.getByTestId('retry-now').click();
    await expect.poll(attempts).toBeGreaterThan(before);
    await expect(problems).toHaveCount(3);
  });
  test('the backend restarts with the same token: the page relinks by itself and its rows are live again', async ({ page }) => {
    await page.goto(host.url);
    await selectCluster(page, 'Three nodes');
    await expect(page.getByTestId('count-total')).toHaveText(String(3 * PER_SERVER), { timeout: 20_000 });
    const { port, token } = host;
    await host.close();
    await expect(page.getByTestId('link-banner')).toHaveAttribute('data-state', 'reconnecting');
    await expect(page.getByTestId('count-total')).toHaveText('—');
    host = await startWebHost({ port, token, dataDir: join(dir, 'console'), sandboxAllowed: false, session: { stream: { backoff: { initialDelayMs: 300, maxDelayMs: 1500 } } } });
    await expect(page.getByTestId('link-banner')).toHaveCount(0, { timeout: 15_000 });
    await expect(page.getByTestId('count-total')).toHaveText(String(3 * PER_SERVER), { timeout: 20_000 });
    await expect(page.locator('.tr.row[data-stale="true"]')).toHaveCount(0);
    await expect(page.getByTestId('server-status').first()).toHaveAttribute('data-status', 'connected');
  });
});

test.describe('the console backend itself goes away', () => {
  let web: WebHostProcess;
  test.beforeAll(async () => {
    web = await startWebHostProcess({ dataDir: join(dir, 'console-process') });
  });
  test.afterAll(async () => {
    await web?.stop();
  });

  test('killed: everything turns stale at once, an invoke in flight fails with a clear error; restarted with a new token, the old tab says so', async ({ page }) => {
    test.setTimeout(90_000);
    await page.goto(web.url);
    await addCluster(page, 'Node 2', servers[1]!.adminUrl, TOKEN);
    await expect(page.getByTestId('count-total')).toHaveText(String(PER_SERVER), { timeout: 20_000 });
    await expect(page.getByTestId('server-status')).toHaveAttribute('data-status', 'connected');
    await expect(page.getByTestId('server-status')).toContainText('RTT');

    // An invoke to a client that never answers, with a long timeout: in flight when the backend dies.
    await rowsOf(page, SILENT).click();
    await page.getByTestId('drawer-tab-invoke').click();
    await page.getByTestId('invoke-timeout').fill('60000');
    await page.getByTestId('invoke-send').click();
    await expect(page.getByTestId('invoke-pending')).toBeVisible();

    const killedAt = Date.now();
    await web.kill9();
    const error = page.getByTestId('invoke-error');
    await expect(error).toBeVisible({ timeout: 5000 });
    expect(Date.now() - killedAt).toBeLessThan(5000);
    await expect(error).toHaveAttribute('data-code', 'SB_ERR_UNAVAILABLE');
    await expect(error).toContainText('Console backend unreachable');
    await expect(error).toContainText("Not the client's fault");
    const banner = page.getByTestId('link-banner');
    await expect(banner).toHaveAttribute('data-state', 'reconnecting');
    await expect(banner).toContainText('Console backend unreachable since');
    await expect(banner).toContainText(/next try (in \d+ s|now)/);
    // Every row is stale, nothing claims to be connected, no RTT, no count of live connections.
    await expect(page.locator('.tr.row[data-stale="true"]').first()).toBeVisible();
    await expect(page.locator('.tr.row:not([data-stale="true"])')).toHaveCount(0);
    await expect(page.getByTestId('server-status')).toHaveAttribute('data-status', 'unknown');
    await expect(page.getByTestId('server-status')).not.toContainText('RTT');
    await expect(page.getByTestId('count-total')).toHaveText('—');
    await expect(page.getByTestId('count-stale')).toContainText(`${PER_SERVER} stale`);
    await expect(page.getByTestId('drawer-stale')).toContainText('the console backend is unreachable');
    await shot(page, 'incident-backend-killed');

    // Back, but with a new token: the old tab is told its token is no longer valid, and stops.
    await web.restart();
    await expect(banner).toHaveAttribute('data-state', 'failed', { timeout: 15_000 });
    await expect(banner).toHaveAttribute('data-failure', 'token-expired');
    await expect(banner).toContainText('The access token is no longer valid');
    await expect(banner).toContainText('open the URL printed by npm start');
    await expect(banner.locator('code')).toHaveText('npm start');
    await shot(page, 'incident-token-expired');

    // The new URL works: the same profile, live rows again.
    await page.goto(web.url);
    await expect(page.getByTestId('link-banner')).toHaveCount(0);
    await expect(page.getByTestId('count-total')).toHaveText(String(PER_SERVER), { timeout: 20_000 });
    await expect(page.locator('.tr.row[data-stale="true"]')).toHaveCount(0);
  });

  test('a page with a wrong or missing token says so instead of looking like a fresh install', async ({ page }) => {
    const base = web.url.replace(/#.*$/, '');
    await page.goto(`${base}#token=not-the-token`);
    const problem = page.getByTestId('access-problem');
    await expect(problem).toContainText('Access token missing or invalid — open the URL printed by npm start');
    await expect(page.getByText('No clusters yet')).toHaveCount(0);
    await shot(page, 'incident-wrong-token');
    await page.goto(base);
    await page.reload();
    await expect(page.getByTestId('access-problem')).toContainText('Access token missing or invalid');
  });
});
