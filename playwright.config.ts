import { defineConfig } from '@playwright/test';

// Browser e2e runs in Debian's Chromium (no browser download here); Electron e2e
// lives in test/e2e/electron and skips itself, with the reason, where no Electron binary exists.
export default defineConfig({
  testDir: 'test/e2e',
  // The accessibility sweep (every screen, light and dark) takes about a minute: it runs with
  // `npm run test:a11y` (part of `npm test`), not with every e2e run.
  testIgnore: process.env.SB_A11Y ? [] : ['**/axe.spec.ts'],
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results/artifacts',
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
