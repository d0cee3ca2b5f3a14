// npm run bench:gateway [-- --gate]
//
// What: the Switchboard WebSocket gateway against nginx (and HAProxy when installed) as WebSocket
// proxies, side by side in one run on loopback, with the same upstream (a bare `ws` echo in its own
// process) and the same load process:
//  1. echo throughput: 16 connections × 16 messages in flight (64 bytes), counted over a window
//     after a warm-up, to: the upstream directly; the gateway in `raw` and in `frames` mode; nginx;
//     HAProxy. Rounds alternate targets; each round forks a fresh load process. Medians of rounds.
//  2. added latency: one socket, one 1-byte message at a time (unloaded); p50/p99 minus direct's.
//  3. memory per idle routed session at 5,000 sessions (both legs): the proxy's RSS growth after
//     GC (Switchboard) / as resident (nginx's worker, HAProxy), divided by the sessions.
// Exits 0 and prints MISS unless run with --gate.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ask, forkTs, once, stop } from '../lib/proc';
import { gateRequested, goalLines, median, met, pct, table, type Goal } from '../lib/stats';
import { rssOf, startHaproxy, startNginx, type Proxy } from './proxies';

const opt = (name: string, def: number): number => Number(process.env[name] ?? def);
const ROUNDS = opt('BENCH_GW_ROUNDS', 3);
const TP_MS = opt('BENCH_GW_TP_MS', 2000);
const WARMUP_MS = opt('BENCH_GW_WARMUP_MS', 500);
const PINGS = opt('BENCH_GW_PINGS', 2000);
const IDLE = opt('BENCH_GW_IDLE', 5000);
const HERE = import.meta.dirname;

interface TpResult { perSec: number; rtts: number[]; loadCores: number; gatewayCores?: number }

async function loadProc(): Promise<ChildProcess> {
  const child = forkTs(join(HERE, 'load-proc.ts'), []);
  await once(child, 'ready');
  return child;
}

