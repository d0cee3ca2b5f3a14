import { test, expect, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { SwitchboardClient } from '../../client/switchboard-client';
import { OPERATOR_TOKEN, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster, shot } from './helpers/console-page';

let env: ConsoleEnv;
let late: SwitchboardClient | null = null;
const PASSWORD = 'swordfish-never-on-screen';

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  env = await startConsoleEnv({ clients: 2 });
});
test.afterAll(async () => {
  await late?.close(1000, 'done');
  await env?.close();
});

const row = (page: Page, clientId: string) => page.locator(`[data-testid="connections-table"] .tr.row[data-client-id="${clientId}"]`);

test('message log: off by default, turned on per channel, live frames in both directions, hello credentials redacted', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Messages', env.adminUrl, OPERATOR_TOKEN);
  await row(page, 'demo-0001').click();
  await page.getByTestId('drawer-tab-messages').click();
  await expect(page.getByTestId('messages-none')).toContainText('does not capture');
  await shot(page, 'messages-off');

  // Capture both directions on the channel; an invoke is one frame out and its answer one in.
  await page.getByTestId('capture-received').click();
  await expect(page.getByTestId('capture-received')).toBeChecked();
  await page.getByTestId('capture-sent').click();
  await expect(page.getByTestId('capture-sent')).toBeChecked();
  await page.getByTestId('drawer-tab-invoke').click();
  await page.getByTestId('invoke-send').click();
  await expect(page.getByTestId('invoke-response')).toContainText('"echo"');
  await page.getByTestId('drawer-tab-messages').click();
  const msgs = page.getByTestId('message');
  await expect(page.locator('[data-testid="message"][data-direction="sent"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="message"][data-direction="received"]')).toHaveCount(1);
  await expect(msgs.first()).toContainText('"echo"');
  await page.getByTestId('messages-direction').selectOption('sent');
  await expect(msgs).toHaveCount(1);
  await page.getByTestId('messages-direction').selectOption('all');
  await page.getByTestId('messages-filter').fill('no such text');
  await expect(msgs).toHaveCount(0);
  await page.getByTestId('messages-filter').fill('');
  await shot(page, 'messages');

  // A client logging in now: its hello is kept with the password replaced.
  late = new SwitchboardClient({ url: env.server.channelUrl('demo'), clientId: 'late-0001', credentials: { username: 'late', password: PASSWORD }, reconnect: false });
  await late.connect();
  await page.keyboard.press('Escape');
  await row(page, 'late-0001').click();
  await page.getByTestId('drawer-tab-messages').click();
  const hello = page.locator('[data-testid="message"][data-direction="received"]', { hasText: '"hello"' });
  await expect(hello).toContainText('[redacted]');
  await expect(hello).toContainText('redacted');
  expect(await page.content()).not.toContain(PASSWORD);
});
