import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../server/runtime';
import { startDemoSwarm } from '../../client/demo-swarm';
import type { SandboxController, SandboxInfo } from '../core/clusters/cluster-service';

export interface SandboxOptions {
  /** The console's data dir; the sandbox keeps its SQLite under `<dataDir>/sandbox-server`. */
  dataDir: string;
  /** Demo clients to connect. Default 50. */
  clients?: number;
  /** true → a temp dir that is deleted on close instead of the data dir. Default false. */
  ephemeral?: boolean;
}

export interface RunningSandbox extends SandboxInfo {
  server: RunningServer;
  close(): Promise<void>;
}

export const SANDBOX_CHANNEL = 'demo';
export const SANDBOX_TOPICS = ['news', 'prices', 'alerts'] as const;

/**
 * A local Switchboard server for trying the console: channel "demo" on a random loopback port,
 * a few topics, an operator and a viewer admin token (fresh each start, never persisted) and a
 * swarm of demo clients. The only console module allowed to import server/.
 */
export async function startSandbox(opts: SandboxOptions): Promise<RunningSandbox> {
  const dir = opts.ephemeral ? await mkdtemp(join(tmpdir(), 'switchboard-sandbox-')) : join(opts.dataDir, 'sandbox-server');
  const operatorToken = randomBytes(24).toString('base64url');
  const viewerToken = randomBytes(24).toString('base64url');
  const server = await startServer({
    name: 'sandbox',
    dataDir: dir,
    logLevel: 'warn',
    admin: {
      enabled: true,
      host: '127.0.0.1',
      port: 0,
      tokens: [
        { name: 'console-operator', token: operatorToken, role: 'operator' },
        { name: 'console-viewer', token: viewerToken, role: 'viewer' },
      ],
    },
    channels: [{ name: SANDBOX_CHANNEL, address: 'ws://127.0.0.1:0/demo' }],
    pubsub: { topics: SANDBOX_TOPICS.map((name) => ({ name })) },
  });
  if (!server.adminUrl) {
    await server.close();
    throw new Error('sandbox server started without an admin API');
  }
  const channelUrl = server.channelUrl(SANDBOX_CHANNEL);
  const swarm = await startSwarm(channelUrl, opts.clients ?? 50);
  return {
    server,
    adminUrl: server.adminUrl,
    operatorToken,
    viewerToken,
    channelUrl,
    async close() {
      await swarm.close();
      await server.close();
      if (opts.ephemeral) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * ~70% plain demo clients (one of them never answers invokes, to show a timeout) and ~30% that
 * subscribe to two topics. Logins are not awaited: the console shows them arriving.
 */
async function startSwarm(url: string, clients: number): Promise<{ close(): Promise<void> }> {
  if (clients <= 0) return { close: async () => {} };
  const subscribed = Math.floor(clients * 0.3);
  const swarms = await Promise.all([
    startDemoSwarm({ url, clients: clients - subscribed, clientIdPrefix: 'demo-', silentClientIds: ['demo-0007'], waitForLogin: false }),
    ...(subscribed > 0 ? [startDemoSwarm({ url, clients: subscribed, clientIdPrefix: 'subscriber-', subscribe: ['news', 'prices'], waitForLogin: false })] : []),
  ]);
  return { close: async () => void (await Promise.all(swarms.map((s) => s.close()))) };
}

/** The sandbox as the console core drives it (started/stopped by the "sandbox" setting). */
export function sandboxController(opts: SandboxOptions): SandboxController {
  let running: RunningSandbox | null = null;
  return {
    async start() {
      running ??= await startSandbox(opts);
      return { adminUrl: running.adminUrl, operatorToken: running.operatorToken, viewerToken: running.viewerToken, channelUrl: running.channelUrl };
    },
    async stop() {
      const r = running;
      running = null;
      await r?.close();
    },
  };
}
