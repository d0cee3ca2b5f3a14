// One benchmark server in its own process, so its memory and CPU are measured alone.
// argv: kind (bare | sio | http | switchboard), host. Talks to the parent over IPC.
//   bare: a bare ws echo server; sio: a Socket.IO server answering the 'request' event through its
//   ack callback (websocket transport only, no middleware); http: a bare node:http server answering
//   the body set by the parent ({type:'body'}), the baseline for admin page latency; switchboard:
//   the real server with its built-in echo service.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer } from 'ws';
import { SegmentProfiler } from '../lib/profile';
import { startServer } from '../lib/switchboard';

type Cmd =
  | { type: 'mem' }
  | { type: 'cpu' }
  | { type: 'profile'; action: 'start' | 'stop' | 'summary' }
  | { type: 'list'; clientId: string; iterations: number }
  | { type: 'count' }
  | { type: 'body'; body: string };

const KINDS = ['bare', 'sio', 'http', 'switchboard'] as const;
const kind = KINDS.find((k) => k === process.argv[2]) ?? 'switchboard';
const host = process.argv[3] ?? '127.0.0.1';
const send = (m: unknown): void => void process.send?.(m);
const gc = (globalThis as { gc?: () => void }).gc;

function memory(): NodeJS.MemoryUsage {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage();
}

const listen = (s: Server): Promise<number> => new Promise((r) => s.listen(0, host, () => r((s.address() as { port: number }).port)));

async function main(): Promise<void> {
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  let wss: WebSocketServer | null = null;
  let io: SocketIoServer | null = null;
  let plain: Server | null = null;
  let body = Buffer.from('{}');
  let url: string;
  let adminUrl: string | null = null;
  const profiler = new SegmentProfiler();
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  if (kind === 'bare') {
    // The baseline: a bare ws server that echoes every message back.
    wss = new WebSocketServer({ host, port: 0, perMessageDeflate: false, clientTracking: false });
    wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
    await new Promise<void>((r) => wss!.once('listening', () => r()));
    url = `ws://${host}:${(wss.address() as { port: number }).port}/`;
  } else if (kind === 'sio') {
    // The baseline a user would pick instead: Socket.IO's own request/response (an event with an
    // ack). Websocket transport only and no compression, as on the ws and Switchboard sides; its
    // heartbeat stays at Socket.IO's default, as Switchboard's pings stay at its own.
    plain = createServer();
    io = new SocketIoServer(plain, { transports: ['websocket'], perMessageDeflate: false, httpCompression: false, serveClient: false });
    io.on('connection', (socket) => {
      socket.on('request', (data: unknown, ack: unknown) => {
        if (typeof ack === 'function') ack(data);
      });
    });
    url = `http://${host}:${await listen(plain)}`;
  } else if (kind === 'http') {
    // The baseline: the same JSON bytes, pre-serialized, with the admin API's content type.
    plain = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) });
      res.end(body);
    });
    url = `http://${host}:${await listen(plain)}`;
  } else {
    server = await startServer({
      name: 'bench',
      dataDir: dir,
      logLevel: 'warn',
      reverseDns: { enabled: false },
      admin: { tokens: [{ name: 'bench', token: 'bench-viewer-token-0001', role: 'viewer' }] },
      channels: [{ name: 'bench', address: `ws://${host}:0/bench`, tokenTtl: 3600, pingInterval: 30 }],
      // Every load connection comes from one address: lift the per-address cap.
      channelListeners: { maxConnectionsPerIp: 0 },
    });
    url = server.channelUrl('bench');
    adminUrl = server.adminUrl;
  }
  process.on('message', async (cmd: Cmd) => {
    switch (cmd.type) {
      case 'mem':
        send({ type: 'mem', mem: memory() });
        return;
      case 'cpu':
        send({ type: 'cpu', cpu: process.cpuUsage(), at: performance.now() });
        return;
      case 'profile': {
        const done = (extra: object = {}): void => send({ type: 'profile', ...extra });
        if (cmd.action === 'start') void profiler.start().then(() => done());
        else if (cmd.action === 'stop') void profiler.stop().then(() => done());
        else done({ summary: profiler.top(15) });
        return;
      }
      case 'body':
        body = Buffer.from(cmd.body, 'utf8');
        send({ type: 'body' });
        return;
      case 'count':
        send({ type: 'count', count: server ? (await server.info()).counts.connections : 0 });
        return;
      case 'list': {
        const times: number[] = [];
        let total = 0;
        for (let i = 0; i < cmd.iterations; i++) {
          const t0 = performance.now();
          const r = await server!.connections.list({ clientId: cmd.clientId, limit: 100 });
          times.push(performance.now() - t0);
          total = r.total;
        }
        send({ type: 'list', times, total });
        return;
      }
    }
  });
  process.on('disconnect', () => {
    void (async () => {
      wss?.close();
      void io?.close();
      plain?.close();
      plain?.closeAllConnections();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    })();
  });
  send({ type: 'ready', url, adminUrl, mem: memory() });
}

void main();
