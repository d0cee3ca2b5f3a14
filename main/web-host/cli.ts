import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { defaultDataDir } from '../core/storage/paths';
import { sandboxController } from '../embedded/sandbox';
import { startWebHost } from './web-host';

/**
 * `npm run console:web` — the console in your browser, served on 127.0.0.1 only.
 * Prints the URL (it carries the access token; do not share it).
 */
export async function runWebHostCli(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      'renderer-dir': { type: 'string' },
      'no-sandbox-server': { type: 'boolean', default: false },
      'sandbox-clients': { type: 'string', default: '50' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log('usage: console:web [--port N] [--data-dir DIR] [--renderer-dir DIR] [--no-sandbox-server] [--sandbox-clients N]');
    return;
  }
  const port = Number(values.port);
  const clients = Number(values['sandbox-clients']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0-65535');
  if (!Number.isInteger(clients) || clients < 0 || clients > 10_000) throw new Error('--sandbox-clients must be 0-10000');
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const host = await startWebHost({
    port,
    dataDir,
    ...(values['renderer-dir'] ? { rendererDir: values['renderer-dir'] } : {}),
    sandbox: sandboxController({ dataDir, clients }),
    sandboxAllowed: !values['no-sandbox-server'],
  });
  console.log(`Switchboard console (web): ${host.url}`);
  console.log(`data dir: ${dataDir}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void host.close().then(() => process.exit(0));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const invokedDirectly = process.argv[1] !== undefined && /web-host[\\/]cli\.(ts|js|cjs|mjs)$/.test(process.argv[1]);
if (invokedDirectly) {
  runWebHostCli().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
