import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';
import type { PubSubStore, PubSubStoreOp } from '../store/pubsub-store';

/**
 * What a job does: `prepare` runs at flush time, in arrival order, mutates the in-memory state and
 * returns the store ops; `after` runs once those ops committed and produces the caller's result
 * (it may throw to fail the caller while still persisting its ops, e.g. a counted rejection).
 */
export interface Prepared<T> {
  ops: PubSubStoreOp[];
  after(): T;
}

interface Job {
  prepare(): Prepared<unknown>;
  resolve(v: unknown): void;
  reject(err: unknown): void;
}

/**
 * Group commit: every job that arrives within one event-loop turn is written in one transaction
 * (one fsync), then each caller is answered. Nothing is acknowledged before its commit. Client
 * subscribe/unsubscribe/publish all go through here so they apply in the order they arrived.
 */
export class CommitQueue {
  private jobs: Job[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  /** The batch being written; the next batch is prepared only after it finished (store order = arrival order). */
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly store: PubSubStore,
    /** Ops waiting for a ride (batched ack cursors). */
    private readonly extraOps: () => PubSubStoreOp[],
    /** After a failed write memory must be rebuilt from the store. */
    private readonly onFailure: () => void,
  ) {}

  run<T>(prepare: () => Prepared<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ prepare, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.inFlight || this.jobs.length === 0) return;
    this.scheduled ??= setImmediate(() => {
      this.scheduled = null;
      this.inFlight = this.flush()
        .catch(() => undefined) // flush answers every job itself; nothing may escape as unhandled
        .finally(() => {
          this.inFlight = null;
          this.schedule();
        });
    });
  }

  /** Commits whatever is queued now (used at close; synchronous stores finish before it returns). */
  close(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    if (this.inFlight) return;
    this.inFlight = this.flush()
      .catch(() => undefined)
      .finally(() => {
        this.inFlight = null;
      });
  }

  /** Resolves once nothing is queued or being written (an asynchronous store has settled). */
  async idle(): Promise<void> {
    while (this.inFlight || this.scheduled || this.jobs.length > 0) {
      await (this.inFlight ?? new Promise<void>((r) => setImmediate(r)));
    }
  }

  private async flush(): Promise<void> {
    const batch = this.jobs;
    this.jobs = [];
    if (batch.length === 0) return;
    const prepared: (Prepared<unknown> | null)[] = [];
    const ops: PubSubStoreOp[] = [];
    for (const job of batch) {
      try {
        const p = job.prepare();
        prepared.push(p);
        ops.push(...p.ops);
      } catch (err) {
        prepared.push(null);
        job.reject(err);
      }
    }
    ops.push(...this.extraOps());
    try {
      const pending = this.store.apply(dedupeTopicWrites(ops));
      if (pending) await pending;
    } catch (err) {
      try {
        this.onFailure();
      } catch {
        // The store is gone (closing): nothing left to rebuild from; callers still get the error below.
      }
      const error = new SbError(ErrorCode.Unavailable, `not stored: ${err instanceof Error ? err.message : String(err)}`);
      batch.forEach((job, i) => prepared[i] && job.reject(error));
      return;
    }
    batch.forEach((job, i) => {
      const p = prepared[i];
      if (!p) return;
      try {
        job.resolve(p.after());
      } catch (err) {
        job.reject(err);
      }
    });
  }
}

/** Several publishes to one topic in a batch each snapshot it; only the last snapshot needs writing. */
function dedupeTopicWrites(ops: PubSubStoreOp[]): PubSubStoreOp[] {
  const seen = new Set<string>();
  const out: PubSubStoreOp[] = [];
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i]!;
    if (op.kind === 'putTopic') {
      if (seen.has(op.topic.name)) continue;
      seen.add(op.topic.name);
    } else if (op.kind === 'deleteTopic') {
      seen.add(op.name);
    }
    out.push(op);
  }
  return out.reverse();
}
