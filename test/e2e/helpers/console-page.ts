import { expect, type Page } from '@playwright/test';

/** Saves a full-page screenshot under test-results/screenshots/ (looked at by a human). */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png` });
}

/** Adds a cluster with one server through the sidebar form and waits for it to be selected. */
export async function addCluster(page: Page, name: string, adminUrl: string, token: string): Promise<void> {
  await page.getByTestId('add-cluster').click();
  const form = page.getByTestId('cluster-form');
  await form.getByLabel('Name').fill(name);
  await form.getByTestId('server-url').fill(adminUrl);
  await form.getByTestId('server-token').fill(token);
  await form.getByTestId('save-cluster').click();
  await expect(form).toHaveCount(0);
  await expect(page.locator(`[data-testid="cluster"][data-name="${name}"] .cluster-title`)).toHaveAttribute('aria-pressed', 'true');
}
