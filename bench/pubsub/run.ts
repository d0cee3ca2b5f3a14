/**
 * npm run bench:pubsub [-- --gate] [-- --profile] — pub/sub, each against a baseline measured in the same run:
 *  1. fan-out: one publish to N subscribers (default 19,000) through Switchboard vs a bare `ws`
 *     broadcast of the same frame to as many sockets. Each server is its own process and reports
 *     its own CPU time (process.cpuUsage, user + system) from the start of the publish until the
 *     last subscriber has the frame; rounds alternate sb, ws, sb, ws, … (one warm-up each, not
 *     counted). The goal is on the median CPU time per publish (≤ 1.2x the broadcast's): the wall
 *     time is printed beside it, but on two shared cores it mostly measures the neighbours.
 *  2. durable publish throughput (acks/s, each ack after a committed SQLite transaction) vs
 *     one-transaction-per-message SQLite inserts on the same disk (what group commit buys).
 * Subscribers and publishers live in forked client processes (≤ 20,000 open files per process).
 * Exits 0 and prints MISS unless run with --gate. --profile: three more fan-out rounds per
 * side with the server's CPU sampled (not counted), top self time printed.
 * Env: SB_BENCH_SUBSCRIBERS, SB_BENCH_ROUNDS (≥ 5), SB_BENCH_WORKERS (client processes per side), SB_BENCH_SECONDS.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { profileLines } from '../lib/profile';
import { gateRequested, goalLines, list, median, met, profileRequested, spread, table, type Goal } from '../lib/stats';
import { startServer } from '../lib/switchboard';
import { fanOut, type FanoutRound } from './fanout';
import { Worker } from './worker-client';

const N = Number(process.env.SB_BENCH_SUBSCRIBERS ?? 19_000);
const ROUNDS = Math.max(5, Number(process.env.SB_BENCH_ROUNDS ?? 7));
const WORKERS = Number(process.env.SB_BENCH_WORKERS ?? 2);
const SECONDS = Number(process.env.SB_BENCH_SECONDS ?? 5);
const FANOUT_GOAL = 1.2;

async function throughput(dir: string): Promise<{ acksPerSec: number; failed: number }> {
  const server = await startServer({
    name: 'bench-tp',
    dataDir: join(dir, 'tp'),
    logLevel: 'error',
    admin: { enabled: false },
    channels: [{ name: 'bench', address: 'ws://127.0.0.1:0/bench' }],
    // Every load connection comes from one address: lift the per-address cap.
    channelListeners: { maxConnectionsPerIp: 0 },
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

function fanOutReport(rounds: Record<'sb' | 'ws', FanoutRound[]>, idle: Record<'sb' | 'ws', number>): Goal {
  const col = (xs: FanoutRound[], f: (r: FanoutRound) => number, d = 1): string => `${median(xs.map(f)).toFixed(d)} (${spread(xs.map(f), d)})`;
  const ratio = (f: (r: FanoutRound) => number): number => median(rounds.sb.map(f)) / median(rounds.ws.map(f));
  const cpu = (r: FanoutRound): number => r.cpuMs;
  const wall = (r: FanoutRound): number => r.wallMs;
  const call = (r: FanoutRound): number => r.callMs;
  // What the idle timers (session ticks, pings, stats) would have used over the same wall time.
  const netSb = (r: FanoutRound): number => r.cpuMs - (idle.sb * r.wallMs) / 1000;
  const netWs = (r: FanoutRound): number => r.cpuMs - (idle.ws * r.wallMs) / 1000;
  console.log(table(['per publish, ms: median (min–max)', 'Switchboard', 'bare ws broadcast', 'ratio'], [
    ['server CPU time (user + system)', col(rounds.sb, cpu), col(rounds.ws, cpu), `${ratio(cpu).toFixed(2)}x`],
    ['  user (JavaScript)', col(rounds.sb, (r) => r.userMs), col(rounds.ws, (r) => r.userMs), `${ratio((r) => r.userMs).toFixed(2)}x`],
    ['  system (kernel: TCP over loopback)', col(rounds.sb, (r) => r.sysMs), col(rounds.ws, (r) => r.sysMs), `${ratio((r) => r.sysMs).toFixed(2)}x`],
    ['wall time to the last subscriber', col(rounds.sb, wall), col(rounds.ws, wall), `${ratio(wall).toFixed(2)}x`],
    ['  publish call in the server', col(rounds.sb, call), col(rounds.ws, call), `${ratio(call).toFixed(2)}x`],
    ['  CPU net of the idle background', col(rounds.sb, netSb), col(rounds.ws, netWs), `${(median(rounds.sb.map(netSb)) / median(rounds.ws.map(netWs))).toFixed(2)}x`],
    ['  acks afterwards, server CPU (not counted)', col(rounds.sb, (r) => r.ackCpuMs), '-', '-'],
    ['  idle server CPU, ms per second', idle.sb.toFixed(1), idle.ws.toFixed(1), '-'],
  ]));
  const paired = rounds.sb.map((r, i) => r.cpuMs / rounds.ws[i]!.cpuMs);
  console.log(`  CPU ms per round, sb: ${list(rounds.sb.map(cpu), 1)}; ws: ${list(rounds.ws.map(cpu), 1)}; paired sb/ws ${list(paired, 2)}`);
  console.log(`  wall ms per round, sb: ${list(rounds.sb.map(wall))}; ws: ${list(rounds.ws.map(wall))}`);
  return { name: `fan-out CPU time per publish vs bare ws broadcast (${N} subscribers)`, value: ratio(cpu), op: '<=', target: FANOUT_GOAL };
}

async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-pubsub-'));
  try {
    console.log(`pub/sub bench: fan-out to ${N} subscribers (${WORKERS} client processes per side), ${ROUNDS} rounds each, alternating Switchboard, bare ws, …\n`);
    const fan = await fanOut({ subscribers: N, procs: WORKERS, rounds: ROUNDS, profileRounds: profileRequested() ? 3 : 0, pauseMs: 200 });
    const goals = [fanOutReport(fan.rounds, fan.idle)];

    const raw = sqliteBaseline(dir);
    const tp = await throughput(dir);
    console.log(`\ndurable publish throughput: ${tp.acksPerSec.toFixed(0)} acks/s over ${SECONDS}s (${tp.failed} failed)`);
    console.log(`  baseline: one SQLite transaction per message (synchronous=FULL): ${raw.toFixed(0)} commits/s`);
    goals.push({ name: 'durable publish throughput vs per-message commits (group commit)', value: tp.acksPerSec / raw, op: '>=', target: 1 });

    console.log(`\ngoals:\n${goalLines(goals).join('\n')}`);
    if (fan.profile) {
      console.log('\nCPU profiles, 3 more fan-out rounds per side (not counted above), from publish until the last subscriber had it:');
      console.log(`Switchboard server:\n${profileLines(fan.profile.sb).join('\n')}`);
      console.log(`bare ws broadcast server:\n${profileLines(fan.profile.ws).join('\n')}`);
    }
    console.log(`\nbench:pubsub took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (gateRequested() && goals.some((g) => !met(g))) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
