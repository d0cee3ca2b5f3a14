// A load generator process. argv: mode (throughput | idle), url, then mode options.
//   throughput <url> <connections> <window> <durationMs>: each connection keeps <window> requests in flight.
//   idle <url> <count> <idPrefix>: opens <count> logged-in connections and keeps them open.
import WebSocket from 'ws';

const [mode, url, a, b, c] = process.argv.slice(2) as [string, string, string, string, string];
const send = (m: unknown): void => void process.send?.(m);

function open(clientId: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'hello', clientId, clientName: `Bench ${clientId}` }));
      // Either the welcome (Switchboard) or the echoed hello (bare ws) means "logged in".
      ws.once('message', () => resolve(ws));
    });
  });
}

async function throughput(connections: number, window: number, durationMs: number): Promise<void> {
  const sockets = await Promise.all(Array.from({ length: connections }, (_, i) => open(`tp-${i}`)));
  let counting = false;
  let done = 0;
  let stop = false;
  const payload = { op: 'quote', sku: 'A-1', qty: 3, note: 'benchmark request payload' };
  for (const ws of sockets) {
    let seq = 0;
    const fire = (): void => ws.send(JSON.stringify({ type: 'request', id: ++seq, data: payload }));
    ws.on('message', (raw) => {
      const f = JSON.parse(raw.toString()) as { type: string };
      if (f.type !== 'response' && f.type !== 'request') return;
      if (counting) done++;
      if (!stop) fire();
    });
    for (let i = 0; i < window; i++) fire();
  }
  await new Promise((r) => setTimeout(r, 500));
  counting = true;
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, durationMs));
  counting = false;
  stop = true;
  send({ type: 'throughput', perSecond: (done * 1000) / (Date.now() - t0) });
  for (const ws of sockets) ws.terminate();
}

async function idle(count: number, prefix: string): Promise<void> {
  const sockets: WebSocket[] = [];
  const BATCH = 200;
  for (let i = 0; i < count; i += BATCH) {
    const n = Math.min(BATCH, count - i);
    sockets.push(...(await Promise.all(Array.from({ length: n }, (_, j) => open(`${prefix}${String(i + j).padStart(5, '0')}`)))));
  }
  send({ type: 'idle', connected: sockets.length });
  // Stay up (answering pings) until the parent disconnects.
  process.on('disconnect', () => process.exit(0));
}

if (mode === 'throughput') void throughput(Number(a), Number(b), Number(c));
else void idle(Number(a), b);
