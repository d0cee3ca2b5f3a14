// npm run bench:cluster — a real cluster on one machine: a private redis-server and three server
// processes (nodeTtlMs 1000), CLUSTER_CLIENTS demo clients per node (default 1000). Reports, through
// the admin API of a node that does not own the connection versus the one that does:
//   - invoke latency, routed vs local (the routed overhead is the difference of the medians)
//   - an admin page with a client-ID filter through any node (p95)
//   - one publish fanned out to every subscriber on all three nodes (time until the last got it)
// Then the same number of clients on one standalone process, in the same run, as the baseline.
// The issue's full-scale figures (4 × 15,000 connections, Socket.IO side by side) need more open
// files and cores than this machine gives a run; CLUSTER_CLIENTS scales it up.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoSwarm, type DemoSwarm } from '../../client/demo-swarm';
import type { ConnectionList } from '../../protocol/admin-connections';
import { NodeProcess, PrivateRedis, writeSharedKey } from '../../test/integration/cluster/harness';
import { median, pct, table } from '../lib/stats';

const PER_NODE = Number(process.env.CLUSTER_CLIENTS ?? 1000);
const ROUNDS = 300;

const rssMb = (pid: number | undefined): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

/** One publish to every client of `swarms`: ms until the last one got it. */
async function fanoutOnce(via: NodeProcess, swarms: readonly DemoSwarm[], round: number): Promise<number> {
  const clients = swarms.flatMap((s) => s.clients);
  let got = 0;
  const all = new Promise<void>((res) => {
    for (const c of clients) {
      const on = (f: { type: string; data?: unknown }) => {
        if (f.type !== 'message' || (f.data as { round?: number } | null)?.round !== round) return;
        c.off('frame', on as never);
        if (++got === clients.length) res();
      };
      c.on('frame', on as never);
    }
  });
  const t0 = performance.now();
  const r = await via.api('POST', '/topics/news/messages', { data: { round } });
  if (r.status !== 200) throw new Error(`publish ${r.status}`);
  await all;
  return performance.now() - t0;
}

