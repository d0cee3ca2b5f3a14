import { spawn, type ChildProcess } from 'node:child_process';
import { z } from 'zod';
import type { SandboxController, SandboxInfo } from '../core/clusters/cluster-service';
import type { SandboxOptions } from './sandbox';

const InfoSchema = z.object({ adminUrl: z.string(), operatorToken: z.string(), viewerToken: z.string(), channelUrl: z.string() });

export interface SandboxProcessOptions extends SandboxOptions {
  /** The bundled entry (out/main/sandbox.cjs). */
  entry: string;
  /** A plain Node binary. */
  nodePath: string;
  /** Extra Node flags (tests run the TypeScript entry with `--import tsx`). */
  execArgv?: string[];
  /** Startup budget. Default 20 000 ms. */
  startTimeoutMs?: number;
}

/** The sandbox in a child Node process (see sandbox-entry.ts for why). The child dies with its stdin. */
export function sandboxProcessController(opts: SandboxProcessOptions): SandboxController {
  let child: ChildProcess | null = null;
  let info: SandboxInfo | null = null;
  return {
    async start() {
      if (child && info) return info;
      const { entry, nodePath, execArgv = [], startTimeoutMs = 20_000, ...sandboxOpts } = opts;
      const proc = spawn(nodePath, [...execArgv, entry, JSON.stringify(sandboxOpts)], { stdio: ['pipe', 'pipe', 'inherit'] });
      child = proc;
      info = await new Promise<SandboxInfo>((resolve, reject) => {
        let buf = '';
        const timer = setTimeout(() => {
          proc.kill();
          reject(new Error(`sandbox did not start within ${startTimeoutMs} ms`));
        }, startTimeoutMs);
        proc.stdout!.on('data', (d: Buffer) => {
          buf += d.toString('utf8');
          const nl = buf.indexOf('\n');
          if (nl < 0) return;
          clearTimeout(timer);
          const parsed = InfoSchema.safeParse(JSON.parse(buf.slice(0, nl)));
          if (parsed.success) resolve(parsed.data);
          else reject(new Error('sandbox process printed an unexpected line'));
        });
        proc.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`sandbox process exited (${code})`));
        });
        proc.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      }).catch((err: unknown) => {
        child = null;
        throw err;
      });
      return info;
    },
    async stop() {
      const proc = child;
      child = null;
      info = null;
      if (!proc || proc.exitCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.stdin!.end();
      const kill = setTimeout(() => proc.kill('SIGKILL'), 12_000);
      await exited;
      clearTimeout(kill);
    },
  };
}
