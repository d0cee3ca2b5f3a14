// One load process: `conns` WebSockets to a URL, `window` messages in flight on each; counts echoes
// over a window after a warm-up and samples round-trip times. Or (idle) opens `conns` sockets and holds them.
import WebSocket from 'ws';

interface Tp { type: 'tp'; url: string; conns: number; window: number; bytes: number; warmupMs: number; durationMs: number }
interface Idle { type: 'idle'; url: string; conns: number; parallel: number }

const open = (url: string): Promise<WebSocket> => new Promise((resolve, reject) => {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.once('open', () => resolve(ws));
  ws.once('error', reject);
});

async function throughput(m: Tp): Promise<void> {
  const payload = Buffer.alloc(m.bytes, 97);
  const sockets = await Promise.all(Array.from({ length: m.conns }, () => open(m.url)));
  let counting = false;
  let count = 0;
  const rtts: number[] = [];
  for (const ws of sockets) {
    const sent: number[] = [];
    ws.on('message', () => {
      const t = sent.shift()!;
      if (counting) {
        count++;
        // One sample in 8 keeps the array small without biasing it.
        if ((count & 7) === 0) rtts.push(performance.now() - t);
      }
      sent.push(performance.now());
      ws.send(payload);
    });
    for (let i = 0; i < m.window; i++) {
      sent.push(performance.now());
      ws.send(payload);
    }
  }
  await new Promise((r) => setTimeout(r, m.warmupMs));
  counting = true;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, m.durationMs));
  counting = false;
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  for (const ws of sockets) ws.terminate();
  process.send!({ type: 'tp', perSec: count / secs, rtts, loadCores: (cpu.user + cpu.system) / 1e6 / secs });
}

/** Unloaded latency: one socket, one message at a time. */
async function pingPong(url: string, n: number): Promise<number[]> {
  const ws = await open(url);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await new Promise<void>((r) => {
      ws.once('message', () => r());
      ws.send('x');
    });
    out.push(performance.now() - t);
  }
  ws.terminate();
  return out;
}

const held: WebSocket[] = [];
process.on('message', (m: Tp | Idle | { type: 'ping'; url: string; n: number } | { type: 'release' }) => {
  void (async () => {
    if (m.type === 'tp') await throughput(m);
    else if (m.type === 'ping') process.send!({ type: 'ping', rtts: await pingPong(m.url, m.n) });
    else if (m.type === 'idle') {
      let next = 0;
      await Promise.all(Array.from({ length: m.parallel }, async () => {
        while (next < m.conns) {
          next++;
          held.push(await open(m.url));
        }
      }));
      process.send!({ type: 'idle', open: held.length });
    } else if (m.type === 'release') {
      for (const ws of held.splice(0)) ws.terminate();
      process.send!({ type: 'release' });
    }
  })().catch((err: unknown) => process.send!({ type: 'error', message: String(err) }));
});
process.send!({ type: 'ready' });
