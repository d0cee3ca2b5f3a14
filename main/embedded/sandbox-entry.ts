import { z } from 'zod';
import { startSandbox } from './sandbox';

/**
 * Runs the sandbox in its own plain Node process (out/main/sandbox.cjs). Electron in development
 * cannot load better-sqlite3 built for Node's ABI, so the console spawns this with Node instead.
 * Protocol: argv[2] is JSON options; one JSON line with the SandboxInfo on stdout once listening;
 * exits when stdin closes (parent gone) or on SIGTERM.
 */
const Options = z.object({ dataDir: z.string().min(1), clients: z.number().int().min(0).max(10_000).optional(), ephemeral: z.boolean().optional() });

async function main(): Promise<void> {
  const opts = Options.parse(JSON.parse(process.argv[2] ?? '{}'));
  const sandbox = await startSandbox(opts);
  process.stdout.write(JSON.stringify({ adminUrl: sandbox.adminUrl, operatorToken: sandbox.operatorToken, viewerToken: sandbox.viewerToken, channelUrl: sandbox.channelUrl }) + '\n');
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    void sandbox.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
