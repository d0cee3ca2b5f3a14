/**
 * Fan-out of one publish to N subscribers: Switchboard against a bare `ws` broadcast, both up for
 * the whole phase, each server in its own process holding its own subscribers (client processes
 * split the sockets: 20,000 open files per process, ~28k ports per source/destination pair, so
 * each side gets its own loopback address). Rounds alternate sb, ws, sb, ws, … so the shared
 * machine's noise falls on both alike.
 *
 * Per round: the server process reads process.cpuUsage() and the wall clock, publishes (sb:
 * commit + fan-out; ws: the send loop), every client process reports when its last socket got the
 * frame, then the parent reads the server's CPU again. CPU per publish = that delta (user +
 * system): the server's own work, which the other processes on the machine cannot stretch the way
 * they stretch the wall time. Acks (sb) are sent only after that reading and measured apart.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ask, cpuMs, forkTs, once, stop } from '../lib/proc';
import type { ProfileSummary } from '../lib/profile';
import { Worker } from './worker-client';

const SERVER = join(import.meta.dirname, 'fanout-server.ts');
const TOPIC = 'bench.fanout';
/** A round whose frames have not all arrived by then is a broken bench, not a slow one. */
const ROUND_TIMEOUT_MS = 30_000;

export type SideKind = 'sb' | 'ws';

export interface FanoutRound {
  /** Publish start in the server to the last subscriber's receipt (another process). */
  wallMs: number;
  /** Server process CPU (user + system) from publish start until every subscriber had the frame. */
  cpuMs: number;
  /** cpuMs split: user (JavaScript, V8) and system (mostly the kernel's TCP send over loopback). */
  userMs: number;
  sysMs: number;
  /** The publish call itself inside the server (sb: until publish() resolved; ws: the send loop). */
  callMs: number;
  /** Server CPU spent on the subscribers' acks afterwards (sb only; 0 for ws). */
  ackCpuMs: number;
}

interface Side {
  kind: SideKind;
  child: ChildProcess;
  workers: Worker[];
  round: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const split = (n: number, k: number): number[] => Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Starts a server and its subscribers; the side joins `into` at once, so a failure part-way still stops what started. */
async function startSide(into: Side[], kind: SideKind, host: string, n: number, procs: number): Promise<Side> {
  const child = forkTs(SERVER, [kind, host, TOPIC]);
  const side: Side = { kind, child, workers: [], round: 0 };
  into.push(side);
  const { url } = await once<{ url: string }>(child, 'ready');
  const counts = split(n, procs);
  side.workers = counts.map(() => new Worker());
  const ready = side.workers.map((w) => w.next((m) => m.ready !== undefined));
  side.workers.forEach((w, i) => w.send({ cmd: 'subscribers', url, count: counts[i], mode: kind === 'sb' ? 'sb' : 'raw', idPrefix: `bench-${kind}-${i}`, topic: TOPIC }));
  await Promise.all(ready);
  return side;
}

async function publishRound(side: Side, profile: boolean): Promise<FanoutRound> {
  const r = side.round++;
  const done = side.workers.map((w) => w.next((m) => m.done === r));
  if (profile) await ask(side.child, { type: 'profile', action: 'start' });
  const pub = await ask<{ t0: number; c0: NodeJS.CpuUsage; loopMs: number; error?: string }>(side.child, { type: 'publish', round: r });
  if (pub.error) throw new Error(`${side.kind} publish failed: ${pub.error}`);
  const replies = await within(Promise.all(done), ROUND_TIMEOUT_MS, `${side.kind} round ${r}`);
  const c1 = await ask<{ cpu: NodeJS.CpuUsage }>(side.child, { type: 'cpu' });
  if (profile) await ask(side.child, { type: 'profile', action: 'stop' });
  let ackCpuMs = 0;
  if (side.kind === 'sb') {
    // Next round only once every subscriber's ack was processed, so acks never overlap a measurement.
    for (const w of side.workers) w.send({ cmd: 'ack' });
    const deadline = Date.now() + ROUND_TIMEOUT_MS;
    while ((await ask<{ depth: number }>(side.child, { type: 'depth' })).depth > 0) {
      if (Date.now() > deadline) throw new Error(`sb round ${r}: acks not all processed within ${ROUND_TIMEOUT_MS} ms`);
      await sleep(20);
    }
    ackCpuMs = cpuMs(c1.cpu, (await ask<{ cpu: NodeJS.CpuUsage }>(side.child, { type: 'cpu' })).cpu);
  }
  return {
    wallMs: Math.max(...replies.map((x) => x.at!)) - pub.t0,
    cpuMs: cpuMs(pub.c0, c1.cpu),
    userMs: (c1.cpu.user - pub.c0.user) / 1000,
    sysMs: (c1.cpu.system - pub.c0.system) / 1000,
    callMs: pub.loopMs,
    ackCpuMs,
  };
}

/** Server CPU per second while nothing is published (timers, pings): background that every window carries. */
async function idleCpu(sides: Side[], ms: number): Promise<number[]> {
  const read = (): Promise<NodeJS.CpuUsage[]> => Promise.all(sides.map(async (s) => (await ask<{ cpu: NodeJS.CpuUsage }>(s.child, { type: 'cpu' })).cpu));
  const c0 = await read();
  await sleep(ms);
  const c1 = await read();
  return sides.map((_, i) => (cpuMs(c0[i]!, c1[i]!) * 1000) / ms);
}

export interface FanoutResult {
  rounds: Record<SideKind, FanoutRound[]>;
  /** Server CPU ms per second of idleness, per side. */
  idle: Record<SideKind, number>;
  /** With profileRounds: each side's top self time over those extra rounds. */
  profile: Record<SideKind, ProfileSummary> | null;
}

/** `rounds` measured rounds per side after one warm-up each; `profileRounds` more rounds per side sampled, not counted. */
export async function fanOut(opts: { subscribers: number; procs: number; rounds: number; profileRounds: number; pauseMs: number }): Promise<FanoutResult> {
  const sides: Side[] = [];
  try {
    await startSide(sides, 'sb', '127.0.0.3', opts.subscribers, opts.procs);
    await startSide(sides, 'ws', '127.0.0.2', opts.subscribers, opts.procs);
    await sleep(500);
    const [idleSb, idleWs] = await idleCpu(sides, 2000);
    const rounds: Record<SideKind, FanoutRound[]> = { sb: [], ws: [] };
    for (let r = 0; r <= opts.rounds; r++) {
      for (const side of sides) {
        const res = await publishRound(side, false);
        if (r > 0) rounds[side.kind].push(res);
        await sleep(opts.pauseMs);
      }
    }
    let profile: Record<SideKind, ProfileSummary> | null = null;
    if (opts.profileRounds > 0) {
      for (let r = 0; r < opts.profileRounds; r++) for (const side of sides) await publishRound(side, true);
      const summary = async (s: Side): Promise<ProfileSummary> => (await ask<{ summary: ProfileSummary }>(s.child, { type: 'profile', action: 'summary' })).summary;
      profile = { sb: await summary(sides[0]!), ws: await summary(sides[1]!) };
    }
    return { rounds, idle: { sb: idleSb!, ws: idleWs! }, profile };
  } finally {
    await stop(...sides.map((s) => s.child), ...sides.flatMap((s) => s.workers.map((w) => w.child)));
  }
}
