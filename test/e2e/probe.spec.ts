import { test, expect, type Page } from '@playwright/test';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { startWebHost, type RunningWebHost } from '../../main/web-host/web-host';
import { shot } from './helpers/console-page';

/**
 * The probe screen end to end: the console's web host serving the built renderer, and a real `ws`
 * echo server that answers `{id}` requests with `{inReplyTo}` (so pairs and latencies are real).
 */
let dir: string;
let host: RunningWebHost;
let echo: WebSocketServer;
let echoUrl: string;
const closes: Array<{ code: number; reason: string }> = [];

test.beforeAll(async () => {
  await mkdir('test-results/screenshots', { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'switchboard-probe-e2e-'));
  echo = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => (protocols.has('echo.v1') ? 'echo.v1' : false) });
  echo.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ws.send(data, { binary: true });
        return;
      }
      const text = data.toString();
      // "flood:N" → N small frames as fast as ws can queue them (the console must keep up).
      const flood = /^flood:(\d+)$/.exec(text);
      if (text === 'drop') {
        ws.terminate();
        return;
      }
      if (flood) {
        for (let i = 0; i < Number(flood[1]); i++) ws.send(`{"seq":${i},"pad":"xxxxxxxxxxxxxxxx"}`);
        return;
      }
      let id: unknown;
      let rpc = false;
      try {
        const m = JSON.parse(text) as { id?: unknown; jsonrpc?: unknown };
        id = m.id;
        rpc = m.jsonrpc === '2.0';
      } catch {
        id = undefined;
      }
      // JSON-RPC 2.0: the reply reuses the request's id.
      if (rpc && id !== undefined) {
        setTimeout(() => ws.send(JSON.stringify({ jsonrpc: '2.0', id, result: 'ok' })), 15);
        return;
      }
      // A small delay makes the measured latency visible and realistic.
      if (id !== undefined) setTimeout(() => ws.send(JSON.stringify({ inReplyTo: id, ok: true, data: { echo: JSON.parse(text) as unknown } })), 15);
      else ws.send(text);
    });
    ws.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }));
  });
  await new Promise<void>((r) => echo.once('listening', () => r()));
  echoUrl = `ws://127.0.0.1:${(echo.address() as AddressInfo).port}/echo`;
  host = await startWebHost({ dataDir: join(dir, 'console'), sandboxAllowed: false });
});

