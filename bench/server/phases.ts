// The measured phases of bench:server, each run for every server kind in alternating rounds.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ask, cpuMs, forkTs, once, stop } from '../lib/proc';
import type { ProfileSummary } from '../lib/profile';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** Connections per load process: each socket is a file descriptor, and a process may open 20,000. */
const PER_PROC = 5000;

export type Kind = 'switchboard' | 'bare' | 'sio';
export const KINDS: readonly Kind[] = ['switchboard', 'bare', 'sio'];
export const LABEL: Record<Kind, string> = { switchboard: 'Switchboard', bare: 'bare ws', sio: 'Socket.IO' };
const CLIENT: Record<Kind, 'ws' | 'sio'> = { switchboard: 'ws', bare: 'ws', sio: 'sio' };

interface Ready { url: string; adminUrl: string | null; mem: NodeJS.MemoryUsage }
export interface ServerProc { kind: Kind | 'http'; child: ChildProcess; ready: Ready }

export async function startServerProc(kind: Kind | 'http', host: string): Promise<ServerProc> {
  const child = forkTs(`${HERE}server-proc.ts`, [kind, host], ['--expose-gc']);
  return { kind, child, ready: await once<Ready>(child, 'ready') };
}

const load = (args: string[]): ChildProcess => forkTs(`${HERE}load-proc.ts`, args);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface TpRound {
  perSecond: number;
  /** Server CPU (user + system) per answered request, µs. */
  serverCpuUs: number;
  /** Share of one core each process used during the window. */
  serverCore: number;
  loadCore: number;
}

interface Mark { done: number; at: number; cpu: NodeJS.CpuUsage }
interface Cpu { cpu: NodeJS.CpuUsage; at: number }

/**
 * One throughput round against an already running server: a fresh load process opens `conns`
 * connections with `window` requests in flight each; after `warmupMs` the parent marks both
 * processes, and again `durationMs` later. With `profile`, the server samples its CPU in between.
 */
export async function throughputRound(srv: ServerProc, opts: { conns: number; window: number; warmupMs: number; durationMs: number; profile?: boolean }): Promise<TpRound> {
  const l = load(['throughput', CLIENT[srv.kind as Kind], srv.ready.url, String(opts.conns), String(opts.window)]);
  try {
    await once(l, 'running');
    await sleep(opts.warmupMs);
    if (opts.profile) await ask(srv.child, { type: 'profile', action: 'start' });
    const [m0, c0] = await Promise.all([ask<Mark>(l, { type: 'mark' }), ask<Cpu>(srv.child, { type: 'cpu' })]);
    await sleep(opts.durationMs);
    const [m1, c1] = await Promise.all([ask<Mark>(l, { type: 'mark' }), ask<Cpu>(srv.child, { type: 'cpu' })]);
    if (opts.profile) await ask(srv.child, { type: 'profile', action: 'stop' });
    const answered = m1.done - m0.done;
    const serverMs = cpuMs(c0.cpu, c1.cpu);
    return {
      perSecond: (answered * 1000) / (m1.at - m0.at),
      serverCpuUs: (serverMs * 1000) / answered,
      serverCore: serverMs / (c1.at - c0.at),
      loadCore: cpuMs(m0.cpu, m1.cpu) / (m1.at - m0.at),
    };
  } finally {
    await stop(l);
  }
}

export async function profileSummary(srv: ServerProc): Promise<ProfileSummary> {
  return (await ask<{ summary: ProfileSummary }>(srv.child, { type: 'profile', action: 'summary' })).summary;
}

/** Opens `count` idle logged-in connections from as many load processes as the file limit needs. */
export async function idleClients(srv: ServerProc, count: number, tag: string): Promise<ChildProcess[]> {
  const procs: ChildProcess[] = [];
  const waits: Promise<unknown>[] = [];
  for (let i = 0, k = 0; i < count; i += PER_PROC, k++) {
    const p = load(['idle', CLIENT[srv.kind as Kind], srv.ready.url, String(Math.min(PER_PROC, count - i)), `bench-${tag}${k}-`]);
    procs.push(p);
    waits.push(once(p, 'idle'));
  }
  try {
    await Promise.all(waits);
  } catch (err) {
    await stop(...procs);
    throw err;
  }
  return procs;
}

export interface MemRound {
  /** Per connection, bytes, after GC: growth since the server was ready. */
  rss: number;
  heap: number;
  rssTotal: number;
}

/**
 * One idle-memory round: a fresh server, `conns` idle connections, then the server's RSS and heap
 * (after GC) against its own reading when ready. With `keep`, the server and its clients stay up
 * for the caller (which must stop them).
 */
export async function memoryRound(kind: Kind, host: string, conns: number, tag: string, keep = false): Promise<{ round: MemRound; srv: ServerProc; clients: ChildProcess[] }> {
  const srv = await startServerProc(kind, host);
  let clients: ChildProcess[] = [];
  try {
    clients = await idleClients(srv, conns, tag);
    const { mem } = await ask<{ mem: NodeJS.MemoryUsage }>(srv.child, { type: 'mem' });
    const round = { rss: (mem.rss - srv.ready.mem.rss) / conns, heap: (mem.heapUsed - srv.ready.mem.heapUsed) / conns, rssTotal: mem.rss };
    if (!keep) await stop(srv.child, ...clients);
    return { round, srv, clients };
  } catch (err) {
    await stop(srv.child, ...clients);
    throw err;
  }
}
