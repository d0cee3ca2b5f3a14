/** The parent's handle on one bench client process (bench/pubsub/worker.ts). */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { forkTs } from '../lib/proc';

const WORKER = join(import.meta.dirname, 'worker.ts');

export type Reply = { ready?: number; done?: number; at?: number; acks?: number; failed?: number; error?: string };

export class Worker {
  readonly child: ChildProcess;
  private listeners: ((m: Reply) => void)[] = [];
  constructor() {
    this.child = forkTs(WORKER, []);
    this.child.on('message', (m) => {
      const r = m as Reply;
      if (r.error) throw new Error(`worker: ${r.error}`);
      for (const l of this.listeners) l(r);
    });
  }
  next(pred: (m: Reply) => boolean): Promise<Reply> {
    return new Promise((res) => {
      const l = (m: Reply): void => {
        if (!pred(m)) return;
        this.listeners = this.listeners.filter((x) => x !== l);
        res(m);
      };
      this.listeners.push(l);
    });
  }
  send(cmd: unknown): void {
    this.child.send(cmd as never);
  }
  close(): void {
    if (this.child.connected) this.child.send({ cmd: 'close' });
  }
}
