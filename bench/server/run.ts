// npm run bench:server [-- --gate] [-- --profile]
//
// What: Switchboard against two baselines measured in the same run — a bare `ws` echo server (the
// floor) and a Socket.IO server (what a user would pick instead) — plus the admin API against a
// bare node:http server answering the same bytes.
//  1. request/response throughput: 16 connections × 32 requests in flight, the same JSON payload;
//     Switchboard's echo service, the ws server echoing the frame, Socket.IO answering an event
//     through its ack (socket.io-client's emitWithAck). Each server runs for the whole phase in its
//     own process; every round forks a fresh load process, warms up, then counts responses over a
//     fixed window. Also the server's CPU time per request (process.cpuUsage) and how much of a core
//     the server and the load used: a load near 1.0 core means the client, not the server, set the pace.
//  2. idle memory per connection: a fresh server per round, 10k logged-in idle connections (Socket.IO:
//     connected sockets, websocket transport only), the server's RSS growth since ready after GC,
//     divided by the connections (heapUsed growth too, for information).
//  3. the admin connections page with a clientId prefix filter at ~19k connections, over HTTP,
//     alternating request by request with the bare node:http baseline.
// Rounds alternate Switchboard, ws, Socket.IO, Switchboard, … and the report gives medians and the
// spread (min–max) of the rounds: this machine's two cores are shared, so one round says little.
// Servers and loads are separate processes; 10k connections are split over load processes (20,000
// open files each) and loopback addresses. Exits 0 and prints MISS unless run with --gate.
// --profile: one more throughput round per server with its CPU sampled (not counted), top self time printed.
import { fetchText, measureAlternating } from './http-latency';
import { ask, stop } from '../lib/proc';
import { profileLines } from '../lib/profile';
import { gateRequested, goalLines, list, median, met, pct, profileRequested, spread, table, type Goal } from '../lib/stats';
import { idleClients, KINDS, LABEL, memoryRound, profileSummary, startServerProc, throughputRound, type Kind, type MemRound, type TpRound } from './phases';

const opt = (name: string, def: number): number => Number(process.env[name] ?? def);
const MEM_CONNS = opt('BENCH_MEM_CONNS', 10_000);
const REG_CONNS = opt('BENCH_REG_CONNS', 19_000);
const TP_ROUNDS = opt('BENCH_TP_ROUNDS', 5);
const TP_MS = opt('BENCH_TP_MS', 2000);
const TP_WARMUP_MS = opt('BENCH_TP_WARMUP_MS', 700);
const MEM_ROUNDS = opt('BENCH_MEM_ROUNDS', 3);
/** Admin page requests measured (after HTTP_WARMUP unrecorded ones), each against the baseline too. */
const HTTP_ITER = opt('BENCH_HTTP_ITER', 1000);
const HTTP_WARMUP = opt('BENCH_HTTP_WARMUP', 200);
const ADMIN_TOKEN = 'bench-viewer-token-0001';
/** The page of issue 2's goal: a client-ID prefix filter (5000 of the connections match), 100 items. */
const PAGE_FILTER = 'bench-c0-*';
const PAGE_PATH = `/admin/v1/connections?clientId=${encodeURIComponent(PAGE_FILTER)}&limit=100`;
const TP_LOAD = { conns: 16, window: 32, warmupMs: TP_WARMUP_MS, durationMs: TP_MS };
/** One loopback address per kind for the idle phase, so no two servers share a source/destination pair. */
const MEM_HOST: Record<Kind, string> = { switchboard: '127.0.0.3', bare: '127.0.0.2', sio: '127.0.0.4' };

const kb = (b: number): string => `${(b / 1024).toFixed(1)} KB`;
const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;
const ms = (x: number, d = 2): string => `${x.toFixed(d)} ms`;
const pcts = (xs: number[], d = 2): string => `p50 ${ms(pct(xs, 50), d)}, p95 ${ms(pct(xs, 95), d)}, p99 ${ms(pct(xs, 99), d)}`;
const byKind = <T>(f: (k: Kind) => T): Record<Kind, T> => ({ switchboard: f('switchboard'), bare: f('bare'), sio: f('sio') });