const kb = (b: number): string => `${(b / 1024).toFixed(1)} KB`;
const f0 = (x: number): string => x.toFixed(0);
const f3 = (x: number): string => x.toFixed(3);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-gateway-'));
  const upstream = forkTs(join(HERE, 'upstream-proc.ts'), []);
  const { port } = await once<{ port: number }>(upstream, 'ready');
  const gw = forkTs(join(HERE, 'gateway-proc.ts'), [`ws://127.0.0.1:${port}`], ['--expose-gc']);
  const urls = await once<{ raw: string; frames: string }>(gw, 'ready');
  const optional = async (name: string, start: () => Promise<Proxy | null>): Promise<Proxy | null> => {
    try {
      return await start();
    } catch (err) {
      console.log(`${name} left out: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  };
  const proxies = (await Promise.all([optional('nginx', () => startNginx(dir, port)), optional('HAProxy', () => startHaproxy(dir, port))])).filter((p): p is Proxy => p !== null);
  const targets: { name: string; url: string }[] = [
    { name: 'direct', url: `ws://127.0.0.1:${port}/` },
    { name: 'gateway raw', url: `${urls.raw}/x` },
    { name: 'gateway frames', url: `${urls.frames}/x` },
    ...proxies.map((p) => ({ name: p.name, url: `${p.url}/x` })),
  ];
  console.log(`bench:gateway — ${ROUNDS} rounds × ${TP_MS} ms per target (16 conns × 16 in flight, 64 B), ${PINGS} unloaded pings, idle memory at ${IDLE} sessions`);
  console.log(`targets: ${targets.map((t) => t.name).join(', ')}\n`);

  try {
    // 1. Throughput.
    const tp = new Map<string, TpResult[]>(targets.map((t) => [t.name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const t of targets) {
        const load = await loadProc();
        const c0 = await ask<{ cpuMs: number }>(gw, { type: 'cpu' });
        const res = await ask<TpResult>(load, { type: 'tp', url: t.url, conns: 16, window: 16, bytes: 64, warmupMs: WARMUP_MS, durationMs: TP_MS });
        const c1 = await ask<{ cpuMs: number }>(gw, { type: 'cpu' });
        // The gateway's share of a core over warm-up and window (only meaningful for gateway targets).
        res.gatewayCores = (c1.cpuMs - c0.cpuMs) / (WARMUP_MS + TP_MS);
        tp.get(t.name)!.push(res);
        await stop(load);
      }
    }
    // 2. Unloaded latency.
    const lat = new Map<string, number[]>();
    const load = await loadProc();
    for (const t of targets) lat.set(t.name, (await ask<{ rtts: number[] }>(load, { type: 'ping', url: t.url, n: PINGS })).rtts.slice(PINGS / 10));
    await stop(load);
    const direct = lat.get('direct')!;
    const added = (name: string, p: number): number => pct(lat.get(name)!, p) - pct(direct, p);
    const tps = (name: string): number => median(tp.get(name)!.map((x) => x.perSec));

    console.log(table(
      ['target', 'msgs/s (median)', 'rounds', 'load cores', 'gateway cores', 'loaded p50', 'loaded p99', 'unloaded p50', 'added p50', 'added p99'],
      targets.map((t) => {
        const rs = tp.get(t.name)!;
        const all = rs.flatMap((x) => x.rtts);
        return [t.name, f0(tps(t.name)), rs.map((x) => f0(x.perSec)).join(', '), median(rs.map((x) => x.loadCores)).toFixed(2), t.name.startsWith('gateway') ? median(rs.map((x) => x.gatewayCores ?? 0)).toFixed(2) : '—', `${f3(pct(all, 50))} ms`, `${f3(pct(all, 99))} ms`, `${f3(pct(lat.get(t.name)!, 50))} ms`, t.name === 'direct' ? '—' : `${f3(added(t.name, 50))} ms`, t.name === 'direct' ? '—' : `${f3(added(t.name, 99))} ms`];
      }),
    ));

    // 3. Idle memory per routed session.
    const mem: { name: string; perSession: number }[] = [];
    const idleRound = async (name: string, url: string, reading: () => Promise<number>): Promise<void> => {
      const l = await loadProc();
      const before = await reading();
      const opened = await ask<{ open: number }>(l, { type: 'idle', url, conns: IDLE, parallel: 64 });
      await new Promise((r) => setTimeout(r, 500));
      const after = await reading();
      mem.push({ name, perSession: (after - before) / opened.open });
      await ask(l, { type: 'release' });
      await stop(l);
    };
    const gwRss = async (): Promise<number> => (await ask<{ rss: number }>(gw, { type: 'mem' })).rss;
    await idleRound('gateway raw', `${urls.raw}/idle`, gwRss);
    await new Promise((r) => setTimeout(r, 1000));
    await idleRound('gateway frames', `${urls.frames}/idle`, gwRss);
    for (const p of proxies) {
      const pid = p.workerPid();
      if (pid) await idleRound(p.name, `${p.url}/idle`, async () => rssOf(pid));
    }
    console.log(`\nidle memory per routed session at ${IDLE} (both legs, RSS growth):`);
    console.log(table(['proxy', 'per session'], mem.map((m) => [m.name, kb(m.perSession)])));

    // Goals.
    const nginx = proxies.find((p) => p.name === 'nginx');
    const goals: Goal[] = [];
    if (nginx) {
      goals.push({ name: 'raw throughput vs nginx', value: tps('gateway raw') / tps('nginx'), op: '>=', target: 0.9 });
      goals.push({ name: 'raw added p50 vs nginx', value: added('gateway raw', 50) / Math.max(1e-3, added('nginx', 50)), op: '<=', target: 1.2 });
      goals.push({ name: 'frames throughput vs nginx', value: tps('gateway frames') / tps('nginx'), op: '>=', target: 0.6 });
    }
    for (const m of mem.filter((x) => x.name.startsWith('gateway'))) goals.push({ name: `${m.name}: memory per idle session`, value: m.perSession / 1024, op: '<=', target: 30, unit: ' KB' });
    console.log(`\n${goalLines(goals).join('\n')}`);
    if (gateRequested() && !goals.every(met)) process.exitCode = 1;
  } finally {
    // nginx's master must stop its worker itself: SIGKILL would orphan it.
    await Promise.all(proxies.map((p) => new Promise<void>((r) => {
      if (p.child.exitCode !== null) return r();
      p.child.once('exit', () => r());
      p.child.kill('SIGTERM');
    })));
    await stop(gw, upstream);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
