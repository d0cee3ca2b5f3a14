import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join, resolve } from 'node:path';

/**
 * Real processes for incident tests: a Switchboard server and the console's web host, each its own
 * Node process (`node --import tsx …`, one process, so SIGKILL really kills it), that can be
 * killed with -9 and started again on the same ports.
 */

const ROOT = resolve(import.meta.dirname, '../../..');

/** A free loopback port (closed again before use; good enough on a test machine). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

interface Started {
  child: ChildProcess;
  lines: string[];
}

/** Spawns and resolves once a stdout line matches `ready` (rejects with the output if it exits first). */
function startProcess(args: string[], ready: RegExp, env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} not ready within ${timeoutMs} ms:\n${lines.join('\n')}`));
    }, timeoutMs);
    let buf = '';
    const onData = (chunk: Buffer) => {
      buf += chunk.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        if (ready.test(line)) {
          clearTimeout(timer);
          resolvePromise({ child, lines });
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean)));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code ?? signal}) before it was ready:\n${lines.join('\n')}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

export interface ServerProcessOptions {
  dir: string;
  name: string;
  tokens: { name: string; token: string; role: 'viewer' | 'operator' }[];
  channels?: string[];
  /** Fields added to every channel (limits, timings). */
  channelOptions?: Record<string, unknown>;
  /** Top-level config fields added to (or replacing) the defaults above. */
  config?: Record<string, unknown>;
}

export interface ServerProcess {
  readonly name: string;
  readonly adminUrl: string;
  channelUrl(channel?: string): string;
  readonly pid: number | undefined;
  /** SIGKILL: no close frames, no goodbye on the admin stream; resolves once the process is gone. */
  kill9(): Promise<void>;
  /** Starts it again on the same ports with the same data dir. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A Switchboard server as its own process, on fixed ports chosen now. */
export async function startServerProcess(opts: ServerProcessOptions): Promise<ServerProcess> {
  const adminPort = await freePort();
  const channels = opts.channels ?? ['demo'];
  const ports = new Map<string, number>();
  for (const c of channels) ports.set(c, await freePort());
  await mkdir(opts.dir, { recursive: true });
  const config = join(opts.dir, 'switchboard.json');
  await writeFile(config, JSON.stringify({
    name: opts.name,
    dataDir: join(opts.dir, 'data'),
    logLevel: 'warn',
    reverseDns: { enabled: false },
    shutdownTimeoutMs: 3000,
    admin: { host: '127.0.0.1', port: adminPort, tokens: opts.tokens },
    channels: channels.map((c) => ({ name: c, address: `ws://127.0.0.1:${ports.get(c)}/${c}`, ...opts.channelOptions })),
    ...opts.config,
  }));
  let current = await startProcess(['server/cli.ts', '--config', config], /^ready$/);
  return {
    name: opts.name,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    channelUrl: (c = channels[0]!) => `ws://127.0.0.1:${ports.get(c)}/${c}`,
    get pid() {
      return current.child.pid;
    },
    async kill9() {
      current.child.kill('SIGKILL');
      await exited(current.child);
    },
    async restart() {
      await exited(current.child);
      current = await startProcess(['server/cli.ts', '--config', config], /^ready$/);
    },
    async stop() {
      if (current.child.exitCode === null && current.child.signalCode === null) current.child.kill('SIGTERM');
      await exited(current.child);
    },
  };
}

export interface WebHostProcess {
  port: number;
  /** http://127.0.0.1:PORT/#token=… as printed. */
  url: string;
  token: string;
  kill9(): Promise<void>;
  /** Starts it again on the same port and data dir; it prints a new token. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The console web host (`main/web-host/cli.ts`) as its own process, serving out/renderer. */
export async function startWebHostProcess(opts: { dataDir: string; rendererDir?: string }): Promise<WebHostProcess> {
  const port = await freePort();
  const args = ['main/web-host/cli.ts', '--port', String(port), '--data-dir', opts.dataDir, '--no-sandbox-server', ...(opts.rendererDir ? ['--renderer-dir', opts.rendererDir] : [])];
  const urlOf = (s: Started) => {
    const line = s.lines.find((l) => l.startsWith('Switchboard console (web): '))!;
    return line.slice('Switchboard console (web): '.length).trim();
  };
  let current = await startProcess(args, /^Switchboard console \(web\): /);
  const host: WebHostProcess = {
    port,
    url: urlOf(current),
    token: '',
    async kill9() {
      current.child.kill('SIGKILL');
      await exited(current.child);
    },
    async restart() {
      await exited(current.child);
      current = await startProcess(args, /^Switchboard console \(web\): /);
      host.url = urlOf(current);
      host.token = decodeURIComponent(new URL(host.url).hash.replace(/^#token=/, ''));
    },
    async stop() {
      if (current.child.exitCode === null && current.child.signalCode === null) current.child.kill('SIGTERM');
      await exited(current.child);
    },
  };
  host.token = decodeURIComponent(new URL(host.url).hash.replace(/^#token=/, ''));
  return host;
}
