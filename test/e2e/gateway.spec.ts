import { test, expect } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { closed, EchoUpstream, openClient } from '../integration/gateway/upstreams';
import { OPERATOR_TOKEN, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster, shot } from './helpers/console-page';

/** The Gateway screen against a real server, a real upstream and a real routed client. */
let env: ConsoleEnv;
let up: EchoUpstream;

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  up = await new EchoUpstream().start();
  env = await startConsoleEnv({ clients: 2 });
  await env.server.gateway.createRoute({ name: 'orders', listen: 'ws://127.0.0.1:0', path: '/orders/ws/v1', upstreams: [`${up.url}/svc`] });
});
test.afterAll(async () => {
  await env?.close();
  await up?.stop();
});

test('gateway: a routed session with its upstream; disconnect from the console reaches both sides', async ({ page }) => {
  const client = await openClient(`${env.server.gatewayUrl('orders')}/queue?x=1`, ['v12.stomp']);
  client.send('hello');
  await page.goto(env.host.url);
  await addCluster(page, 'Gateway cluster', env.adminUrl, OPERATOR_TOKEN);
  await page.getByTestId('tab-gateway').click();

  await expect(page.locator('[data-testid="gateway-routes"] tr[data-route="orders"]')).toContainText('healthy');
  const row = page.getByTestId('gateway-session-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('gateway-session-upstream')).toHaveText(`${up.url}/svc/queue`);
  await expect(row.getByTestId('gateway-client-leg')).toHaveText('open');
  await expect(row.getByTestId('gateway-upstream-leg')).toHaveText('open');
  await expect(row).toContainText('v12.stomp');
  await expect(row).toContainText('1 msgs');
  await shot(page, 'gateway-session');

  const [c, u] = [closed(client), up.nextClose()];
  await row.getByTestId('gateway-disconnect').click();
  const dialog = page.getByTestId('gateway-disconnect-dialog');
  await dialog.getByLabel('Code').fill('4123');
  await dialog.getByLabel('Reason').fill('from the console');
  await page.getByTestId('gateway-disconnect-confirm').click();
  expect(await c).toMatchObject({ code: 4123, reason: 'from the console' });
  expect(await u).toEqual({ code: 4123, reason: 'from the console' });
  await expect(page.getByTestId('gateway-session-row')).toHaveCount(0);

  // Route creation is validated by the server; the refusal lands on the field it names.
  await page.getByTestId('gateway-new-route').click();
  const form = page.getByTestId('gateway-route-form');
  await form.getByLabel('Name').fill('bad');
  await form.getByLabel('Upstreams').fill('http://not-ws');
  await page.getByTestId('gateway-route-save').click();
  // On the field it names (Upstreams), not as a general banner.
  await expect(form.locator('.field', { has: page.locator('#gw-up') }).getByRole('alert')).toContainText('expected ws://');
  await shot(page, 'gateway-route-form-error');
  await form.getByRole('button', { name: 'Cancel' }).click();

  // Edit sends only what changed: the mode.
  await page.locator('[data-testid="gateway-routes"] tr[data-route="orders"]').getByTestId('gateway-edit-route').click();
  const edit = page.getByTestId('gateway-route-form');
  await edit.getByLabel('Mode').selectOption('raw');
  await page.getByTestId('gateway-route-save').click();
  await expect(edit).toHaveCount(0);
  await expect(page.locator('[data-testid="gateway-routes"] tr[data-route="orders"]')).toContainText('raw');
  expect((await env.server.gateway.getRoute('orders'))!.mode).toBe('raw');
});
