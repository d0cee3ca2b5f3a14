import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type RunningWebHost } from '../../../main/web-host/web-host';
import { WebServerFrameSchema } from '../../../protocol/console/contract';

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with the HTTP status of a refused upgrade, or 101 when it opened. */
function upgradeStatus(url: string, opts: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, opts);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => {});
  });
}

/** The close code and reason the host ends an opened contract socket with (before any frame). */
function closeOf(url: string, opts: WebSocket.ClientOptions = {}): Promise<{ code: number; reason: string; frames: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    let frames = 0;
    ws.on('message', () => frames++);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason), frames }));
    ws.on('error', () => {});
  });
}

describe('web host', () => {
  let dir: string;
  let host: RunningWebHost;
  let origin: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-webhost-'));
    const renderer = join(dir, 'renderer');
    await mkdir(join(renderer, 'assets'), { recursive: true });
    await writeFile(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
    await writeFile(join(renderer, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'top secret');
    host = await startWebHost({ dataDir: join(dir, 'data'), rendererDir: renderer });
    origin = `http://127.0.0.1:${host.port}`;
  });
  afterAll(async () => {
    await host?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a loopback URL carrying the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${encodeURIComponent(host.token)}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the renderer with a strict CSP', async () => {
    const res = await get(host.port, '/');
    expect(res.status).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect((await get(host.port, '/assets/app.js')).headers['content-type']).toContain('javascript');
  });

  it('never serves files outside the renderer dir', async () => {
    expect((await get(host.port, '/../secret.txt')).status).toBe(404);
    expect((await get(host.port, '/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get(host.port, '/..%2fsecret.txt')).status).toBe(404);
  });

  it('rejects a foreign Host header (DNS rebinding)', async () => {
    expect((await get(host.port, '/', { host: 'evil.example:80' })).status).toBe(421);
  });

  it('tells our own page with a bad or missing token so in a close code (4401), and refuses a foreign Origin', async () => {
    const base = `ws://127.0.0.1:${host.port}/contract`;
    const rejected = { code: 4401, reason: 'access token missing or invalid', frames: 0 };
    expect(await closeOf(`${base}?token=wrong`, { origin })).toEqual(rejected);
    expect(await closeOf(base, { origin })).toEqual(rejected);
    expect(await closeOf(`${base}?token=`, { origin })).toEqual(rejected);
    expect(await upgradeStatus(`${base}?token=wrong`, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(`${base}?token=${host.token}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(`${base}?token=${host.token}`, { origin })).toBe(101);
  });

  it('answers a scheme-relative or unparsable target with 400 and keeps serving (HTTP and upgrade)', async () => {
    expect((await get(host.port, '//a:99999/')).status).toBe(400);
    expect((await get(host.port, '/\\a:99999/')).status).toBe(400);
    expect(await upgradeStatus(`ws://127.0.0.1:${host.port}//a:99999/`, { origin })).toBe(400);
    expect((await get(host.port, '/')).status).toBe(200);
  });

  it('says ready first, then carries calls and answers with the result envelope', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/contract?token=${host.token}`, { origin });
    const first = await new Promise<unknown>((r) => ws.once('message', (d) => r(JSON.parse(String(d)))));
    expect(first).toEqual({ kind: 'ready' });
    const reply = (id: number) => new Promise<unknown>((resolve) => {
      ws.on('message', (d) => {
        const f = WebServerFrameSchema.parse(JSON.parse(String(d)));
        if (f.kind === 'result' && f.id === id) resolve(f.result);
      });
    });
    const r1 = reply(1);
    ws.send(JSON.stringify({ kind: 'call', id: 1, method: 'clusters.list', input: {} }));
    expect(await r1).toEqual({ ok: true, value: { items: [] } });
    const r2 = reply(2);
    ws.send(JSON.stringify({ kind: 'call', id: 2, method: 'clusters.save', input: { name: '', servers: [] } }));
    expect(await r2).toMatchObject({ ok: false, error: { code: 'SB_ERR_VALIDATION', field: 'name' } });
    const settingsEvent = new Promise<unknown>((resolve) => {
      ws.on('message', (d) => {
        const f = WebServerFrameSchema.parse(JSON.parse(String(d)));
        if (f.kind === 'event' && f.event === 'settings.changed') resolve(f.payload);
      });
    });
    ws.send(JSON.stringify({ kind: 'call', id: 3, method: 'settings.set', input: { timeMode: 'utc' } }));
    expect(await settingsEvent).toMatchObject({ timeMode: 'utc' });
    ws.close();
  });
});