async function main(): Promise<void> {
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  console.log(`bench:server — throughput ${TP_ROUNDS} rounds × ${TP_MS} ms per server, idle memory ${MEM_ROUNDS} rounds × ${MEM_CONNS} connections, registry at ${REG_CONNS}`);
  console.log(`rounds alternate ${KINDS.map((k) => LABEL[k]).join(', ')}, …\n`);

  // 1. Request/response throughput.
  const tp = byKind((): TpRound[] => []);
  const servers = await Promise.all(KINDS.map((k) => startServerProc(k, '127.0.0.1')));
  const profile: string[] = [];
  try {
    for (let r = 0; r < TP_ROUNDS; r++) {
      for (const srv of servers) tp[srv.kind as Kind].push(await throughputRound(srv, TP_LOAD));
      console.log(`  throughput round ${r + 1}: ${KINDS.map((k) => `${LABEL[k]} ${tp[k][r]!.perSecond.toFixed(0)}`).join(', ')} req/s  (${elapsed()})`);
    }
    if (profileRequested()) {
      for (const srv of servers) {
        await throughputRound(srv, { ...TP_LOAD, profile: true });
        profile.push(`${LABEL[srv.kind as Kind]} server, one more throughput round (not counted above):`, ...profileLines(await profileSummary(srv)));
      }
    }
  } finally {
    await stop(...servers.map((s) => s.child));
  }

  // 2. Idle memory per connection; the last Switchboard round's server stays up for the registry phase.
  const mem = byKind((): MemRound[] => []);
  let kept: Awaited<ReturnType<typeof memoryRound>> | null = null;
  for (let r = 0; r < MEM_ROUNDS; r++) {
    for (const k of KINDS) {
      const last = r === MEM_ROUNDS - 1 && k === 'switchboard';
      const res = await memoryRound(k, MEM_HOST[k], MEM_CONNS, 'c', last);
      mem[k].push(res.round);
      if (last) kept = res;
    }
    console.log(`  memory round ${r + 1}: ${KINDS.map((k) => `${LABEL[k]} ${kb(mem[k][r]!.rss)}`).join(', ')} per connection  (${elapsed()})`);
  }

  // 3. Registry page latency with a clientId prefix filter at ~19k connections.
  const sb = kept!;
  sb.clients.push(...(await idleClients(sb.srv, REG_CONNS - MEM_CONNS, 'reg')));
  const count = await ask<{ count: number }>(sb.srv.child, { type: 'count' });
  await ask(sb.srv.child, { type: 'list', clientId: PAGE_FILTER, iterations: 50 }); // warm-up
  const reg = await ask<{ times: number[]; total: number }>(sb.srv.child, { type: 'list', clientId: PAGE_FILTER, iterations: 500 });

  // 4. The same page through the admin HTTP API, alternating with a bare node:http server (its own
  // process) that answers the very same bytes pre-serialized: the ratio is what the admin API adds
  // over loopback HTTP itself, whatever else the shared machine is doing at the time.
  if (!sb.srv.ready.adminUrl) throw new Error('the switchboard bench server has no admin API');
  const admin = { url: sb.srv.ready.adminUrl + PAGE_PATH, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
  const sample = await fetchText(admin.url, admin.headers);
  const baseline = await startServerProc('http', '127.0.0.1');
  await ask(baseline.child, { type: 'body', body: sample });
  const http = await measureAlternating(admin, { url: baseline.ready.url + PAGE_PATH }, { warmup: HTTP_WARMUP, iterations: HTTP_ITER });
  await stop(sb.srv.child, baseline.child, ...sb.clients);

  // Report.
  const med = {
    tp: byKind((k) => median(tp[k].map((x) => x.perSecond))),
    cpu: byKind((k) => median(tp[k].map((x) => x.serverCpuUs))),
    rss: byKind((k) => median(mem[k].map((x) => x.rss))),
    heap: byKind((k) => median(mem[k].map((x) => x.heap))),
  };
  const ratio = (m: Record<Kind, number>, base: Kind): number => m.switchboard / m[base];
  const x = (v: number): string => `${v.toFixed(2)}x`;
  const tpCell = (k: Kind): string => `${med.tp[k].toFixed(0)} (${spread(tp[k].map((t) => t.perSecond))})`;
  const cores = (k: Kind): string => `${median(tp[k].map((t) => t.serverCore)).toFixed(2)} / ${median(tp[k].map((t) => t.loadCore)).toFixed(2)}`;
  const memCell = (k: Kind, f: 'rss' | 'heap'): string => `${kb(med[f][k])} (${spread(mem[k].map((m) => m[f] / 1024), 1)})`;
  console.log(`\nmedians of the rounds (min–max in brackets); ratios are Switchboard's median over the baseline's\n`);
  console.log(table(['measure', 'Switchboard', 'bare ws', 'Socket.IO', 'vs ws', 'vs Socket.IO'], [
    ['request/response, req/s', tpCell('switchboard'), tpCell('bare'), tpCell('sio'), x(ratio(med.tp, 'bare')), x(ratio(med.tp, 'sio'))],
    ['  server CPU per request', `${med.cpu.switchboard.toFixed(1)} µs`, `${med.cpu.bare.toFixed(1)} µs`, `${med.cpu.sio.toFixed(1)} µs`, x(ratio(med.cpu, 'bare')), x(ratio(med.cpu, 'sio'))],
    ['  cores used, server / load', cores('switchboard'), cores('bare'), cores('sio'), '', ''],
    [`idle RSS per connection (${MEM_CONNS})`, memCell('switchboard', 'rss'), memCell('bare', 'rss'), memCell('sio', 'rss'), x(ratio(med.rss, 'bare')), x(ratio(med.rss, 'sio'))],
    ['  heapUsed per connection', memCell('switchboard', 'heap'), memCell('bare', 'heap'), memCell('sio', 'heap'), x(ratio(med.heap, 'bare')), x(ratio(med.heap, 'sio'))],
  ]));
  const paired = (base: Kind): string => list(tp.switchboard.map((t, i) => t.perSecond / tp[base][i]!.perSecond), 2);
  console.log(`  throughput per round, Switchboard over the baseline of the same round: vs ws ${paired('bare')}; vs Socket.IO ${paired('sio')}`);
  for (const k of KINDS) console.log(`  ${LABEL[k]}: req/s per round ${list(tp[k].map((t) => t.perSecond))}; server RSS at ${MEM_CONNS}: ${mem[k].map((m) => mb(m.rssTotal)).join(', ')}`);

  const adminP95 = pct(http.a.times, 95);
  const pr = (p: number): string => `${(pct(http.a.times, p) / pct(http.b.times, p)).toFixed(1)}x`;
  const page = JSON.parse(sample) as { items: unknown[]; total: number };
  console.log('');
  console.log(table(['admin page', 'Switchboard', 'bare node:http', 'ratio'], [
    [`HTTP, clientId prefix (${count.count} conns)`, pcts(http.a.times), pcts(http.b.times), `p50 ${pr(50)}, p95 ${pr(95)}, p99 ${pr(99)}`],
    ['  registry.list in-process', pcts(reg.times, 3), '-', '-'],
  ]));
  console.log(`  GET ${PAGE_PATH} → ${page.items.length} items of ${page.total} matching (registry: ${reg.total}), ${http.a.bodyBytes} bytes; baseline answers the same ${http.b.bodyBytes} bytes pre-serialized.`);
  console.log(`  ${HTTP_ITER} requests to each after ${HTTP_WARMUP} warm-up, alternating, one keep-alive socket each (used: admin ${http.a.sockets}, baseline ${http.b.sockets}).`);

  const goals: Goal[] = [
    { name: 'throughput vs bare ws', value: ratio(med.tp, 'bare'), op: '>=', target: 1.0 },
    { name: 'idle memory per connection vs bare ws', value: ratio(med.rss, 'bare'), op: '<=', target: 1.2 },
    { name: 'throughput vs Socket.IO', value: ratio(med.tp, 'sio'), op: '>=', target: 1.5 },
    { name: 'idle memory per connection vs Socket.IO', value: ratio(med.rss, 'sio'), op: '<=', target: 0.5 },
    { name: 'admin page p95', value: adminP95, op: '<=', target: 5, unit: ' ms' },
  ];
  console.log(`\ngoals:\n${goalLines(goals).join('\n')}`);
  if (profile.length) console.log(`\n${profile.join('\n')}`);
  console.log(`\nbench:server took ${elapsed()}`);
  const missed = goals.filter((g) => !met(g)).length;
  process.exit(missed && gateRequested() ? 1 : 0);
}

void main().catch((err: unknown) => {
  console.error('bench failed:', err);
  process.exit(1);
});