/** The same clients on one standalone server process: the baseline of this run. */
async function standalone(dir: string, clients: number): Promise<{ fanout: number[]; invoke: number[]; rssPerConnKiB: number }> {
  const solo = await NodeProcess.start(dir, 'solo', 'redis://unused', { mode: 'standalone', cluster: undefined });
  const swarms: DemoSwarm[] = [];
  try {
    const idle = rssMb(solo.child.pid);
    swarms.push(await startDemoSwarm({ url: solo.channelUrl, clients, clientIdPrefix: 'solo-', subscribe: ['news'], reconnect: false }));
    const loaded = rssMb(solo.child.pid);
    const target = (await solo.api<ConnectionList>('GET', '/connections?clientId=solo-0001')).body.items[0]!.connectionId;
    const invoke = await timed(ROUNDS, async () => {
      const r = await solo.api('POST', `/connections/${target}/invoke`, { data: 'ping', timeoutMs: 5000 });
      if (r.status !== 200) throw new Error(`invoke ${r.status}`);
    });
    const fanout: number[] = [];
    for (let round = 0; round < 5; round++) fanout.push(await fanoutOnce(solo, swarms, round));
    return { fanout, invoke, rssPerConnKiB: ((loaded - idle) * 1024) / clients };
  } finally {
    for (const s of swarms) await s.close();
    await solo.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-cluster-'));
  writeSharedKey(dir);
  const redis = await PrivateRedis.start();
  const nodes: NodeProcess[] = [];
  const swarms: DemoSwarm[] = [];
  try {
    nodes.push(await NodeProcess.start(dir, 'a', redis.url));
    nodes.push(...(await Promise.all(['b', 'c'].map((id) => NodeProcess.start(dir, id, redis.url)))));
    const idle = nodes.map((n) => rssMb(n.child.pid));
    for (const n of nodes) swarms.push(await startDemoSwarm({ url: n.channelUrl, clients: PER_NODE, clientIdPrefix: `${n.nodeId}-`, subscribe: ['news'], reconnect: false }));
    const [a, b] = nodes as [NodeProcess, NodeProcess];
    for (;;) {
      const total = (await a.api<ConnectionList>('GET', '/connections?limit=1')).body.total;
      if (total === 3 * PER_NODE) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const loaded = nodes.map((n) => rssMb(n.child.pid));

    const target = (await a.api<ConnectionList>('GET', '/connections?clientId=a-0001')).body.items[0]!.connectionId;
    const invoke = (via: NodeProcess) => async () => {
      const r = await via.api('POST', `/connections/${target}/invoke`, { data: 'ping', timeoutMs: 5000 });
      if (r.status !== 200) throw new Error(`invoke ${r.status}`);
    };
    await timed(50, invoke(a));
    await timed(50, invoke(b));
    // Interleaved, so load on the shared machine hits both alike.
    const local: number[] = [];
    const routed: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      local.push(...(await timed(1, invoke(a))));
      routed.push(...(await timed(1, invoke(b))));
    }

    const pages = await timed(ROUNDS, async (i) => {
      const id = `${['a', 'b', 'c'][i % 3]}-${String(1 + (i * 7) % PER_NODE).padStart(4, '0')}`;
      const r = await nodes[(i + 1) % 3]!.api<ConnectionList>('GET', `/connections?clientId=${id}`);
      if (r.body.items.length !== 1) throw new Error(`page for ${id}: ${r.body.items.length}`);
    });
    const prefixPages = await timed(100, async (i) => {
      const r = await nodes[i % 3]!.api<ConnectionList>('GET', `/connections?clientId=b-00*&limit=100`);
      if (r.body.items.length === 0) throw new Error('empty prefix page');
    });

    const clients = swarms.flatMap((s) => s.clients);
    const fanout: number[] = [];
    for (let round = 0; round < 5; round++) fanout.push(await fanoutOnce(a, swarms, round));
    const perConn = nodes.map((_, i) => ((loaded[i]! - idle[i]!) * 1024) / PER_NODE);
    for (const s of swarms.splice(0)) await s.close();
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    const base = await standalone(dir, 3 * PER_NODE);

    const ms = (x: number) => `${x.toFixed(2)} ms`;
    process.stdout.write(`\ncluster: 3 nodes × ${PER_NODE} clients = ${3 * PER_NODE} connections, private Redis\n\n`);
    process.stdout.write(table(['measure', 'p50', 'p95'], [
      ['invoke via the owning node (local)', ms(median(local)), ms(pct(local, 95))],
      ['invoke via another node (routed)', ms(median(routed)), ms(pct(routed, 95))],
      ['admin page, exact client-ID filter, any node', ms(median(pages)), ms(pct(pages, 95))],
      ['admin page, client-ID prefix (100 rows), any node', ms(median(prefixPages)), ms(pct(prefixPages, 95))],
      [`one publish to ${clients.length} subscribers on 3 nodes`, ms(median(fanout)), ms(Math.max(...fanout))],
      [`baseline: one standalone process, invoke`, ms(median(base.invoke)), ms(pct(base.invoke, 95))],
      [`baseline: one publish to ${clients.length} subscribers on it`, ms(median(base.fanout)), ms(Math.max(...base.fanout))],
    ]) + '\n\n');
    process.stdout.write(`fan-out speed, cluster vs one standalone process (median): ${(median(base.fanout) / median(fanout)).toFixed(2)}x\n`);
    process.stdout.write(`routed invoke overhead (p50 routed − p50 local): ${ms(median(routed) - median(local))} (goal ≤ 1 ms)\n`);
    process.stdout.write(`RSS per connection: cluster nodes ${perConn.map((k) => `${k.toFixed(1)} KiB`).join(', ')}; standalone ${base.rssPerConnKiB.toFixed(1)} KiB\n`);
  } finally {
    for (const s of swarms) await s.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await redis.kill9();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