test.afterAll(async () => {
  await host?.close();
  await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
  for (const c of echo?.clients ?? []) c.terminate();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const entries = (page: Page) => page.locator('.probe-list .probe-entry');

async function typeInEditor(page: Page, text: string) {
  const content = page.locator('[data-testid="probe-editor"] .cm-content');
  await content.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

test('probe: connect, send JSON, paired reply with latency, filter, UTC, binary, export/import, close with a code', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('tab-probe').click();
  await expect(page.getByText('No saved sessions yet.')).toBeVisible();
  await shot(page, 'probe-empty');

  // The connect form: ws:/wss: only, with the error inline.
  await page.getByRole('button', { name: '+ New' }).click();
  const url = page.getByLabel('URL', { exact: true });
  await url.fill('http://127.0.0.1:1/');
  await expect(page.getByText('scheme must be ws: or wss:, not http:')).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('Echo');
  await page.getByLabel('Subprotocols').fill('echo.v1, other.v2');
  // Header rows: a plain one, one marked secret, and a credential-like one (always secret).
  const headers = page.getByRole('group', { name: 'Headers' });
  await headers.getByRole('button', { name: '+ Add header' }).click();
  await page.getByLabel('header 1 name').fill('X-Probe');
  await page.getByLabel('header 1 value').fill('e2e');
  await headers.getByRole('button', { name: '+ Add header' }).click();
  await page.getByLabel('header 2 name').fill('X-Tenant');
  await page.getByLabel('header 2 value').fill('hush-tenant-123');
  await page.getByLabel('header 2 secret').check();
  await headers.getByRole('button', { name: '+ Add header' }).click();
  await page.getByLabel('header 3 name').fill('X-Api-Key');
  await page.getByLabel('header 3 value').fill('hush-key-456');
  await expect(page.getByLabel('header 3 secret')).toBeChecked();
  await expect(page.getByLabel('header 3 secret')).toBeDisabled();
  await expect(page.getByLabel('header 2 value')).toHaveAttribute('type', 'password');
  await shot(page, 'probe-connect-headers');
  await page.getByText('Custom TLS settings').click();
  await page.getByText('Ignore certificate errors').click();
  await expect(page.getByText('Certificate errors will be ignored')).toBeVisible();
  await shot(page, 'probe-connect-form');
  await page.getByText('Ignore certificate errors').click();
  await page.getByText('Custom TLS settings').click();
  await url.fill(echoUrl);
  await expect(page.getByText('scheme must be ws: or wss:')).toHaveCount(0);
  await page.getByRole('button', { name: 'Save & connect' }).click();

  // Open, with the negotiated subprotocol; the handshake is in the log.
  await expect(page.getByTestId('probe-state')).toHaveText('open');
  await expect(page.getByTestId('probe-subprotocol')).toContainText('echo.v1');
  await expect(entries(page).filter({ hasText: '101 Switching Protocols' })).toHaveCount(1);

  // Send JSON with Ctrl+Enter; the reply comes back paired, with its latency.
  await typeInEditor(page, '{"id":1,"op":"hello"}');
  await page.keyboard.press('Control+Enter');
  const reply = entries(page).filter({ hasText: '"inReplyTo":1' });
  await expect(reply).toHaveCount(1);
  await expect(reply.getByTestId('probe-pair')).toHaveText(/request \d+(\.\d)? ms/);
  const request = page.locator('.probe-list .probe-entry.dir-out').filter({ hasText: '{"id":1,"op":"hello"}' });
  await expect(request.getByTestId('probe-pair')).toHaveText(/reply \d+(\.\d)? ms/);
  await expect(page.getByTestId('probe-pairing')).toHaveText('pairing id ↔ inReplyTo');

  // Invalid JSON is caught before sending; Format pretty-prints valid JSON.
  await typeInEditor(page, '{"id":2,');
  await expect(page.getByTestId('composer-error')).toContainText('invalid JSON');
  await typeInEditor(page, '{"id":2,"op":"second"}');
  await page.getByRole('button', { name: 'Format' }).click();
  await expect(page.locator('[data-testid="probe-editor"] .cm-content')).toContainText('"op": "second"');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(entries(page).filter({ hasText: '"inReplyTo":2' })).toHaveCount(1);

  // Jump from a reply to its request: the request row is focused.
  await reply.getByTestId('probe-pair').click();
  await expect(page.locator('.probe-entry.focused')).toContainText('"op":"hello"');

  // The full view of a reply: a collapsible JSON tree.
  await reply.locator('.probe-expand').click();
  await expect(reply.locator('.json-tree')).toContainText('"echo"');
  await shot(page, 'probe-session');

  // Filter: text, then direction, then an invalid regex shown inline.
  const total = await page.getByTestId('probe-counts').textContent();
  await page.getByLabel('filter log').fill('inReplyTo');
  await expect(page.getByTestId('probe-counts')).toContainText(/^2 of \d+ entries$/);
  await expect(entries(page)).toHaveCount(2);
  await page.getByLabel('filter log').fill('');
  await page.getByRole('group', { name: 'direction' }).getByRole('button', { name: '→ out' }).click();
  // Out: the handshake request and the two frames.
  await expect(page.getByTestId('probe-counts')).toContainText(/^3 of/);
  await page.getByRole('group', { name: 'direction' }).getByRole('button', { name: '→ out' }).click();
  await page.getByRole('button', { name: '.*' }).click();
  await page.getByLabel('filter log').fill('op":"(hel');
  await expect(page.getByText(/invalid regular expression/)).toBeVisible();
  await shot(page, 'probe-filter-invalid-regex');
  await page.getByLabel('filter log').fill('"op": ?"(hello|second)"');
  await expect(page.getByText(/invalid regular expression/)).toHaveCount(0);
  await expect(page.getByTestId('probe-counts')).toContainText(/^4 of/);
  await shot(page, 'probe-filter-regex');
  await page.getByLabel('filter log').fill('');
  await page.getByRole('button', { name: '.*' }).click();
  await expect(page.getByTestId('probe-counts')).toHaveText(total!);

  // UTC toggle: clicking a time flips every time shown to UTC.
  const firstTime = entries(page).first().getByTestId('probe-time');
  const before = await firstTime.textContent();
  expect(before).not.toContain('UTC');
  await firstTime.click();
  await expect(firstTime).toContainText('UTC');
  const iso = await firstTime.getAttribute('title');
  expect(iso).toBeTruthy();
  await expect(firstTime).toHaveText(`${iso!.slice(11, 23)} UTC`);

  // Binary: malformed hex is refused inline; valid hex is sent and echoed, shown as a hex dump.
  await page.getByRole('group', { name: 'message type' }).getByRole('button', { name: 'binary' }).click();
  await typeInEditor(page, '48 65 zz');
  await expect(page.getByTestId('composer-error')).toContainText('"z" at position 7 is not a hex digit');
  await typeInEditor(page, '48 65 6c 6c 6f');
  await page.keyboard.press('Control+Enter');
  const bin = entries(page).filter({ hasText: 'binary 5 B' });
  await expect(bin).toHaveCount(2);
  await bin.last().locator('.probe-expand').click();
  await expect(bin.last().locator('.hex-dump')).toContainText('48 65 6c 6c 6f');
  await expect(bin.last().locator('.hex-dump')).toContainText('|Hello|');

  // Ping with a payload: the pong shows its RTT — also while the log filter hides every pong.
  await page.getByLabel('filter log').fill('nothing-matches-this');
  await expect(page.getByTestId('probe-counts')).toContainText(/^0 of/);
  await page.getByLabel('ping payload').fill('are-you-there');
  await page.getByRole('button', { name: 'Ping', exact: true }).click();
  await expect(page.getByTestId('probe-rtt')).toHaveText(/RTT \d/);
  await page.getByLabel('filter log').fill('');
  await shot(page, 'probe-binary-ping');

  // Export NDJSON: the browser downloads it; secrets are redacted unless asked for.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'NDJSON' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^Echo-\d{4}-\d\d-\d\dT[\d-]+Z\.ndjson$/);
  const exportPath = join(dir, download.suggestedFilename());
  await download.saveAs(exportPath);
  const exported = await readFile(exportPath, 'utf8');
  expect(exported.trim().split('\n').some((l) => l.includes('inReplyTo'))).toBe(true);
  expect(exported).toContain('"X-Probe","value":"e2e"');
  expect(exported).not.toContain('hush-tenant-123');
  expect(exported).not.toContain('hush-key-456');
  await expect(page.getByTestId('probe-export-path')).toContainText(download.suggestedFilename());
  await page.getByText('include secrets').click();
  await expect(page.getByText('The file will hold secret header and query values in clear.')).toBeVisible();
  await shot(page, 'probe-export-secrets');
  const [withSecrets] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'NDJSON' }).click()]);
  const full = await readFile((await withSecrets.path())!, 'utf8');
  expect(full).toContain('hush-tenant-123');
  expect(full).toContain('hush-key-456');
  await expect(page.getByTestId('probe-export-path')).toContainText('with secrets');
  await page.getByText('include secrets').click();

  // Import it back through the browser's file picker, as a read-only session.
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Import a file…' }).click()]);
  await chooser.setFiles(exportPath);
  await expect(page.locator('.probe-tab')).toHaveCount(2);
  await expect(page.locator('.probe-session-head .badge').filter({ hasText: 'imported' })).toBeVisible();
  await expect(entries(page).filter({ hasText: '"inReplyTo":1' })).toHaveCount(1);
  await shot(page, 'probe-imported');

  // Back to the live session; close with a code: a reserved one is refused inline, 4000 goes out.
  await page.locator('.probe-tab').first().locator('.probe-tab-label').click();
  await expect(page.getByTestId('probe-state')).toHaveText('open');
  await page.getByLabel('close code').fill('1005');
  await page.getByLabel('close reason').fill('done testing');
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(page.getByText('close code must be 1000, 1001 or between 3000 and 4999')).toBeVisible();
  await page.getByLabel('close code').fill('4000');
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(page.getByTestId('probe-state')).toHaveText('closed');
  await expect(entries(page).filter({ hasText: 'close 4000 "done testing"' }).first()).toBeVisible();
  await expect.poll(() => closes.some((c) => c.code === 4000 && c.reason === 'done testing')).toBe(true);
  await shot(page, 'probe-closed');
});

