import { SwitchboardClient, NO_REPLY, type Credentials, type ReconnectOptions } from './switchboard-client';

export interface DemoSwarmOptions {
  url: string;
  /** Number of simulated clients. */
  clients: number;
  /** Topics every client subscribes to after each login (deliveries are acked at once). */
  subscribe?: string[];
  credentials?: Credentials;
  /** These client IDs never answer invokes (to demonstrate timeouts). */
  silentClientIds?: string[];
  /** Client IDs are `${clientIdPrefix}0001`…; default 'demo-'. */
  clientIdPrefix?: string;
  /** Default: reconnect after 200 ms..5 s with full jitter. */
  reconnect?: ReconnectOptions | false;
  /** Resolve only when every client has logged in once (default true). */
  waitForLogin?: boolean;
}

export interface DemoSwarm {
  readonly clients: SwitchboardClient[];
  close(): Promise<void>;
}

const NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Dennis', 'Frances', 'John', 'Radia', 'Tim', 'Leslie', 'Niklaus', 'Hedy'];

export const demoClientId = (prefix: string, n: number): string => `${prefix}${String(n).padStart(4, '0')}`;
export const demoClientName = (n: number): string => `${NAMES[(n - 1) % NAMES.length]} #${n}`;

/** Starts N demo clients with stable IDs and names that log in, answer invokes with {echo, at} and reconnect when dropped. */
export async function startDemoSwarm(opts: DemoSwarmOptions): Promise<DemoSwarm> {
  const prefix = opts.clientIdPrefix ?? 'demo-';
  const silent = new Set(opts.silentClientIds ?? []);
  const clients: SwitchboardClient[] = [];
  const logins: Promise<unknown>[] = [];
  for (let n = 1; n <= opts.clients; n++) {
    const clientId = demoClientId(prefix, n);
    const client = new SwitchboardClient({
      url: opts.url,
      clientId,
      clientName: demoClientName(n),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      reconnect: opts.reconnect ?? { initialDelayMs: 200, maxDelayMs: 5000 },
      onRequest: (data) => (silent.has(clientId) ? NO_REPLY : { echo: data, at: new Date().toISOString() }),
    });
    client.on('welcome', () => {
      // Subscriptions are durable per clientId: re-subscribing after each login is a no-op that confirms them.
      for (const topic of opts.subscribe ?? []) client.subscribe(topic).catch(() => undefined);
    });
    // Deliveries are acknowledged by the client's autoAck (default on).
    clients.push(client);
    logins.push(client.connect());
  }
  if (opts.waitForLogin ?? true) await Promise.all(logins);
  else for (const l of logins) l.catch(() => undefined);
  return {
    clients,
    close: async () => {
      await Promise.all(clients.map((c) => c.close(1000, 'demo swarm stopping')));
    },
  };
}
