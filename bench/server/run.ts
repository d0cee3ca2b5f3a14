// npm run bench:server — Switchboard vs bare baselines (a `ws` echo server; a node:http server for admin pages), measured side by side in one run.
// Prints ratios against the goals; always exits 0 (a benchmark reports, it does not gate).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fetchText, measureAlternating } from './http-latency';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const TSX = ['--import', 'tsx'];
/** Connections per load process: each socket is a file descriptor, and a process may open 20,000. */
const PER_PROC = 5000;
const opt = (name: string, def: number): number => Number(process.env[name] ?? def);
const MEM_CONNS = opt('BENCH_MEM_CONNS', 10_000);
const REG_CONNS = opt('BENCH_REG_CONNS', 19_000);
const TP_MS = opt('BENCH_TP_MS', 3000);
/** Admin page requests measured (after HTTP_WARMUP unrecorded ones), each against the baseline too. */
const HTTP_ITER = opt('BENCH_HTTP_ITER', 1000);
const HTTP_WARMUP = opt('BENCH_HTTP_WARMUP', 200);
const ADMIN_TOKEN = 'bench-viewer-token-0001';
/** The page of issue 2's goal: a client-ID prefix filter (5000 of the connections match), 100 items. */
const PAGE_FILTER = 'bench-c0-*';
const PAGE_PATH = `/admin/v1/connections?clientId=${encodeURIComponent(PAGE_FILTER)}&limit=100`;

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

async function startServerProc(kind: 'bare' | 'http' | 'switchboard', host: string): Promise<{ child: ChildProcess; ready: Ready }> {
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
  await (sb.child.send({ type: 'list', clientId: PAGE_FILTER, iterations: 50 }), once(sb.child, 'list')); // warm-up
  const list = await (sb.child.send({ type: 'list', clientId: PAGE_FILTER, iterations: 500 }), once<{ times: number[]; total: number }>(sb.child, 'list'));

  // 4. The same page through the admin HTTP API, alternating with a bare node:http server (its own
  // process) that answers the very same bytes pre-serialized: the ratio is what the admin API adds
  // over loopback HTTP itself, whatever else the shared machine is doing at the time.
  if (!sb.ready.adminUrl) throw new Error('the switchboard bench server has no admin API');
  const admin = { url: sb.ready.adminUrl + PAGE_PATH, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
  const sample = await fetchText(admin.url, admin.headers);
  const baseline = await startServerProc('http', '127.0.0.1');
  await (baseline.child.send({ type: 'body', body: sample }), once(baseline.child, 'body'));
  const http = await measureAlternating(admin, { url: baseline.ready.url + PAGE_PATH }, { warmup: HTTP_WARMUP, iterations: HTTP_ITER });
  await stop(sb.child, baseline.child, ...sbClients);

  const ms = (x: number, d = 2): string => `${x.toFixed(d)} ms`;
  const pcts = (xs: number[], d = 2): string => `p50 ${ms(pct(xs, 50), d)}, p95 ${ms(pct(xs, 95), d)}, p99 ${ms(pct(xs, 99), d)}`;
  const ratio = (p: number): string => `${(pct(http.a.times, p) / pct(http.b.times, p)).toFixed(1)}x`;
  const page = JSON.parse(sample) as { items: unknown[]; total: number };
  const adminP50 = pct(http.a.times, 50);
  const adminP95 = pct(http.a.times, 95);
  const rows: [string, string, string, string, string][] = [
    ['request/response throughput', `${tp.bare.toFixed(0)} req/s (bare ws echo)`, `${tp.switchboard.toFixed(0)} req/s`, `${tpRatio.toFixed(2)}x`, '>= 0.8x'],
    [`idle memory per connection (${MEM_CONNS})`, `${(mem.bare / 1024).toFixed(1)} KB (bare ws)`, `${(mem.switchboard / 1024).toFixed(1)} KB`, `${memRatio.toFixed(2)}x`, '<= 1.5x'],
    [`admin HTTP page, clientId prefix (${count.count} conns)`, `${pcts(http.b.times)} (bare node:http)`, pcts(http.a.times), `p50 ${ratio(50)}, p95 ${ratio(95)}, p99 ${ratio(99)}`, '<= 5 ms (p95)'],
    ['  same page, registry.list in-process', '-', pcts(list.times, 3), '-', '(info)'],
  ];
  const head = ['measure', 'baseline', 'switchboard', 'ratio', 'goal'];
  const w = [0, 1, 2, 3, 4].map((i) => Math.max(...[head, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(w[i]!)).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log(`\nadmin page: GET ${PAGE_PATH} → ${page.items.length} items of ${page.total} matching (registry: ${list.total}), ${http.a.bodyBytes} bytes; baseline answers the same ${http.b.bodyBytes} bytes pre-serialized.`);
  console.log(`  ${HTTP_ITER} requests to each after ${HTTP_WARMUP} warm-up, alternating, node:http keep-alive client in the bench process; TCP sockets used: admin ${http.a.sockets}, baseline ${http.b.sockets} (1 = keep-alive held).`);
  console.log(`  admin page vs goal: p50 ${ms(adminP50)} (${((adminP50 / 5) * 100).toFixed(0)}% of 5 ms), p95 ${ms(adminP95)} (${((adminP95 / 5) * 100).toFixed(0)}% of 5 ms).`);
  console.log(`server RSS at ${MEM_CONNS}: bare ${mb(bareMem.mem.rss)}, switchboard ${mb(sbMem.mem.rss)}; heapUsed delta: bare ${mb(bareMem.mem.heapUsed - bare.ready.mem.heapUsed)}, switchboard ${mb(sbMem.mem.heapUsed - sb.ready.mem.heapUsed)}; external delta: bare ${mb(bareMem.mem.external - bare.ready.mem.external)}, switchboard ${mb(sbMem.mem.external - sb.ready.mem.external)}`);
  const ok = tpRatio >= 0.8 && memRatio <= 1.5 && adminP95 <= 5;
  console.log(ok ? 'all goals met' : 'some goals NOT met (see ratios above)');
  process.exit(0);
}

void main().catch((err: unknown) => {
  console.error('bench failed:', err);
  process.exit(0);
});
