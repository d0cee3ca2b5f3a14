import { parseArgs } from 'node:util';
import type { Credentials } from './switchboard-client';
import { startDemoSwarm } from './demo-swarm';

const USAGE = `Usage: switchboard-demo --url ws://host:port/path [--clients N] [--subscribe topicA,topicB]
                        [--credentials user:password | apikey:KEY | token:JWT] [--prefix demo-] [--silent id1,id2]

Starts N simulated clients (IDs demo-0001…) that log in, answer invokes with {echo, at}
and reconnect when dropped. Ctrl-C closes them.`;

export function parseCredentials(s: string): Credentials {
  if (s.startsWith('apikey:')) return { apiKey: s.slice(7) };
  if (s.startsWith('token:')) return { token: s.slice(6) };
  const i = s.indexOf(':');
  if (i <= 0) throw new Error('--credentials: expected user:password, apikey:KEY or token:JWT');
  return { username: s.slice(0, i), password: s.slice(i + 1) };
}

const list = (s: string | undefined): string[] => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      clients: { type: 'string', default: '10' },
      subscribe: { type: 'string' },
      credentials: { type: 'string' },
      prefix: { type: 'string', default: 'demo-' },
      silent: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.url) {
    process.stdout.write(USAGE + '\n');
    process.exit(values.help ? 0 : 2);
  }
  const clients = Number(values.clients);
  if (!Number.isInteger(clients) || clients < 1 || clients > 100_000) {
    process.stderr.write('--clients: expected an integer 1..100000\n');
    process.exit(2);
  }
  const swarm = await startDemoSwarm({
    url: values.url,
    clients,
    subscribe: list(values.subscribe),
    silentClientIds: list(values.silent),
    clientIdPrefix: values.prefix,
    ...(values.credentials ? { credentials: parseCredentials(values.credentials) } : {}),
    waitForLogin: false,
  });
  let connected = 0;
  for (const c of swarm.clients) {
    c.on('state', ({ from, to }) => {
      if (to === 'connected') connected++;
      if (from === 'connected') connected--;
    });
  }
  const report = setInterval(() => process.stdout.write(`${new Date().toISOString()} ${connected}/${clients} connected\n`), 5000);
  process.stdout.write(`switchboard-demo: ${clients} clients → ${values.url}\n`);
  const stop = (): void => {
    clearInterval(report);
    setTimeout(() => process.exit(1), 5000).unref();
    void swarm.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
