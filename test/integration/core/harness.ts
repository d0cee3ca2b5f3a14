import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../../server/runtime';
import { startDemoSwarm, type DemoSwarm } from '../../../client/demo-swarm';
import { createConsoleCore, type ConsoleCore } from '../../../main/core/console-core';
import { FileSecretStore } from '../../../main/core/storage/secret-store';
import type { ConnectionRow, ConnectionsDelta, ClusterState, ConfigChanged } from '../../../protocol/console/clusters';
import type { CallName, CallOutput, EventName } from '../../../protocol/console/contract';

export const OPERATOR = 'operator-token-0123456789abcdef';
export const VIEWER = 'viewer-token-0123456789abcdef';

export async function startTestServer(dir: string, clients: number, silentClientIds: string[] = []): Promise<{ server: RunningServer; swarm: DemoSwarm; channelUrl: string }> {
  const server = await startServer({
    name: 'itest',
    dataDir: join(dir, 'server'),
    logLevel: 'silent',
    reverseDns: { enabled: false },
    admin: { port: 0, tokens: [{ name: 'op', token: OPERATOR, role: 'operator' }, { name: 'view', token: VIEWER, role: 'viewer' }] },
    channels: [{ name: 'demo', address: 'ws://127.0.0.1:0/demo' }],
    pubsub: { topics: [{ name: 'news' }] },
  });
  const channelUrl = server.channelUrl('demo');
  const swarm = await startDemoSwarm({ url: channelUrl, clients, subscribe: ['news'], reconnect: false, silentClientIds });
  return { server, swarm, channelUrl };
}

/** A console core plus a mirror of what a renderer would hold, built only from events. */
export class CoreProbe {
  readonly rows = new Map<string, ConnectionRow>();
  private readonly owner = new Map<string, string>();
  readonly removals: Array<{ rowKey: string; code: number; reason: string }> = [];
  readonly deltas: ConnectionsDelta[] = [];
  readonly configChanges: ConfigChanged[] = [];
  status = new Map<string, ClusterState>();
  private waiters: Array<() => void> = [];

  private constructor(readonly core: ConsoleCore, readonly dir: string) {
    core.events.subscribe((event: EventName, payload: unknown) => {
      if (event === 'connections.delta') {
        const d = payload as ConnectionsDelta;
        this.deltas.push(d);
        // A reset replaces only that cluster's rows.
        if (d.reset) for (const [k, c] of this.owner) if (c === d.clusterId) this.rows.delete(k);
        for (const r of d.removals) {
          this.rows.delete(r.rowKey);
          this.removals.push(r);
        }
        for (const u of d.upserts) {
          this.rows.set(u.rowKey, u);
          this.owner.set(u.rowKey, d.clusterId);
        }
      }
      if (event === 'config.changed') this.configChanges.push(payload as ConfigChanged);
      if (event === 'cluster.status') {
        const s = payload as ClusterState;
        this.status.set(s.clusterId, s);
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async start(): Promise<CoreProbe> {
    const dir = await mkdtemp(join(tmpdir(), 'sb-core-it-'));
    const core = await createConsoleCore({
      dataDir: join(dir, 'console'),
      secrets: new FileSecretStore(join(dir, 'console')),
      host: 'web',
      version: 'test',
      session: { stream: { backoff: { initialDelayMs: 50, maxDelayMs: 200 } }, requestTimeoutMs: 3000 },
    });
    return new CoreProbe(core, dir);
  }

  async call<M extends CallName>(method: M, input: unknown): Promise<CallOutput<M>> {
    const res = await this.core.dispatch(method, input);
    if (!res.ok) throw Object.assign(new Error(`${method}: ${res.error.message}`), { info: res.error });
    return res.value as CallOutput<M>;
  }

  /** Resolves once `predicate` holds, re-checked after every event; fails after timeoutMs. */
  until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const check = () => {
        if (predicate()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }

  serverStatus(clusterId: string): string | undefined {
    return this.status.get(clusterId)?.servers[0]?.status;
  }

  async close(): Promise<void> {
    await this.core.dispose();
    await rm(this.dir, { recursive: true, force: true });
  }
}
