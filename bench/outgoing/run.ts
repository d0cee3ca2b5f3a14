/**
 * Outgoing connections benchmark, each figure against a bare `ws` client measured in the same run
 * (against the same bare `ws` peer, in its own process):
 *   - memory per open connection: N outgoing connections (OutgoingManager, as the server runs them)
 *     vs N bare `ws` client sockets — goal ≤ 1.5×;
 *   - send throughput through one connection vs one bare client — goal ≥ 0.8×;
 *   - invoke round trip (correlated by id) vs a bare request/response — goal ≤ 1.2×.
 *
 *   npm run bench:outgoing            (OUTGOING_BENCH_N=2000 for a quicker run)
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { OutgoingCreateSchema, type OutgoingConfig } from '../../protocol/admin-outgoing';
import { EventBus } from '../../server/event-bus';
import { createLogger } from '../../server/logger';
import { OutgoingManager } from '../../server/outgoing/outgoing-manager';
import type { OutgoingStore, StoredOutgoing } from '../../server/outgoing/outgoing-store';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const N = Number(process.env.OUTGOING_BENCH_N ?? 10_000);
const MESSAGES = Number(process.env.OUTGOING_BENCH_MESSAGES ?? 200_000);
const INVOKES = Number(process.env.OUTGOING_BENCH_INVOKES ?? 5_000);
const MB = 1024 * 1024;
const PAYLOAD = { sym: 'ABC', px: 101.25, qty: 300, side: 'buy', note: 'x'.repeat(40) };

const mem = (): { heap: number; rss: number } => {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external + m.arrayBuffers, rss: m.rss };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startPeer(): Promise<{ port: number; kill(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'peer.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`peer exited ${code}`)));
  });
  return { port, kill: () => child.kill('SIGKILL') };
}

/** Opens n things `batch` at a time (a burst of 10,000 SYNs overflows the listen backlog). */
async function inBatches(n: number, batch: number, open: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < n; i += batch) await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_, k) => open(i + k)));
}

