// npm run bench:server — Switchboard vs a bare `ws` echo server, measured side by side in one run.
// Prints ratios against the goals; always exits 0 (a benchmark reports, it does not gate).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const TSX = ['--import', 'tsx'];
/** Connections per load process: each socket is a file descriptor, and a process may open 20,000. */
const PER_PROC = 5000;
const opt = (name: string, def: number): number => Number(process.env[name] ?? def);
const MEM_CONNS = opt('BENCH_MEM_CONNS', 10_000);
const REG_CONNS = opt('BENCH_REG_CONNS', 19_000);
const TP_MS = opt('BENCH_TP_MS', 3000);

interface Ready { url: string; adminUrl: string | null; mem: NodeJS.MemoryUsage }

function once<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: { type: string }): void => {
      if (m.type !== type) return;
      child.off('message', onMsg);
      resolve(m as T);
    };
    child.on('message', onMsg);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) while waiting for ${type}`)));
  });
}

async function startServerProc(kind: 'bare' | 'switchboard', host: string): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(`${HERE}server-proc.ts`, [kind, host], { execArgv: [...TSX, '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return { child, ready: await once<Ready>(child, 'ready') };
}

function load(args: string[]): ChildProcess {
  return fork(`${HERE}load-proc.ts`, args, { execArgv: TSX, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function stop(...children: ChildProcess[]): Promise<void> {
  return Promise.all(children.map((c) => new Promise<void>((r) => {
    if (c.exitCode !== null) return r();
    c.once('exit', () => r());
    c.kill('SIGKILL');
  }))).then(() => undefined);
}

async function throughput(kind: 'bare' | 'switchboard'): Promise<number> {
  const { child, ready } = await startServerProc(kind, '127.0.0.1');
  const l = load(['throughput', ready.url, '16', '32', String(TP_MS)]);
  const r = await once<{ perSecond: number }>(l, 'throughput');
  await stop(child, l); // server first: its side takes the TIME_WAITs, not our ephemeral ports
  return r.perSecond;
}

async function idleClients(url: string, count: number, tag: string): Promise<ChildProcess[]> {
  const procs: ChildProcess[] = [];
  const waits: Promise<unknown>[] = [];
  for (let i = 0, k = 0; i < count; i += PER_PROC, k++) {
    const p = load(['idle', url, String(Math.min(PER_PROC, count - i)), `bench-${tag}${k}-`]);
    procs.push(p);
    waits.push(once(p, 'idle'));
  }
  await Promise.all(waits);
  return procs;
}

const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

async function main(): Promise<void> {
  console.log(`bench:server — ${MEM_CONNS} idle connections for memory, ${REG_CONNS} for the registry, ${TP_MS} ms throughput runs\n`);

  // 1. Request/response throughput (three alternating rounds, best of each, to dampen noise from a shared CPU).
  const tp = { bare: 0, switchboard: 0 };
  for (let round = 0; round < 3; round++) {
    for (const kind of ['bare', 'switchboard'] as const) tp[kind] = Math.max(tp[kind], await throughput(kind));
  }
  const tpRatio = tp.switchboard / tp.bare;

  // 2. Idle memory per logged-in connection.
  const mem = { bare: 0, switchboard: 0 };
  const bare = await startServerProc('bare', '127.0.0.2');
  const bareClients = await idleClients(bare.ready.url, MEM_CONNS, 'a');
  const bareMem = await (bare.child.send({ type: 'mem' }), once<{ mem: NodeJS.MemoryUsage }>(bare.child, 'mem'));
  mem.bare = (bareMem.mem.rss - bare.ready.mem.rss) / MEM_CONNS;
  await stop(bare.child, ...bareClients);

  const sb = await startServerProc('switchboard', '127.0.0.3');
  const sbClients = await idleClients(sb.ready.url, MEM_CONNS, 'b');
  const sbMem = await (sb.child.send({ type: 'mem' }), once<{ mem: NodeJS.MemoryUsage }>(sb.child, 'mem'));
  mem.switchboard = (sbMem.mem.rss - sb.ready.mem.rss) / MEM_CONNS;
  const memRatio = mem.switchboard / mem.bare;

  // 3. Registry page latency with a clientId prefix filter at ~19k connections.
  sbClients.push(...(await idleClients(sb.ready.url, REG_CONNS - MEM_CONNS, 'c')));
  const count = await (sb.child.send({ type: 'count' }), once<{ count: number }>(sb.child, 'count'));
  await (sb.child.send({ type: 'list', clientId: 'bench-c0-*', iterations: 50 }), once(sb.child, 'list')); // warm-up
  const list = await (sb.child.send({ type: 'list', clientId: 'bench-c0-*', iterations: 500 }), once<{ times: number[]; total: number }>(sb.child, 'list'));
  const httpTimes: number[] = [];
  for (let i = 0; i < 50 && sb.ready.adminUrl; i++) {
    const t0 = performance.now();
    const res = await fetch(`${sb.ready.adminUrl}/admin/v1/connections?clientId=bench-c0-*&limit=100`, { headers: { authorization: 'Bearer bench-viewer-token-0001' } });
    await res.json();
    httpTimes.push(performance.now() - t0);
  }
  await stop(sb.child, ...sbClients);

  const listP50 = pct(list.times, 50);
  const listP95 = pct(list.times, 95);
  const listP99 = pct(list.times, 99);
  const rows: [string, string, string, string, string][] = [
    ['request/response throughput', `${tp.bare.toFixed(0)} req/s`, `${tp.switchboard.toFixed(0)} req/s`, `${tpRatio.toFixed(2)}x`, '>= 0.8x'],
    [`idle memory per connection (${MEM_CONNS})`, `${(mem.bare / 1024).toFixed(1)} KB`, `${(mem.switchboard / 1024).toFixed(1)} KB`, `${memRatio.toFixed(2)}x`, '<= 1.5x'],
    [`registry page, clientId prefix (${count.count} conns, ${list.total} match)`, '-', `p50 ${listP50.toFixed(3)} ms, p95 ${listP95.toFixed(3)} ms, p99 ${listP99.toFixed(3)} ms`, '-', '<= 5 ms'],
  ];
  if (httpTimes.length) rows.push(['  same via admin HTTP (incl. JSON + fetch)', '-', `p50 ${pct(httpTimes, 50).toFixed(2)} ms, p99 ${pct(httpTimes, 99).toFixed(2)} ms`, '-', '(info)']);
  const w = [0, 1, 2, 3, 4].map((i) => Math.max(...[['measure', 'bare ws echo', 'switchboard', 'ratio', 'goal'], ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(w[i]!)).join('  ');
  console.log(line(['measure', 'bare ws echo', 'switchboard', 'ratio', 'goal']));
  for (const r of rows) console.log(line(r));
  console.log(`\nserver RSS at ${MEM_CONNS}: bare ${mb(bareMem.mem.rss)}, switchboard ${mb(sbMem.mem.rss)}; heapUsed delta: bare ${mb(bareMem.mem.heapUsed - bare.ready.mem.heapUsed)}, switchboard ${mb(sbMem.mem.heapUsed - sb.ready.mem.heapUsed)}; external delta: bare ${mb(bareMem.mem.external - bare.ready.mem.external)}, switchboard ${mb(sbMem.mem.external - sb.ready.mem.external)}`);
  const ok = tpRatio >= 0.8 && memRatio <= 1.5 && listP95 <= 5;
  console.log(ok ? 'all goals met' : 'some goals NOT met (see ratios above)');
  process.exit(0);
}

void main().catch((err: unknown) => {
  console.error('bench failed:', err);
  process.exit(0);
});