test('probe: saved sessions and templates reopen, re-send a selection, a flood stays responsive with a visible dropped count', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('tab-probe').click();
  await page.getByRole('button', { name: '+ New' }).click();
  await page.getByLabel('URL', { exact: true }).fill(echoUrl);
  await page.getByLabel('Name', { exact: true }).fill('Flood');
  await page.getByLabel('Log entries kept').fill('1000');
  await page.getByRole('button', { name: 'Save & connect' }).click();
  await expect(page.getByTestId('probe-state')).toHaveText('open');

  // A template, saved from the composer.
  await typeInEditor(page, '{"id":"t-1","op":"from-template"}');
  await page.getByLabel('template name').fill('greet');
  await page.getByRole('button', { name: 'Save as template' }).click();
  await expect(page.getByLabel('templates').locator('option', { hasText: 'greet' })).toHaveCount(1);

  // Saved sessions and templates survive a reload: reopen both.
  await page.reload();
  await page.getByTestId('tab-probe').click();
  await page.locator('.probe-saved-item', { hasText: 'Flood' }).click();
  await expect(page.locator('.probe-session-name')).toHaveText('Flood');
  await typeInEditor(page, '');
  await page.getByLabel('templates').selectOption({ label: 'greet' });
  await expect(page.locator('[data-testid="probe-editor"] .cm-content')).toContainText('from-template');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const sent = page.locator('.probe-list .probe-entry.dir-out').filter({ hasText: 'from-template' });
  await expect(sent).toHaveCount(1);

  // Re-send the selected message: a second identical frame goes out and is paired again.
  await sent.first().locator('.probe-text').click();
  await page.getByRole('button', { name: 'Re-send 1' }).click();
  await expect(sent).toHaveCount(2);
  await expect(page.locator('.probe-list .probe-entry.dir-in').filter({ hasText: '"inReplyTo":"t-1"' })).toHaveCount(2);

  // Flood: 60k frames. Long tasks are recorded while the UI renders them.
  await page.evaluate(() => {
    const w = window as unknown as { __longest: number };
    w.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longest = Math.max(w.__longest, e.duration);
    }).observe({ entryTypes: ['longtask'] });
  });
  await typeInEditor(page, '');
  await page.getByRole('group', { name: 'message type' }).getByRole('button', { name: 'text' }).click();
  await typeInEditor(page, 'flood:60000');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('probe-dropped')).toBeVisible({ timeout: 20_000 });
  // The UI answers while the flood is logged: pausing freezes the list.
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: /^Resume/ })).toBeVisible({ timeout: 2_000 });
  await shot(page, 'probe-flood-paused');
  await page.getByRole('button', { name: /^Resume/ }).click();
  // Retention keeps the newest 1000; everything older is counted as dropped, never silently lost.
  await expect(page.locator('.probe-list .probe-entry.dir-in').filter({ hasText: '"seq":59999' })).toHaveCount(1, { timeout: 30_000 });
  const kept = Number((await page.getByTestId('probe-counts').textContent())!.replace(/\D/g, ''));
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThanOrEqual(1000);
  const dropped = Number((await page.getByTestId('probe-dropped').textContent())!.replace(/\D/g, ''));
  expect(dropped).toBeGreaterThan(59_000);
  // Only a screenful of rows is in the DOM (virtualized).
  expect(await page.locator('.probe-list .probe-entry').count()).toBeLessThan(120);
  const longest = await page.evaluate(() => (window as unknown as { __longest: number }).__longest);
  expect(longest).toBeLessThan(1_000);
  await shot(page, 'probe-flood');

  // HAR-style export of what is retained, downloaded in chunks by the browser.
  const [harDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'HAR' }).click()]);
  expect(harDownload.suggestedFilename()).toMatch(/^Flood-.*\.har$/);
  const har = JSON.parse(await readFile((await harDownload.path())!, 'utf8')) as { log?: { entries: { _probeEntries: unknown[] }[] } };
  expect(har.log?.entries[0]?._probeEntries.length).toBeGreaterThan(800);
});

