/**
 * npm run bench:pubsub — pub/sub benchmarks, each against a baseline measured in the same run:
 *  1. fan-out: one publish to N subscribers (default 19,000) through Switchboard vs a bare `ws`
 *     broadcast of the same frame to the same number of sockets (goal: ≤ 1.3x its time);
 *  2. durable publish throughput (acks/s, each ack after a committed SQLite transaction) vs
 *     one-transaction-per-message SQLite inserts on the same disk (what group commit buys).
 * Subscribers and publishers live in forked child processes (≤ 20,000 open files per process).
 * Env: SB_BENCH_SUBSCRIBERS, SB_BENCH_ROUNDS, SB_BENCH_WORKERS, SB_BENCH_SECONDS.
 */
import Database from 'better-sqlite3';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import { startServer } from '../../server/runtime';

const N = Number(process.env.SB_BENCH_SUBSCRIBERS ?? 19_000);
const ROUNDS = Number(process.env.SB_BENCH_ROUNDS ?? 5);
const WORKERS = Number(process.env.SB_BENCH_WORKERS ?? 2);
const SECONDS = Number(process.env.SB_BENCH_SECONDS ?? 5);
const TOPIC = 'bench.fanout';
const WORKER = join(import.meta.dirname, 'worker.ts');

type Reply = { ready?: number; done?: number; at?: number; acks?: number; failed?: number; error?: string };

class Worker {
  private readonly child: ChildProcess;
  private listeners: ((m: Reply) => void)[] = [];
  constructor() {
    this.child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m) => {
      const r = m as Reply;
      if (r.error) throw new Error(`worker: ${r.error}`);
      for (const l of this.listeners) l(r);
    });
  }
  next(pred: (m: Reply) => boolean): Promise<Reply> {
    return new Promise((res) => {
      const l = (m: Reply): void => {
        if (!pred(m)) return;
        this.listeners = this.listeners.filter((x) => x !== l);
        res(m);
      };
      this.listeners.push(l);
    });
  }
  send(cmd: unknown): void {
    this.child.send(cmd as never);
  }
  close(): void {
    this.child.send({ cmd: 'close' });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const split = (n: number, k: number): number[] => Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));

async function withSubscribers(url: string, mode: 'raw' | 'sb', fire: () => Promise<void> | void, between: () => Promise<void>): Promise<number[]> {
  const workers = split(N, WORKERS).map(() => new Worker());
  const counts = split(N, WORKERS);
  const ready = workers.map((w) => w.next((m) => m.ready !== undefined));
  workers.forEach((w, i) => w.send({ cmd: 'subscribers', url, count: counts[i], mode, idPrefix: `bench-${mode}-${i}`, topic: TOPIC }));
  await Promise.all(ready);
  const times: number[] = [];
  // Round 0 warms up the JIT and is not counted.
  for (let r = 0; r <= ROUNDS; r++) {
    const done = workers.map((w) => w.next((m) => m.done === r));
    const t0 = Date.now();
    const p0 = performance.now();
    await fire();
    const replies = await Promise.all(done);
    // Wall clock of the last receiver (other process), bounded below by our own elapsed time.
    const elapsed = Math.max(...replies.map((x) => x.at! - t0), performance.now() - p0);
    if (r > 0) times.push(elapsed);
    await between();
  }
  for (const w of workers) w.close();
  return times;
}

function frameFor(round: number): unknown {
  return { kind: 'bench', round, pad: 'x'.repeat(64) };
}

async function fanOutBaseline(): Promise<number[]> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as { port: number }).port;
  const socks: WebSocket[] = [];
  wss.on('connection', (ws) => socks.push(ws));
  let round = 0;
  const times = await withSubscribers(`ws://127.0.0.1:${port}/`, 'raw', () => {
    const text = JSON.stringify({ type: 'message', topic: TOPIC, seq: round + 1, data: frameFor(round), publishedAt: new Date().toISOString() });
    round++;
    for (const ws of socks) ws.send(text);
  }, () => sleep(300));
  for (const ws of socks) ws.terminate();
  await new Promise((r) => wss.close(r));
  return times;
}

