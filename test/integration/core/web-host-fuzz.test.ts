import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type RunningWebHost } from '../../../main/web-host/web-host';

/**
 * The web host faces every web page the user visits (a page can fetch 127.0.0.1 with
 * mode:'no-cors') and every local process. Thousands of generated raw requests — HTTP and upgrade,
 * malformed on purpose — must each get a 4xx (or, for our own page with a bad token, the 4401
 * close), never a 5xx, a silent drop or a dead process.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 0x5b0a4d);
const REQUESTS = 3000;
const BATCH = 250;
const CONCURRENCY = 32;

/** mulberry32: small, seedable, good enough to pick cases. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  raw: Buffer;
  /** What the answer must be: a 4xx; or, for a well-formed upgrade of our own page, 4xx or the 4401 close. */
  allow101: boolean;
  label: string;
}

interface Answer {
  status: number | null;
  closeCode: number | null;
}

function generator(port: number, token: string) {
  const r = rng(SEED);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number) => r() < p;
  const junk = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
  const good = `127.0.0.1:${port}`;

  const methods = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'CONNECT', 'get', 'G ET', 'PROPFIND', 'X'.repeat(300), ''];
  const targets = [
    '//a:99999/', '//a:99999/contract', '//a:99999', '///', '//', '/\\a:99999/', '/\\\\evil', `http://${good}/`, 'http://a:99999/', 'https://x/contract',
    '*', '', ' ', '/%', '/%zz', '/%E0%A4%A', '/%00', '/..%2f..%2fetc/passwd', '/../../etc/passwd', '/a b', `/${'a'.repeat(9000)}`,
    '/contract', '/contract?token=wrong', `/contract?token=${token}x`, '/contract?token=%', '/contract?token=%zz', '/contract?token=&token=x', '/contract/../contract',
    '/assets/%2e%2e/%2e%2e/x', '/nope', '/assets/', '/\u00e9', '/\x7f', 'contract', '?', '#',
  ];
  const versions = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1 x', 'http/1.1', ''];
  const hosts: (string | null)[] = [good, good, good, `localhost:${port}`, null, '', 'evil.example', '127.0.0.1:99999', '127.0.0.1', '[::1', 'a'.repeat(5000), `${good}, ${good}`, `${good}\u0000`];
  const origins: (string | null)[] = [null, `http://${good}`, `http://${good}`, 'http://evil.example', 'null', '', 'http://a:99999', '%'];

  return (): Case => {
    const method = pick(methods);
    let target = pick(targets);
    const version = pick(versions);
    const headers: string[] = [];
    const host = pick(hosts);
    if (host !== null) headers.push(`Host: ${host}`);
    if (chance(0.1) && host !== null) headers.push(`Host: ${pick(hosts) ?? 'x'}`);
    const upgrade = chance(0.5);
    const origin = pick(origins);
    if (origin !== null) headers.push(`Origin: ${origin}`);
    if (upgrade) {
      headers.push(pick(['Upgrade: websocket', 'Upgrade: websocket', 'Upgrade: h2c', 'Upgrade: WebSocket, foo', 'Upgrade:']));
      headers.push(pick(['Connection: Upgrade', 'Connection: Upgrade', 'Connection: keep-alive, Upgrade', 'Connection: close']));
      headers.push(pick(['Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Key: short', 'Sec-WebSocket-Key:']));
      headers.push(pick(['Sec-WebSocket-Version: 13', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Version: 8', 'Sec-WebSocket-Version: x']));
      if (chance(0.2)) headers.push(pick(['Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits', 'Sec-WebSocket-Protocol: a, , b', 'Sec-WebSocket-Extensions: ;;;']));
    }
    if (chance(0.05)) headers.push(`X-Big: ${'b'.repeat(Math.floor(r() * 40_000))}`);
    if (chance(0.03)) for (let i = 0; i < 2500; i++) headers.push(`X-H${i}: v`);
    if (chance(0.05)) headers.push(pick(['Bad Header: x', ': empty', 'X-Ctl: a\u0001b', 'Content-Length: -1', 'Content-Length: 5\r\nContent-Length: 6', 'Transfer-Encoding: chunked, identity']));
    let body = '';
    const bodyKind = r();
    if (bodyKind < 0.08) {
      headers.push('Transfer-Encoding: chunked');
      body = pick(['zz\r\nhello\r\n0\r\n\r\n', '5\r\nhello\r\n0\r\n\r\n', 'ffffffffffffffff\r\n']);
    } else if (bodyKind < 0.16) {
      const len = Math.floor(r() * 50);
      headers.push(`Content-Length: ${len}`);
      body = 'x'.repeat(len);
    }
    if (chance(0.05)) target = target + junk(3).toString('latin1');
    const line = chance(0.03) ? junk(20).toString('latin1') : `${method} ${target} ${version}`.trimEnd();
    const raw = Buffer.concat([Buffer.from(`${line}\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(body)]);
    // The one request that may open: our own page (Host, Origin or none) asking /contract the right way.
    const allow101 = upgrade && method === 'GET';
    return { raw, allow101, label: `${line.slice(0, 80)} | ${headers.slice(0, 6).map((h) => h.slice(0, 60)).join(' | ')}` };
  };
}

/** Sends one raw request and reads the status line (and, after a 101, the server's close frame). */
function send(port: number, c: Case): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let status: number | null = null;
    let done = false;
    const finish = (closeCode: number | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status, closeCode });
    };
    const timer = setTimeout(() => finish(null), 5000);
    socket.on('error', () => finish(null));
    socket.on('close', () => finish(null));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (status === null) {
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(buf.subarray(0, end).toString('latin1'));
        status = m ? Number(m[1]) : -1;
      }
      if (status !== 101) return finish(null);
      // A WebSocket close frame from the server: 0x88, length, then the 2-byte code.
      const frame = buf.subarray(end + 4);
      if (frame.length >= 4 && frame[0] === 0x88) finish(frame.readUInt16BE(2));
    });
    socket.write(c.raw, () => {});
  });
}

describe('web host under fuzzed requests', () => {
  let dir: string;
  let host: RunningWebHost;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-webhost-fuzz-'));
    const renderer = join(dir, 'renderer');
    await mkdir(join(renderer, 'assets'), { recursive: true });
    await writeFile(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
    await writeFile(join(renderer, 'assets', 'app.js'), 'console.log(1)');
    host = await startWebHost({ dataDir: join(dir, 'data'), rendererDir: renderer, sandboxAllowed: false });
  });
  afterAll(async () => {
    await host?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A real page's requests still work: the HTML, and a contract call over an authenticated socket. */
  async function stillServing(): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${host.port}/`);
    expect(res.status).toBe(200);
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/contract?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` });
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ kind: 'call', id: 1, method: 'settings.get', input: {} })));
      ws.on('message', (d) => {
        if ((JSON.parse(String(d)) as { kind: string }).kind === 'result') resolve(String(d));
      });
      ws.on('error', reject);
    });
    ws.close();
    expect(JSON.parse(reply)).toMatchObject({ kind: 'result', id: 1, result: { ok: true } });
  }

  it('answers the request that used to crash it, `GET //a:99999/`, with 400 (HTTP and upgrade)', async () => {
    const plain = await send(host.port, { raw: Buffer.from(`GET //a:99999/ HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`), allow101: false, label: '' });
    expect(plain.status).toBe(400);
    const up = await send(host.port, {
      raw: Buffer.from(`GET //a:99999/ HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`),
      allow101: false,
      label: '',
    });
    expect(up.status).toBe(400);
    await stillServing();
  });

  it(`survives ${REQUESTS} generated requests, every one answered with a 4xx (seed ${SEED})`, async () => {
    const next = generator(host.port, host.token);
    const bad: string[] = [];
    const statuses = new Map<number, number>();
    for (let sent = 0; sent < REQUESTS; sent += BATCH) {
      const batch = Array.from({ length: BATCH }, () => next());
      let i = 0;
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (i < batch.length) {
          const c = batch[i++]!;
          const a = await send(host.port, c);
          const key = a.status ?? 0;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          const ok = a.status !== null && ((a.status >= 400 && a.status < 500) || (a.status === 101 && c.allow101 && a.closeCode === 4401));
          if (!ok) bad.push(`${a.status ?? 'no answer'}${a.closeCode ? ` close ${a.closeCode}` : ''}: ${c.label}`);
        }
      }));
      // After each batch: the same process, still answering a normal page.
      await stillServing();
    }
    expect(bad.slice(0, 20)).toEqual([]);
    // The generator reached the interesting answers, not just one kind of refusal.
    for (const s of [400, 404, 405, 421]) expect(statuses.get(s) ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
