// Child processes for the benchmarks: each measured server and each load generator runs alone, so
// its CPU and memory are its own. They talk to the bench over IPC with `{ type }` messages.
import { fork, type ChildProcess } from 'node:child_process';

/** Forks a TypeScript file under tsx with an IPC channel; stdout and stderr go to ours. */
export function forkTs(file: string, args: string[], execArgv: string[] = []): ChildProcess {
  return fork(file, args, { execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** The next message of `type` from the child; rejects if it exits first. */
export function once<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: { type?: string }): void => {
      if (m.type !== type) return;
      child.off('message', onMsg);
      child.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null): void => {
      child.off('message', onMsg);
      reject(new Error(`child exited (${code}) while waiting for ${type}`));
    };
    child.on('message', onMsg);
    child.once('exit', onExit);
  });
}

/** Sends `msg` and waits for the reply of the same type. */
export function ask<T>(child: ChildProcess, msg: { type: string } & Record<string, unknown>): Promise<T> {
  const reply = once<T>(child, msg.type);
  child.send(msg);
  return reply;
}

/** SIGKILLs the children in the order given (servers first: their side keeps the TIME_WAITs, not our ephemeral ports). */
export async function stop(...children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((r) => {
    if (c.exitCode !== null || c.signalCode !== null) return r();
    c.once('exit', () => r());
    c.kill('SIGKILL');
  })));
}

/** User + system CPU time between two process.cpuUsage() readings, in milliseconds. */
export function cpuMs(from: NodeJS.CpuUsage, to: NodeJS.CpuUsage): number {
  return (to.user - from.user + to.system - from.system) / 1000;
}
