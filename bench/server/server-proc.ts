// One benchmark server in its own process, so its memory and CPU are measured alone.
// argv: kind (bare | http | switchboard), host. Talks to the parent over IPC.
//   bare: a bare ws echo server; http: a bare node:http server answering the body set by the
//   parent ({type:'body'}), the baseline for admin page latency; switchboard: the real server.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { startServer, type RunningServer } from '../../server/runtime';

type Cmd = { type: 'mem' } | { type: 'list'; clientId: string; iterations: number } | { type: 'count' } | { type: 'body'; body: string };

const kind = process.argv[2] === 'bare' || process.argv[2] === 'http' ? process.argv[2] : 'switchboard';
const host = process.argv[3] ?? '127.0.0.1';
const send = (m: unknown): void => void process.send?.(m);
const gc = (globalThis as { gc?: () => void }).gc;

function memory(): NodeJS.MemoryUsage {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage();
}

async function main(): Promise<void> {
  let server: RunningServer | null = null;
  let wss: WebSocketServer | null = null;
  let plain: Server | null = null;
  let body = Buffer.from('{}');
  let url: string;
  let adminUrl: string | null = null;
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  if (kind === 'bare') {
    // The baseline: a bare ws server that echoes every message back.
    wss = new WebSocketServer({ host, port: 0, perMessageDeflate: false, clientTracking: false });
    wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
    await new Promise<void>((r) => wss!.once('listening', () => r()));
    url = `ws://${host}:${(wss.address() as { port: number }).port}/`;
  } else if (kind === 'http') {
    // The baseline: the same JSON bytes, pre-serialized, with the admin API's content type.
    plain = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) });
      res.end(body);
    });
    await new Promise<void>((r) => plain!.listen(0, host, () => r()));
    url = `http://${host}:${(plain.address() as { port: number }).port}`;
  } else {
    server = await startServer({
      name: 'bench',
      dataDir: dir,
      logLevel: 'warn',
      reverseDns: { enabled: false },
      admin: { tokens: [{ name: 'bench', token: 'bench-viewer-token-0001', role: 'viewer' }] },
      channels: [{ name: 'bench', address: `ws://${host}:0/bench`, tokenTtl: 3600, pingInterval: 30 }],
    });
    url = server.channelUrl('bench');
    adminUrl = server.adminUrl;
  }
  process.on('message', async (cmd: Cmd) => {
    switch (cmd.type) {
      case 'mem':
        send({ type: 'mem', mem: memory() });
        return;
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
