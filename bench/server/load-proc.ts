// A load generator process. argv: mode (throughput | idle), client (ws | sio), url, then mode options.
//   throughput <client> <url> <connections> <window>: each connection keeps <window> requests in
//     flight until the parent disconnects; {type:'mark'} answers the responses counted so far, the
//     time and this process's CPU, so the parent sets the measured window (same for every server).
//   idle <client> <url> <count> <idPrefix>: opens <count> logged-in connections and keeps them open.
// ws speaks the Switchboard frames (a bare ws echo server answers each frame with itself);
// sio is socket.io-client with emitWithAck, the request/response a Socket.IO user writes.
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';

const [mode, client, url, a, b] = process.argv.slice(2) as [string, string, string, string, string];
const send = (m: unknown): void => void process.send?.(m);
/** The same request body for every server. */
const PAYLOAD = { op: 'quote', sku: 'A-1', qty: 3, note: 'benchmark request payload' };

interface Conn {
  /** Keeps `window` requests in flight; calls back once per response. */
  start(window: number, onResponse: () => void): void;
  close(): void;
}

function openWs(clientId: string): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'hello', clientId, clientName: `Bench ${clientId}` }));
      // Either the welcome (Switchboard) or the echoed hello (bare ws) means "logged in".
      ws.once('message', () => resolve({
        start(window, onResponse) {
          let seq = 0;
          const fire = (): void => ws.send(JSON.stringify({ type: 'request', id: ++seq, data: PAYLOAD }));
          ws.on('message', (raw) => {
            const f = JSON.parse(raw.toString()) as { type: string };
            if (f.type !== 'response' && f.type !== 'request') return;
            onResponse();
            fire();
          });
          for (let i = 0; i < window; i++) fire();
        },
        close: () => ws.terminate(),
      }));
    });
  });
}

function openSio(clientId: string): Promise<Conn> {
  return new Promise((resolve, reject) => {
    // The handshake's auth carries what Switchboard's hello does. perMessageDeflate is typed as
    // {threshold} but engine.io-client hands `false` to ws as is: no compression offered, as on the ws side.
    const s: Socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, perMessageDeflate: false as unknown as { threshold: number }, auth: { clientId, clientName: `Bench ${clientId}` } });
    s.once('connect_error', reject);
    s.once('connect', () => resolve({
      start(window, onResponse) {
        const fire = (): void => {
          s.emitWithAck('request', PAYLOAD).then(() => {
            onResponse();
            fire();
          }, () => undefined); // rejected only when the socket closes at the end
        };
        for (let i = 0; i < window; i++) fire();
      },
      close: () => void s.disconnect(),
    }));
  });
}

const open = client === 'sio' ? openSio : openWs;

async function throughput(connections: number, window: number): Promise<void> {
  const conns = await Promise.all(Array.from({ length: connections }, (_, i) => open(`tp-${i}`)));
  let done = 0;
  for (const c of conns) c.start(window, () => done++);
  process.on('message', (m: { type: string }) => {
    if (m.type === 'mark') send({ type: 'mark', done, at: performance.now(), cpu: process.cpuUsage() });
  });
  process.on('disconnect', () => {
    for (const c of conns) c.close();
    process.exit(0);
  });
  send({ type: 'running' });
}

async function idle(count: number, prefix: string): Promise<void> {
  const conns: Conn[] = [];
  const BATCH = 200;
  for (let i = 0; i < count; i += BATCH) {
    const n = Math.min(BATCH, count - i);
    conns.push(...(await Promise.all(Array.from({ length: n }, (_, j) => open(`${prefix}${String(i + j).padStart(5, '0')}`)))));
  }
  send({ type: 'idle', connected: conns.length });
  // Stay up (answering pings) until the parent disconnects.
  process.on('disconnect', () => process.exit(0));
}

if (mode === 'throughput') void throughput(Number(a), Number(b));
else void idle(Number(a), b);
