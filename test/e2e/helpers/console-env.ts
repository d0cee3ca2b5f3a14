import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../../server/runtime';
import { startDemoSwarm, type DemoSwarm } from '../../../client/demo-swarm';
import { startWebHost, type RunningWebHost } from '../../../main/web-host/web-host';

export const OPERATOR_TOKEN = 'e2e-operator-token-0123456789';
export const VIEWER_TOKEN = 'e2e-viewer-token-0123456789ab';
/** Never answers invokes (for the timeout case). */
export const SILENT_CLIENT = 'demo-0004';
/** Subscribed to "news" on an earlier connection, then reconnected: its subscription predates the connection. */
export const RETURNING_CLIENT = 'back-0001';

export interface ConsoleEnv {
  server: RunningServer;
  adminUrl: string;
  swarm: DemoSwarm;
  returning: DemoSwarm;
  host: RunningWebHost;
  close(): Promise<void>;
}

export interface ConsoleEnvOptions {
  clients?: number;
  /** The server's health sampling (default: the server's own, 10 s × 360). */
  health?: { sampleMs: number; historySize: number };
}

async function adminGet(adminUrl: string, path: string): Promise<unknown> {
  const res = await fetch(`${adminUrl}/admin/v1${path}`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return res.json();
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  // Polling an HTTP API: there is no event to await from outside the server.
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A real server (admin API with an operator and a viewer token, channels "demo" and "ops", topics),
 * a demo swarm, one returning client with a durable subscription, and the console's web host
 * serving the built renderer. Everything on random loopback ports, data in a temp dir.
 */
export async function startConsoleEnv(opts: ConsoleEnvOptions = {}): Promise<ConsoleEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-e2e-'));
  const server = await startServer({
    name: 'e2e-server',
    dataDir: join(dir, 'server'),
    logLevel: 'warn',
    admin: {
      enabled: true,
      host: '127.0.0.1',
      port: 0,
      tokens: [
        { name: 'e2e-operator', token: OPERATOR_TOKEN, role: 'operator' },
        { name: 'e2e-viewer', token: VIEWER_TOKEN, role: 'viewer' },
      ],
    },
    channels: [
      { name: 'demo', address: 'ws://127.0.0.1:0/demo' },
      { name: 'ops', address: 'ws://127.0.0.1:0/ops' },
    ],
    pubsub: { topics: [{ name: 'news' }, { name: 'prices' }] },
    ...(opts.health ? { health: opts.health } : {}),
  });
  const adminUrl = server.adminUrl!;
  const swarm = await startDemoSwarm({ url: server.channelUrl('demo'), clients: opts.clients ?? 12, silentClientIds: [SILENT_CLIENT], subscribe: ['prices'] });

  // First life of the returning client: subscribe, wait until the server holds it, leave.
  const first = await startDemoSwarm({ url: server.channelUrl('ops'), clients: 1, clientIdPrefix: 'back-', subscribe: ['news'], reconnect: false });
  await until('the returning client subscription', async () => {
    const body = (await adminGet(adminUrl, '/topics/news/subscriptions')) as { items: { clientId: string }[] };
    return body.items.some((s) => s.clientId === RETURNING_CLIENT);
  });
  await first.close();
  // subscribedAt and connectedAt carry ms; make sure the new connection is strictly later.
  await new Promise((r) => setTimeout(r, 20));
  const returning = await startDemoSwarm({ url: server.channelUrl('ops'), clients: 1, clientIdPrefix: 'back-', reconnect: false });

  const host = await startWebHost({ port: 0, dataDir: join(dir, 'console'), sandboxAllowed: false });
  return {
    server,
    adminUrl,
    swarm,
    returning,
    host,
    async close() {
      await host.close();
      await returning.close();
      await swarm.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