test('probe: auto-reconnect is visible, binary from a file and base64, helpers fill the editor, copy, dark theme', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(host.url);
  await page.getByTestId('tab-probe').click();
  await page.getByRole('button', { name: '+ New' }).click();
  await page.getByLabel('URL', { exact: true }).fill(echoUrl);
  await page.getByLabel('Name', { exact: true }).fill('Reconnecting');
  await page.getByText('Reconnect automatically').click();
  await page.getByLabel('Initial delay (ms)').fill('5000');
  await page.getByLabel('Delay cap (ms)').fill('100');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('the cap must be at least the initial delay')).toBeVisible();
  await page.getByLabel('Initial delay (ms)').fill('200');
  await page.getByLabel('Delay cap (ms)').fill('1000');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('probe-state')).toHaveText('idle');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.getByTestId('probe-state')).toHaveText('open');

  // The server drops the TCP connection: the session reconnects on its own, and the log says so.
  await page.getByRole('group', { name: 'message type' }).getByRole('button', { name: 'text' }).click();
  await typeInEditor(page, 'drop');
  await page.keyboard.press('Control+Enter');
  await expect(entries(page).filter({ hasText: /reconnect attempt 1 after/ })).toHaveCount(1);
  await expect(entries(page).filter({ hasText: 'reconnecting → connecting' }).first()).toBeVisible();
  await expect(page.getByTestId('probe-state')).toHaveText('open');

  // Binary from a file (read by the console core) and base64 input.
  const file = join(dir, 'payload.bin');
  await writeFile(file, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02]));
  await page.getByRole('group', { name: 'message type' }).getByRole('button', { name: 'binary' }).click();
  await page.getByRole('group', { name: 'binary input' }).getByRole('button', { name: 'file' }).click();
  await page.getByLabel('file path').fill(file);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(entries(page).filter({ hasText: 'binary 7 B' })).toHaveCount(2);
  await page.getByRole('group', { name: 'binary input' }).getByRole('button', { name: 'base64' }).click();
  await typeInEditor(page, '3q2+7w=');
  await expect(page.getByTestId('composer-error')).toContainText('wrong amount of "=" padding');
  await typeInEditor(page, '3q2+7w==');
  await page.keyboard.press('Control+Enter');
  await expect(entries(page).filter({ hasText: 'binary 4 B' })).toHaveCount(2);

  // Helpers fill the editor with frames (nothing is sent until Send).
  await page.getByLabel('topic').fill('prices.eur');
  await page.getByRole('button', { name: 'subscribe', exact: true }).click();
  await expect(page.locator('[data-testid="probe-editor"] .cm-content')).toContainText('"type": "subscribe"');
  await expect(page.locator('[data-testid="probe-editor"] .cm-content')).toContainText('"topic": "prices.eur"');
  await page.getByRole('group', { name: 'protocol helper' }).getByRole('button', { name: 'STOMP' }).click();
  await page.getByRole('button', { name: 'SUBSCRIBE', exact: true }).click();
  await expect(page.locator('[data-testid="probe-editor"] .cm-content')).toContainText('destination:/topic/test');
  await shot(page, 'probe-reconnect-helpers');
  await page.emulateMedia({ colorScheme: 'dark' });
  await entries(page).filter({ hasText: 'close 1006' }).locator('.probe-expand').click();
  await shot(page, 'probe-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Copy a logged message.
  const out = page.locator('.probe-list .probe-entry.dir-out').filter({ hasText: 'drop' }).first();
  await out.hover();
  await out.getByRole('button', { name: 'copy' }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('drop');
});

