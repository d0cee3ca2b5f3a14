import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { AdminStreamClient, STREAM_TRANSITIONS, type StreamFailure, type StreamState } from '../../../../main/core/clusters/admin-stream';

/** A tiny peer speaking the admin events protocol: enough to drive every transition for real. */
async function peer(opts: { status?: number } = {}) {
  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true });
  const sockets: WebSocket[] = [];
  let upgrades = 0;
  server.on('upgrade', (req, socket, head) => {
    upgrades++;
    if (opts.status) {
      socket.end(`HTTP/1.1 ${opts.status} No\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.push(ws);
      ws.send(JSON.stringify({ type: 'ready', seq: 0, server: { name: 'p', nodeId: 'h-1', pid: 1, hostname: 'h', version: '1', startedAt: '2026-01-01T00:00:00.000Z', mode: 'standalone', counts: { connections: 0, channels: 0, topics: 0, subscriptions: 0 } } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}/admin/v1/events`,
    sockets,
    get upgrades() {
      return upgrades;
    },
    async close() {
      for (const s of wss.clients) s.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const nextState = (c: AdminStreamClient, to: StreamState) => new Promise<void>((resolve) => {
  const off = c.on('state', (s) => {
    if (s.to === to) {
      off();
      resolve();
    }
  });
});

describe('AdminStreamClient', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function client(url: string, extra: Partial<ConstructorParameters<typeof AdminStreamClient>[0]> = {}) {
    const c = new AdminStreamClient({ url, connectOptions: () => ({ headers: {}, agent: new http.Agent() }), backoff: { initialDelayMs: 20, maxDelayMs: 40 }, ...extra });
    cleanups.push(() => c.stop());
    return c;
  }

  it('only allows the documented transitions', () => {
    expect(STREAM_TRANSITIONS.disconnected).toEqual(['connecting']);
    expect(STREAM_TRANSITIONS.closing).toEqual(['disconnected']);
  });

  it('goes disconnected → connecting → connected, emits the ready frame, and stops via closing', async () => {
    const p = await peer();
    cleanups.push(() => p.close());
    const c = client(p.url);
    const states: string[] = [];
    c.on('state', ({ from, to }) => states.push(`${from}>${to}`));
    const ready = new Promise((r) => c.on('frame', (f) => f.type === 'ready' && r(f)));
    c.start();
    await ready;
    expect(c.state).toBe('connected');
    await c.stop();
    expect(states).toEqual(['disconnected>connecting', 'connecting>connected', 'connected>closing', 'closing>disconnected']);
  });

  it('reconnects with backoff after the peer drops it', async () => {
    const p = await peer();
    cleanups.push(() => p.close());
    const c = client(p.url);
    c.start();
    await nextState(c, 'connected');
    const failures: StreamFailure[] = [];
    c.on('failure', (f) => failures.push(f));
    const retries: number[] = [];
    c.on('retry', (r) => retries.push(r.delayMs));
    p.sockets[0]!.terminate();
    await nextState(c, 'disconnected');
    await nextState(c, 'connected');
    expect(failures[0]!.kind).toBe('dropped');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toBeLessThan(20);
    expect(p.upgrades).toBe(2);
  });

  it('stops retrying after a 401: a new token is needed, not patience', async () => {
    const p = await peer({ status: 401 });
    cleanups.push(() => p.close());
    const c = client(p.url);
    const failure = new Promise<StreamFailure>((r) => c.on('failure', r));
    let retried = false;
    c.on('retry', () => (retried = true));
    c.start();
    const f = await failure;
    expect(f).toMatchObject({ kind: 'auth', status: 401 });
    expect(retried).toBe(false);
    expect(c.state).toBe('disconnected');
    expect(p.upgrades).toBe(1);
  });

  it('reports a refused port as a network failure and schedules a retry', async () => {
    const p = await peer();
    const url = p.url;
    await p.close();
    const c = client(url);
    const failure = new Promise<StreamFailure>((r) => c.on('failure', r));
    const retry = new Promise<{ at: string }>((r) => c.on('retry', r));
    c.start();
    expect((await failure).kind).toBe('network');
    expect(Date.parse((await retry).at)).toBeGreaterThan(Date.now() - 1000);
  });

  it('measures RTT with a ping right after connecting', async () => {
    const p = await peer();
    cleanups.push(() => p.close());
    const c = client(p.url);
    const rtt = new Promise<number>((r) => c.on('rtt', r));
    c.start();
    expect(await rtt).toBeGreaterThanOrEqual(0);
  });

  it('drops the socket on an unreadable frame (a hole in the sequence) and reconnects', async () => {
    const p = await peer();
    cleanups.push(() => p.close());
    const c = client(p.url);
    c.start();
    await nextState(c, 'connected');
    const failure = new Promise<StreamFailure>((r) => c.on('failure', r));
    p.sockets[0]!.send('{"type":"events","events":[{"nope":1}]}');
    expect((await failure).kind).toBe('protocol');
    await nextState(c, 'connected');
  });
});
