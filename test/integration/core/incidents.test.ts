import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../../server/runtime';
import { startDemoSwarm, type DemoSwarm } from '../../../client/demo-swarm';
import { startWebHost, type RunningWebHost } from '../../../main/web-host/web-host';
import { WebServerFrameSchema, type WebServerFrame } from '../../../protocol/console/contract';
import type { ConnectionsDelta } from '../../../protocol/console/clusters';
import { CoreProbe, OPERATOR } from './harness';
import { startServerProcess, type ServerProcess } from '../helpers/processes';

/** A server on fixed ports, so it can come back where it was after a stop. */
async function serverAt(dir: string, adminPort: number, channelPort: number): Promise<RunningServer> {
  return startServer({
    name: `srv-${adminPort}`,
    dataDir: dir,
    logLevel: 'silent',
    reverseDns: { enabled: false },
    admin: { port: adminPort, tokens: [{ name: 'op', token: OPERATOR, role: 'operator' }] },
    channels: [{ name: 'demo', address: `ws://127.0.0.1:${channelPort}/demo` }],
  });
}

describe('incidents: a server of a cluster is killed (-9) and comes back', () => {
  let probe: CoreProbe;
  const servers: ServerProcess[] = [];
  const swarms: DemoSwarm[] = [];
  let clusterId: string;

  beforeAll(async () => {
    probe = await CoreProbe.start();
    servers.push(...(await Promise.all([0, 1].map((i) => startServerProcess({ dir: join(probe.dir, `s${i}`), name: `srv-${i}`, tokens: [{ name: 'op', token: OPERATOR, role: 'operator' }] })))));
    for (const [i, n] of [3, 4].entries()) swarms.push(await startDemoSwarm({ url: servers[i]!.channelUrl(), clients: n, clientIdPrefix: `s${i}-`, reconnect: { initialDelayMs: 100, maxDelayMs: 500 } }));
    const saved = await probe.call('clusters.save', { name: 'pair', servers: servers.map((s) => ({ url: s.adminUrl, token: OPERATOR })) });
    clusterId = saved.id;
    await probe.call('clusters.open', { clusterId });
    await probe.until(() => [...probe.rows.values()].filter((r) => r.state === 'logged-in').length === 7, '7 live rows');
  }, 60_000);
  afterAll(async () => {
    await probe?.close();
    for (const s of swarms) await s.close();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('marks only the killed server’s rows stale (with when), drops its RTT, and re-syncs it when it is back', async () => {
    const victimId = probe.status.get(clusterId)!.servers[1]!.serverId;
    const before = Date.now();
    await servers[1]!.kill9();

    await probe.until(() => [...probe.rows.values()].filter((r) => r.staleSince !== null).length === 4, '4 stale rows');
    const lost = probe.status.get(clusterId)!.servers.find((s) => s.serverId === victimId)!;
    expect(['reconnecting', 'unreachable']).toContain(lost.status);
    expect(lost.rttMs).toBeNull();
    expect(lost.connections).toBe(4);
    const stale = [...probe.rows.values()].filter((r) => r.staleSince !== null);
    expect(new Set(stale.map((r) => r.serverId))).toEqual(new Set([victimId]));
    expect(new Set(stale.map((r) => r.staleSince)).size).toBe(1);
    expect(Date.parse(stale[0]!.staleSince!)).toBeGreaterThanOrEqual(before - 5);
    expect([...probe.rows.values()].filter((r) => r.serverId !== victimId).every((r) => r.staleSince === null)).toBe(true);

    // Back on the same ports: the next retry re-syncs only its share. The swarm reconnects on its own,
    // as new connections: the old rows leave (code 0, nobody saw them close), the new ones are live.
    const oldKeys = new Set(stale.map((r) => r.rowKey));
    await servers[1]!.restart();
    await probe.call('clusters.retry', { clusterId });
    await probe.until(() => probe.status.get(clusterId)!.servers.every((s) => s.status === 'connected'), 'both connected');
    await probe.until(() => [...probe.rows.values()].filter((r) => r.serverId === victimId && r.state === 'logged-in' && r.staleSince === null).length === 4, '4 live rows again', 20_000);
    expect([...probe.rows.values()].some((r) => oldKeys.has(r.rowKey))).toBe(false);
    expect(probe.removals.filter((r) => oldKeys.has(r.rowKey)).every((r) => r.code === 0)).toBe(true);
    expect([...probe.rows.values()].every((r) => r.staleSince === null)).toBe(true);
  }, 60_000);

  it('retryCluster connects a failing server at once instead of at its next retry', async () => {
    const saved = await probe.call('clusters.save', { name: 'nobody', servers: [{ url: 'http://127.0.0.1:1', token: OPERATOR }] });
    await probe.until(() => probe.status.get(saved.id)?.servers[0]?.status === 'unreachable', 'unreachable');
    const s = probe.status.get(saved.id)!.servers[0]!;
    expect(s).toMatchObject({ reason: 'connection refused' });
    const attempts = s.attempts;
    const state = await probe.call('clusters.retry', { clusterId: saved.id });
    expect(state.servers[0]!.nextRetryAt).toBeNull();
    await probe.until(() => (probe.status.get(saved.id)?.servers[0]?.attempts ?? 0) > attempts, 'another attempt');
    await probe.call('clusters.remove', { clusterId: saved.id });
  });
});

describe('incidents: per-page watches over the web host', () => {
  let host: RunningWebHost;
  let server: RunningServer;
  let swarm: DemoSwarm;
  let dir: string;

  beforeAll(async () => {
    const probe = await CoreProbe.start();
    dir = probe.dir;
    await probe.close();
    server = await serverAt(join(dir, 'srv'), 0, 0);
    swarm = await startDemoSwarm({ url: server.channelUrl('demo'), clients: 3, reconnect: false });
    host = await startWebHost({ dataDir: join(dir, 'console'), rendererDir: join(dir, 'none'), sandboxAllowed: false });
  });
  afterAll(async () => {
    await host?.close();
    await swarm?.close();
    await server?.close();
  });

  async function page() {
    const origin = `http://127.0.0.1:${host.port}`;
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/contract?token=${host.token}`, { origin });
    const frames: WebServerFrame[] = [];
    const waiters: Array<() => void> = [];
    ws.on('message', (d) => {
      frames.push(WebServerFrameSchema.parse(JSON.parse(String(d))));
      for (const w of waiters.splice(0)) w();
    });
    await new Promise((r) => ws.once('open', r));
    let id = 0;
    const until = (pred: () => boolean) => new Promise<void>((resolve) => {
      const check = () => (pred() ? resolve() : waiters.push(check));
      check();
    });
    return {
      ws,
      frames,
      until,
      deltas: () => frames.flatMap((f) => (f.kind === 'event' && f.event === 'connections.delta' ? [f.payload as ConnectionsDelta] : [])),
      async call(method: string, input: unknown): Promise<unknown> {
        const n = ++id;
        ws.send(JSON.stringify({ kind: 'call', id: n, method, input }));
        await until(() => frames.some((f) => f.kind === 'result' && f.id === n));
        const f = frames.find((x) => x.kind === 'result' && x.id === n)!;
        if (f.kind !== 'result' || !f.result.ok) throw new Error(`${method} failed: ${JSON.stringify(f)}`);
        return f.result.value;
      },
    };
  }

  it('pushes a cluster’s deltas only to the pages that watch it', async () => {
    const a = await page();
    const b = await page();
    const saved = (await a.call('clusters.save', { name: 'one', servers: [{ url: server.adminUrl!, token: OPERATOR }] })) as { id: string };
    await a.call('clusters.open', { clusterId: saved.id });
    const snap = (await a.call('connections.watch', { clusterId: saved.id })) as { seq: number; rows: unknown[] };
    expect(snap.seq).toBeGreaterThanOrEqual(0);
    const extra = await startDemoSwarm({ url: server.channelUrl('demo'), clients: 2, clientIdPrefix: 'more-', reconnect: false });
    await a.until(() => a.deltas().some((d) => d.upserts.some((r) => r.clientId === 'more-0002' && r.state === 'logged-in')));
    expect(a.deltas().every((d) => d.clusterId === saved.id)).toBe(true);
    expect(b.deltas()).toEqual([]);

    // After unwatch (or a closed page) nothing more is built for it.
    await a.call('connections.unwatch', { clusterId: saved.id });
    const seen = a.deltas().length;
    await extra.close();
    await b.call('connections.watch', { clusterId: saved.id });
    await b.until(() => b.deltas().some((d) => d.removals.length > 0) || b.deltas().length > 0);
    expect(a.deltas()).toHaveLength(seen);
    a.ws.close();
    b.ws.close();
  });
});
