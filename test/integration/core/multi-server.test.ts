import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { RunningServer } from '../../../server/runtime';
import type { DemoSwarm } from '../../../client/demo-swarm';
import { createConsoleCore } from '../../../main/core/console-core';
import { FileSecretStore } from '../../../main/core/storage/secret-store';
import type { ClusterState } from '../../../protocol/console/clusters';
import { CoreProbe, OPERATOR, startTestServer } from './harness';

describe('a cluster of two servers', () => {
  let probe: CoreProbe;
  const servers: RunningServer[] = [];
  const swarms: DemoSwarm[] = [];

  beforeAll(async () => {
    probe = await CoreProbe.start();
    for (const [i, n] of [3, 4].entries()) {
      const { server, swarm } = await startTestServer(join(probe.dir, `s${i}`), n);
      servers.push(server);
      swarms.push(swarm);
    }
  });
  afterAll(async () => {
    await probe?.close();
    for (const s of swarms) await s.close();
    for (const s of servers) await s.close();
  });

  it('merges both registries into one table keyed by server', async () => {
    const saved = await probe.call('clusters.save', { name: 'pair', servers: servers.map((s) => ({ url: s.adminUrl!, token: OPERATOR })) });
    await probe.call('clusters.open', { clusterId: saved.id });
    await probe.until(() => [...probe.rows.values()].filter((r) => r.state === 'logged-in').length === 7, '7 rows from 2 servers');
    const byServer = new Map<string, number>();
    for (const r of probe.rows.values()) byServer.set(r.serverId, (byServer.get(r.serverId) ?? 0) + 1);
    expect([...byServer.values()].sort()).toEqual([3, 4]);
    // The same clientId lives on both servers; rowKeys keep them apart.
    expect([...probe.rows.values()].filter((r) => r.clientId === 'demo-0001')).toHaveLength(2);
    const state = await probe.call('clusters.state', { clusterId: saved.id });
    expect(state.servers.map((s) => s.status)).toEqual(['connected', 'connected']);
  });

  it('connects every saved cluster when a core starts, none selected or opened by a renderer', async () => {
    const dataDir = join(probe.dir, 'restart');
    const secrets = () => new FileSecretStore(dataDir);
    const first = await createConsoleCore({ dataDir, secrets: secrets(), host: 'web', version: 'test' });
    const ids = [
      (await first.dispatch('clusters.save', { name: 'one', servers: [{ url: servers[0]!.adminUrl!, token: OPERATOR }] })),
      (await first.dispatch('clusters.save', { name: 'two', servers: [{ url: servers[1]!.adminUrl!, token: OPERATOR }] })),
    ].map((r) => (r.ok ? (r.value as { id: string }).id : ''));
    await first.dispose();

    const restarted = await createConsoleCore({ dataDir, secrets: secrets(), host: 'web', version: 'test' });
    try {
      const connected = new Set<string>();
      await new Promise<void>((resolve) => {
        const check = async () => {
          for (const id of ids) {
            const r = await restarted.dispatch('clusters.state', { clusterId: id });
            if (r.ok && (r.value as ClusterState).open && (r.value as ClusterState).servers.every((s) => s.status === 'connected')) connected.add(id);
          }
          if (connected.size === ids.length) resolve();
        };
        restarted.events.subscribe((e) => {
          if (e === 'cluster.status') void check();
        });
        void check();
      });
      expect([...connected].sort()).toEqual([...ids].sort());
    } finally {
      await restarted.dispose();
    }
  });

  it('keeps the other server’s rows when one server goes away, and says which is unreachable', async () => {
    const [first, second] = servers;
    const firstUrl = first!.adminUrl!;
    await swarms[0]!.close();
    await first!.close();
    const clusterId = [...probe.status.keys()][0]!;
    await probe.until(() => probe.status.get(clusterId)!.servers.find((s) => s.url === firstUrl)!.status !== 'connected', 'first server lost');
    const other = probe.status.get(clusterId)!.servers.find((s) => s.url === second!.adminUrl)!;
    expect(other.status).toBe('connected');
    expect([...probe.rows.values()].filter((r) => r.serverUrl === second!.adminUrl)).toHaveLength(4);
    servers.shift();
    swarms.shift();
  });
});
