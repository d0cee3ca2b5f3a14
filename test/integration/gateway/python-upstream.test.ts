import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/helpers';
import { closed, nextMessage, openClient } from './upstreams';

const PYTHON = '/usr/bin/python3';

/** Starts the Python upstream; resolves with its port once it printed it. */
function startPython(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(PYTHON, [join(import.meta.dirname, 'py_upstream.py')], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`python upstream exited ${code}: ${out}`)));
  });
}

const ok = existsSync(PYTHON);

describe.runIf(ok)('gateway with a Python websockets upstream', () => {
  let ts: TestServer;
  let py: { child: ChildProcess; port: number };

  beforeAll(async () => {
    py = await startPython();
    ts = await startTestServer({
      gateway: {
        routes: [
          { name: 'py', listen: 'ws://127.0.0.1:0', path: '/py', upstreams: [`ws://127.0.0.1:${py.port}`] },
          { name: 'pyraw', listen: 'ws://127.0.0.1:0', path: '/pyraw', upstreams: [`ws://127.0.0.1:${py.port}`], mode: 'raw' },
        ],
      },
    });
  });
  afterAll(async () => {
    await ts.stop();
    py.child.kill('SIGKILL');
  });

  it('echoes through both modes; headers, path and query reach the upstream', async () => {
    for (const name of ['py', 'pyraw']) {
      const ws = await openClient(`${ts.server.gatewayUrl(name)}/whoami/x?q=1`, ['v12.stomp'], { headers: { Authorization: 'Basic Zm9vOmJhcg==' } });
      const seen = JSON.parse((await nextMessage(ws)).data.toString()) as { path: string; headers: Record<string, string>; subprotocol: string };
      expect(seen.path).toBe('/whoami/x?q=1');
      expect(seen.headers.Authorization ?? seen.headers.authorization).toBe('Basic Zm9vOmJhcg==');
      expect(seen.subprotocol).toBe('v12.stomp');
      ws.send('ping from node');
      expect((await nextMessage(ws)).data.toString()).toBe('ping from node');
      // The upstream closes with a code of its choosing: the client gets it unchanged.
      const c = closed(ws);
      ws.send('close:4321:py says bye');
      expect(await c).toMatchObject({ code: 4321, reason: 'py says bye' });
    }
  });

  it('an upstream 401 reaches the client as HTTP 401', async () => {
    await expect(openClient(`${ts.server.gatewayUrl('py')}/deny`)).rejects.toMatchObject({ status: 401, headers: { 'www-authenticate': 'Basic realm="py"' } });
  });

  it('the upstream process killed mid-session: the client gets 1011 within 1 s, nothing is left', async () => {
    const a = await openClient(`${ts.server.gatewayUrl('py')}/echo`);
    const b = await openClient(`${ts.server.gatewayUrl('pyraw')}/echo`);
    const [ca, cb] = [closed(a), closed(b)];
    const t0 = Date.now();
    py.child.kill('SIGKILL');
    for (const got of [await ca, await cb]) {
      expect(got).toMatchObject({ code: 1011, reason: 'gateway: upstream connection lost' });
      expect(got.at - t0).toBeLessThan(1000);
    }
    await expect.poll(() => ts.server.gatewaySessionCount()).toBe(0);
    // And the next client gets a real 502 instead of an open-then-close.
    await expect(openClient(`${ts.server.gatewayUrl('py')}/echo`)).rejects.toMatchObject({ status: 502 });
  });
});
