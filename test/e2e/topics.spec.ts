import { test, expect, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { SwitchboardClient } from '../../client/switchboard-client';
import { OPERATOR_TOKEN, VIEWER_TOKEN, startConsoleEnv, type ConsoleEnv } from './helpers/console-env';
import { addCluster, shot } from './helpers/console-page';

let env: ConsoleEnv;
/** Never acks, so what is published to its topic stays queued (a purge has something to drop). */
let slow: SwitchboardClient;

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  env = await startConsoleEnv({ clients: 4 });
  slow = new SwitchboardClient({ url: env.server.channelUrl('ops'), clientId: 'slow-0001', autoAck: false, reconnect: false });
  await slow.connect();
  await slow.subscribe('news');
});
test.afterAll(async () => {
  await slow?.close(1000, 'done');
  await env?.close();
});

const topicRow = (page: Page, name: string) => page.locator(`[data-testid="topic"][data-name="${name}"]`);

async function auditOf(action: string): Promise<{ params?: unknown; outcome: string }[]> {
  const res = await fetch(`${env.adminUrl}/admin/v1/audit?action=${action}`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
  return ((await res.json()) as { items: { params?: unknown; outcome: string }[] }).items;
}

test('topics: list, edit sends only what changed, create, publish, purge with confirmation, delete', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Topics', env.adminUrl, OPERATOR_TOKEN);
  await page.getByTestId('tab-topics').click();

  // Both configured topics, each naming its server; prices has the swarm's 4 subscribers.
  await expect(topicRow(page, 'news')).toBeVisible();
  await expect(topicRow(page, 'prices').getByTestId('topic-subscribers')).toHaveText('4');
  await expect(topicRow(page, 'prices')).toContainText('e2e-server');

  // Edit: a limit out of range is refused next to its field; changing only the overflow sends only it.
  await topicRow(page, 'news').getByTestId('edit-topic').click();
  const form = page.getByTestId('topic-form');
  await form.getByTestId('tp-maxDepth').fill('0');
  await form.getByTestId('save-topic').click();
  await expect(form.getByRole('alert')).toBeVisible();
  await shot(page, 'topic-edit-error');
  await form.getByTestId('tp-maxDepth').fill('100000');
  await form.getByTestId('tp-overflow').selectOption('reject');
  await form.getByTestId('save-topic').click();
  await expect(form).toHaveCount(0);
  await expect(topicRow(page, 'news').getByTestId('topic-overflow')).toHaveText('reject');
  const [update] = await auditOf('topic.update');
  expect(update).toMatchObject({ outcome: 'ok', params: { overflow: 'reject' } });
  expect(Object.keys(update!.params as object)).toEqual(['overflow']);

  // Create a topic, nobody subscribed; publishing reaches nobody.
  await page.getByTestId('new-topic').click();
  await form.getByTestId('tp-name').fill('orders');
  await form.getByTestId('tp-maxDepth').fill('500');
  await form.getByTestId('save-topic').click();
  await expect(form).toHaveCount(0);
  await expect(topicRow(page, 'orders').getByTestId('topic-maxDepth')).toHaveText('500');
  await topicRow(page, 'orders').click();
  await expect(page.getByTestId('topic-subs-none')).toBeVisible();
  await page.getByTestId('publish').click();
  await expect(page.getByTestId('publish-result')).toContainText('queued for 0 subscriptions');

  // Publish to news: the slow client (no acks) keeps it queued; purge asks first, naming the loss.
  await topicRow(page, 'news').click();
  const slowSub = page.locator('[data-testid="topic-sub"][data-client-id="slow-0001"]');
  await expect(slowSub).toBeVisible();
  await page.getByTestId('publish').click();
  await expect(page.getByTestId('publish-result')).toContainText('queued for');
  await expect(slowSub.getByTestId('sub-depth')).toHaveText('1');
  await expect(topicRow(page, 'news').getByTestId('topic-depth')).not.toHaveText('0');
  await shot(page, 'topics');
  await slowSub.getByTestId('purge-sub').click();
  const confirm = page.getByTestId('confirm');
  await expect(confirm).toContainText('1 queued message(s) are dropped');
  await shot(page, 'topic-purge-confirm');
  await confirm.getByTestId('confirm-ok').click();
  await expect(slowSub.getByTestId('sub-depth')).toHaveText('0');

  // Delete names what is lost; cancel keeps the topic, confirm removes it.
  await topicRow(page, 'orders').getByTestId('delete-topic').click();
  await expect(confirm).toContainText('0 subscriptions and 0 queued messages are lost');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(topicRow(page, 'orders')).toBeVisible();
  await topicRow(page, 'orders').getByTestId('delete-topic').click();
  await confirm.getByTestId('confirm-ok').click();
  await expect(topicRow(page, 'orders')).toHaveCount(0);
});

test('topics: a viewer token sees everything and is told why it cannot act', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Topics viewer', env.adminUrl, VIEWER_TOKEN);
  await page.getByTestId('tab-topics').click();
  await expect(topicRow(page, 'news')).toBeVisible();
  const wrap = topicRow(page, 'news').locator('.action-wrap', { has: page.getByTestId('edit-topic') });
  await expect(wrap).toHaveAttribute('title', /viewer token/);
  await expect(page.getByTestId('new-topic')).toBeDisabled();
});

test('topics: an unreachable cluster says so instead of an empty list', async ({ page }) => {
  await page.goto(env.host.url);
  await addCluster(page, 'Nowhere', 'http://127.0.0.1:9', OPERATOR_TOKEN);
  await page.getByTestId('tab-topics').click();
  await expect(page.getByTestId('topics-empty')).toBeVisible();
  await shot(page, 'topics-unreachable');
});
