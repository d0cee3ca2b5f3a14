import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type RunningWebHost } from '../../../main/web-host/web-host';
import { createWebTransport } from '../../../renderer/src/api/web-transport';
import type { LinkStatus } from '../../../renderer/src/api/transport';

/** The renderer's web transport against a real web host that goes away and comes back with a new token. */
describe('web transport ↔ web host link', () => {
  let dir: string;
  let host: RunningWebHost;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-link-'));
    host = await startWebHost({ dataDir: join(dir, 'data'), rendererDir: join(dir, 'none'), sandboxAllowed: false });
  });
  afterAll(async () => {
    await host?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const transport = (token: string) =>
    createWebTransport({
      url: `ws://127.0.0.1:${host.port}/contract?token=${encodeURIComponent(token)}`,
      token,
      initialDelayMs: 20,
      maxDelayMs: 50,
      createSocket: (url) => new WebSocket(url) as unknown as globalThis.WebSocket,
    });
  const untilLink = (t: ReturnType<typeof transport>, pred: (l: LinkStatus) => boolean) =>
    new Promise<LinkStatus>((resolve) => {
      if (pred(t.link)) return resolve(t.link);
      const off = t.onLink((l) => {
        if (pred(l)) {
          off();
          resolve(l);
        }
      });
    });

  it('fails a call in flight at once when the host goes, and an old tab learns its token is no longer valid', async () => {
    const t = transport(host.token);
    await untilLink(t, (l) => l.state === 'connected');
    expect(await t.call('settings.get', {})).toMatchObject({ ok: true });

    // A call the core will take a while over: the host stops before answering it.
    const port = host.port;
    const inFlight = t.call('connections.invoke', { clusterId: 'nope', serverId: 's', connectionId: 'c', data: 1 });
    const started = Date.now();
    await host.close();
    const res = await inFlight;
    expect(res).toMatchObject({ ok: false, error: { code: 'SB_ERR_UNAVAILABLE' } });
    if (!res.ok) expect(res.error.message).toMatch(/^console backend unreachable/);
    expect(Date.now() - started).toBeLessThan(5000);
    const down = await untilLink(t, (l) => l.state === 'reconnecting');
    expect(down.downSince).toBeTypeOf('number');

    // Same port, new token: the page is told (4401) and stops retrying.
    host = await startWebHost({ port, dataDir: join(dir, 'data'), rendererDir: join(dir, 'none'), sandboxAllowed: false });
    const failed = await untilLink(t, (l) => l.state === 'failed');
    expect(failed).toMatchObject({ failure: 'token-expired', reason: 'access token missing or invalid' });
    t.close();
  });

  it('a page with a wrong or missing token fails at once instead of retrying', async () => {
    const wrong = transport('not-the-token');
    expect(await untilLink(wrong, (l) => l.state !== 'connecting')).toMatchObject({ state: 'failed', failure: 'token-invalid' });
    wrong.close();
    const missing = transport('');
    expect(await untilLink(missing, (l) => l.state !== 'connecting')).toMatchObject({ state: 'failed', failure: 'token-missing' });
    missing.close();
  });
});