test('probe: JSON-RPC 2.0 pairing preset pairs replies that reuse the request id', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('tab-probe').click();
  await page.getByRole('button', { name: '+ New' }).click();
  await page.getByLabel('URL', { exact: true }).fill(echoUrl);
  await page.getByLabel('Name', { exact: true }).fill('RPC');
  await page.getByRole('group', { name: 'pairing preset' }).getByRole('button', { name: 'JSON-RPC' }).click();
  await expect(page.getByTestId('pairing-preset-paths')).toContainText('replies reuse the id');
  await page.getByRole('button', { name: 'Save & connect' }).click();
  await expect(page.getByTestId('probe-state')).toHaveText('open');
  await expect(page.getByTestId('probe-pairing')).toHaveText('pairing JSON-RPC 2.0 (id)');
  await typeInEditor(page, '{"jsonrpc":"2.0","id":41,"method":"sum"}');
  await page.keyboard.press('Control+Enter');
  const reply = entries(page).filter({ hasText: '"result":"ok"' });
  await expect(reply.getByTestId('probe-pair')).toHaveText(/request \d+(\.\d)? ms/);
  await expect(page.locator('.probe-list .probe-entry.dir-out').filter({ hasText: '"method":"sum"' }).getByTestId('probe-pair')).toHaveText(/reply \d+(\.\d)? ms/);
  await shot(page, 'probe-jsonrpc');
});
