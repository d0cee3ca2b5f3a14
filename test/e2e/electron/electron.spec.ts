import { test, expect, _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callNames } from '../../../protocol/console/contract';
import { startServer, type RunningServer } from '../../../server/runtime';
import { startDemoSwarm, type DemoSwarm } from '../../../client/demo-swarm';
import { addCluster } from '../helpers/console-page';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const OPERATOR = 'electron-e2e-operator-token-0123';

/** The Electron binary, or null where `npm install` skipped it (ELECTRON_SKIP_BINARY_DOWNLOAD). */
function electronBinary(): string | null {
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}
const electronPath = electronBinary();
const SKIP_REASON = 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD)';
// The list reporter shows skipped tests without their reason; say it once, plainly.
if (!electronPath) console.log(`SKIPPED: Electron e2e (test/e2e/electron) — ${SKIP_REASON}; they run wherever an Electron binary is installed.`);

test.describe('Electron console', () => {
  test.skip(!electronPath, SKIP_REASON);

  let app: ElectronApplication;
  let page: Page;
  let userData: string;

  test.beforeAll(async () => {
    // The e2e script builds the renderer; the main/preload bundles are built here.
    execFileSync(process.execPath, ['scripts/build-main.mjs'], { cwd: root, stdio: 'inherit' });
    userData = await mkdtemp(join(tmpdir(), 'switchboard-electron-'));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'ELECTRON_RUN_AS_NODE') env[k] = v;
    app = await electron.launch({ executablePath: electronPath!, args: [root, '--no-sandbox-server'], cwd: root, env: { ...env, SWITCHBOARD_USER_DATA: userData } });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterAll(async () => {
    await app?.close();
    if (userData) await rm(userData, { recursive: true, force: true });
  });

  test('loads the app from app://, not file://', async () => {
    expect(page.url()).toMatch(/^app:\/\/switchboard\//);
  });

  test('runs isolated and sandboxed: no Node, bridge functions are context-bridge proxies', async () => {
    const seen = await page.evaluate(() => {
      const g = globalThis as unknown as { require?: unknown; process?: unknown; module?: unknown; switchboard: { on: () => void } };
      return { require: typeof g.require, process: typeof g.process, module: typeof g.module, bridged: Function.prototype.toString.call(g.switchboard.on).includes('[native code]') };
    });
    expect(seen).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', bridged: true });
    // webSecurity: the page cannot read local files.
    const fileRead = await page.evaluate(() => fetch('file:///etc/hostname').then(() => 'read', () => 'blocked'));
    expect(fileRead).toBe('blocked');
  });

  test('exposes exactly the contract on window.switchboard, and no Node', async () => {
    const keys = await page.evaluate(() => Object.keys((globalThis as unknown as { switchboard: object }).switchboard).sort());
    expect(keys).toEqual([...callNames, 'on'].sort());
  });

  test('denies window.open and navigation away from the app', async () => {
    expect(await page.evaluate(() => (globalThis as unknown as { open(u: string): unknown }).open('https://example.com') === null)).toBe(true);
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    await expect.poll(() => page.url()).toMatch(/^app:\/\/switchboard\//);
  });

  test('a full flow: add a cluster, see its live clients, invoke one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-electron-srv-'));
    let server: RunningServer | undefined;
    let swarm: DemoSwarm | undefined;
    try {
      server = await startServer({
        name: 'electron-e2e',
        dataDir: dir,
        logLevel: 'warn',
        admin: { port: 0, tokens: [{ name: 'op', token: OPERATOR, role: 'operator' }] },
        channels: [{ name: 'demo', address: 'ws://127.0.0.1:0/demo' }],
      });
      swarm = await startDemoSwarm({ url: server.channelUrl('demo'), clients: 5 });
      await addCluster(page, 'electron cluster', server.adminUrl!, OPERATOR);
      await expect(page.getByText('demo-0003').first()).toBeVisible({ timeout: 15_000 });
      // The same call the UI makes, straight through the preload bridge (the real IPC path).
      const result = await page.evaluate(async () => {
        const sb = (globalThis as unknown as { switchboard: Record<string, (i: unknown) => Promise<{ ok: boolean; value?: unknown }>> }).switchboard;
        const list = (await sb.listClusters!({})) as { ok: true; value: { items: { id: string; name: string }[] } };
        const cluster = list.value.items.find((c) => c.name === 'electron cluster')!;
        const snap = (await sb.getConnections!({ clusterId: cluster.id })) as { ok: true; value: { rows: { serverId: string; connectionId: string; clientId: string }[] } };
        const row = snap.value.rows.find((r) => r.clientId === 'demo-0001')!;
        return sb.invoke!({ clusterId: cluster.id, serverId: row.serverId, connectionId: row.connectionId, data: { hello: 'electron' } });
      });
      expect(result).toMatchObject({ ok: true, value: { ok: true, data: { echo: { hello: 'electron' } } } });
    } finally {
      await swarm?.close();
      await server?.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