/** Holds nothing in memory, like the SQLite store the server uses (whose rows live in the file). */
const nullStore = (): OutgoingStore => ({ list: (): StoredOutgoing[] => [], put: () => {}, delete: () => true });

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const peer = await startPeer();
  const logger = createLogger('silent');
  // Loopback addresses per phase, so neither runs short of ephemeral ports.
  const bareUrl = `ws://127.0.0.1:${peer.port}/`;
  const outUrl = `ws://127.0.0.2:${peer.port}/`;

  // ---- memory: bare ws clients
  const m0 = mem();
  const bare: WebSocket[] = [];
  let t = performance.now();
  await inBatches(N, 500, (i) => new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(bareUrl, { perMessageDeflate: false });
    ws.once('open', () => resolve());
    ws.once('error', reject);
    bare[i] = ws;
  }));
  const bareOpenMs = performance.now() - t;
  await sleep(200);
  const m1 = mem();
  const bareHeap = (m1.heap - m0.heap) / N;
  const bareRss = (m1.rss - m0.rss) / N;
  await Promise.all(bare.map((ws) => new Promise<void>((r) => {
    ws.once('close', () => r());
    ws.terminate();
  })));
  bare.length = 0;
  await sleep(500);

  // ---- memory: outgoing connections
  const events = new EventBus();
  const manager = new OutgoingManager({ store: nullStore(), events, logger, nodeId: 'bench', services: new Map(), statsIntervalMs: 1000 });
  const base: Partial<OutgoingConfig> = { address: outUrl, pingInterval: 30, correlation: { requestPath: 'id', replyPath: 'id' } };
  const m2 = mem();
  t = performance.now();
  await inBatches(N, 500, async (i) => {
    const name = `o${i}`;
    const opened = new Promise<void>((resolve) => {
      const off = events.subscribe((e) => {
        if (e.type === 'outgoing.updated' && e.name === name && e.outgoing?.status.state === 'open') {
          off();
          resolve();
        }
      });
    });
    await manager.create(OutgoingCreateSchema.parse({ ...base, name }));
    await opened;
  });
  const outOpenMs = performance.now() - t;
  await sleep(200);
  const m3 = mem();
  const outHeap = (m3.heap - m2.heap) / N;
  const outRss = (m3.rss - m2.rss) / N;
  const open = manager.list().filter((o) => o.status.state === 'open').length;
  for (let i = 1; i < N; i++) await manager.remove(`o${i}`);

  // ---- send throughput: one connection, MESSAGES sends, then one reply marks the end (in order)
  const bareOne = new WebSocket(bareUrl, { perMessageDeflate: false });
  await new Promise((r) => bareOne.once('open', r));
  const bareReply = (id: string) => new Promise<void>((resolve) => {
    const on = (raw: Buffer) => {
      if ((JSON.parse(raw.toString()) as { id: string }).id === id) {
        bareOne.off('message', on);
        resolve();
      }
    };
    bareOne.on('message', on);
  });
  const sendRun = async (send: (data: unknown) => void, finish: (id: string) => Promise<void>, tag: string): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      send(PAYLOAD);
      // Let the socket drain now and then, as any sender must (the bare client too).
      if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
    }
    await finish(`${tag}-end`);
    return MESSAGES / ((performance.now() - t0) / 1000);
  };
  const bareSend = await sendRun((d) => bareOne.send(JSON.stringify(d)), (id) => {
    const p = bareReply(id);
    bareOne.send(JSON.stringify({ id }));
    return p;
  }, 'bare');
  const outSend = await sendRun((d) => void manager.send('o0', d), async (id) => void (await manager.invoke('o0', { id }, 60_000)), 'out');

  // ---- invoke round trip, sequential
  const bareRtt: number[] = [];
  for (let i = 0; i < INVOKES; i++) {
    const id = `b${i}`;
    const t0 = performance.now();
    const p = bareReply(id);
    bareOne.send(JSON.stringify({ id, ...PAYLOAD }));
    await p;
    bareRtt.push(performance.now() - t0);
  }
  const outRtt: number[] = [];
  for (let i = 0; i < INVOKES; i++) {
    const t0 = performance.now();
    await manager.invoke('o0', { id: `i${i}`, ...PAYLOAD }, 5000);
    outRtt.push(performance.now() - t0);
  }
  bareRtt.sort((a, b) => a - b);
  outRtt.sort((a, b) => a - b);
  const bareMed = pct(bareRtt, 50);
  const outMed = pct(outRtt, 50);

  bareOne.terminate();
  await manager.closeAll('bench done');
  peer.kill();

  const f = (x: number, d = 1) => x.toFixed(d);
  const memRatio = outHeap / bareHeap;
  const rssRatio = outRss / bareRss;
  const sendRatio = outSend / bareSend;
  const rttRatio = outMed / bareMed;
  console.log(`outgoing benchmark (N=${N}, messages=${MESSAGES}, invokes=${INVOKES})`);
  console.log(`  open ${N}: bare ws ${f(bareOpenMs, 0)} ms, outgoing ${f(outOpenMs, 0)} ms (${open} open)`);
  console.log(`  memory per connection (heap+external): bare ${f(bareHeap / 1024, 2)} KiB, outgoing ${f(outHeap / 1024, 2)} KiB → ${f(memRatio, 2)}× (goal ≤ 1.5×) ${memRatio <= 1.5 ? 'OK' : 'MISSED'}`);
  console.log(`  memory per connection (RSS):           bare ${f(bareRss / 1024, 2)} KiB, outgoing ${f(outRss / 1024, 2)} KiB → ${f(rssRatio, 2)}×`);
  console.log(`  send throughput: bare ${f(bareSend, 0)} msg/s, outgoing ${f(outSend, 0)} msg/s → ${f(sendRatio, 2)}× (goal ≥ 0.8×) ${sendRatio >= 0.8 ? 'OK' : 'MISSED'}`);
  console.log(`  invoke round trip median: bare ${f(bareMed, 3)} ms, outgoing ${f(outMed, 3)} ms → ${f(rttRatio, 2)}× (goal ≤ 1.2×) ${rttRatio <= 1.2 ? 'OK' : 'MISSED'}; p99 bare ${f(pct(bareRtt, 99), 3)} ms, outgoing ${f(pct(outRtt, 99), 3)} ms`);
  console.log(`  total heap now ${f(mem().heap / MB)} MB`);
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
