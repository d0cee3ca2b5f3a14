import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigFile } from './config';
import { SbError } from './errors';
import { startServer, type RunningServer } from './runtime';

const USAGE = `Usage: switchboard-server --config <switchboard.yaml|.json>

Starts a Switchboard WebSocket API server. SIGTERM/SIGINT shut it down gracefully
(clients get 1001, the process exits within shutdownTimeoutMs, default 10 s).`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const path = resolve(values.config ?? 'switchboard.yaml');
  if (!existsSync(path)) {
    process.stderr.write(`switchboard-server: config file not found: ${path}\n\n${USAGE}\n`);
    process.exit(2);
  }
  let server: RunningServer;
  try {
    server = await startServer(await loadConfigFile(path), { configDir: dirname(path) });
  } catch (err) {
    const field = err instanceof SbError && err.field ? ` (field ${err.field})` : '';
    process.stderr.write(`switchboard-server: cannot start: ${err instanceof Error ? err.message : String(err)}${field}\n`);
    process.exit(1);
  }
  const lines = [`switchboard-server "${server.config.name}" pid ${process.pid}`];
  if (server.adminUrl) lines.push(`admin ${server.adminUrl}/admin/v1`);
  for (const c of await server.channels.list()) lines.push(`channel ${c.name} ${c.listening ? server.channelUrl(c.name) : '(inactive)'}`);
  lines.push('ready');
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    // Whatever happens, the process is gone within the budget.
    setTimeout(() => process.exit(1), server.config.shutdownTimeoutMs).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`switchboard-server: shutdown error: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