async function fanOutSwitchboard(dir: string): Promise<number[]> {
  const server = await startServer({
    name: 'bench',
    dataDir: join(dir, 'fanout'),
    logLevel: 'error',
    admin: { enabled: false },
    channels: [{ name: 'bench', address: 'ws://127.0.0.1:0/bench' }],
    pubsub: { topics: [{ name: TOPIC }] },
  });
  let round = 0;
  const inServer: number[] = [];
  try {
    const times = await withSubscribers(
      server.channelUrl('bench'),
      'sb',
      async () => {
        const t0 = performance.now();
        await server.pubsub.publish(TOPIC, frameFor(round++), { kind: 'admin', id: 'bench' });
        inServer.push(performance.now() - t0);
      },
      // Next round only once every subscriber's ack was processed, so acks do not overlap a measurement.
      async () => {
        await sleep(300);
        for (let i = 0; i < 200 && ((await server.pubsub.getTopic(TOPIC))?.depth ?? 0) > 0; i++) await sleep(50);
      },
    );
    console.log(`  (switchboard: commit + fan-out loop in the server process, median ${median(inServer).toFixed(1)} ms)`);
    return times;
  } finally {
    await server.close();
  }
}

async function throughput(dir: string): Promise<{ acksPerSec: number; failed: number }> {
  const server = await startServer({
    name: 'bench-tp',
    dataDir: join(dir, 'tp'),
    logLevel: 'error',
    admin: { enabled: false },
    channels: [{ name: 'bench', address: 'ws://127.0.0.1:0/bench' }],
    pubsub: { topics: [{ name: 'bench.tp' }] },
  });
  const w = new Worker();
  try {
    // One subscriber so each publish is really stored (a topic without subscribers stores nothing).
    const subReady = w.next((m) => m.ready !== undefined);
    w.send({ cmd: 'subscribers', url: server.channelUrl('bench'), count: 1, mode: 'sb', idPrefix: 'tp-sub', topic: 'bench.tp' });
    await subReady;
    const result = w.next((m) => m.acks !== undefined);
    const t0 = performance.now();
    w.send({ cmd: 'publishers', url: server.channelUrl('bench'), sockets: 50, inflight: 4, durationMs: SECONDS * 1000, topic: 'bench.tp' });
    const r = await result;
    return { acksPerSec: r.acks! / ((performance.now() - t0) / 1000), failed: r.failed! };
  } finally {
    w.close();
    await server.close();
  }
}

function sqliteBaseline(dir: string): number {
  const db = new Database(join(dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE m (topic TEXT, pos INTEGER, data TEXT, PRIMARY KEY (topic, pos)) WITHOUT ROWID');
  const ins = db.prepare('INSERT INTO m VALUES (?, ?, ?)');
  const one = db.transaction((i: number) => ins.run('t', i, JSON.stringify({ pad: 'x'.repeat(64) })));
  const t0 = performance.now();
  let i = 0;
  while (performance.now() - t0 < 2000) one(++i);
  const rate = i / ((performance.now() - t0) / 1000);
  db.close();
  return rate;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-pubsub-'));
  try {
    console.log(`pub/sub bench: ${N} subscribers in ${WORKERS} client processes, ${ROUNDS} rounds`);
    const base = await fanOutBaseline();
    console.log(`  bare ws broadcast     median ${median(base).toFixed(1)} ms  (${base.map((t) => t.toFixed(0)).join(', ')})`);
    const sb = await fanOutSwitchboard(dir);
    console.log(`  switchboard publish   median ${median(sb).toFixed(1)} ms  (${sb.map((t) => t.toFixed(0)).join(', ')})`);
    const ratio = median(sb) / median(base);
    console.log(`  fan-out ratio ${ratio.toFixed(2)}x  (goal ≤ 1.30x) ${ratio <= 1.3 ? 'MET' : 'NOT MET'}`);

    const raw = sqliteBaseline(dir);
    const tp = await throughput(dir);
    console.log(`durable publish throughput: ${tp.acksPerSec.toFixed(0)} acks/s over ${SECONDS}s (${tp.failed} failed)`);
    console.log(`  baseline: one SQLite transaction per message (synchronous=FULL): ${raw.toFixed(0)} commits/s`);
    console.log(`  ratio ${(tp.acksPerSec / raw).toFixed(2)}x of per-message commits (goal ≥ 1x thanks to group commit)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
