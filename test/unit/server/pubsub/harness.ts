import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerFrame } from '../../../../protocol/client-frames';
import type { AdminEvent } from '../../../../protocol/admin-events';
import { EventBus } from '../../../../server/event-bus';
import { PubSubEngine } from '../../../../server/pubsub/engine';
import { PubSubConfigSchema, type PubSubConfigInput } from '../../../../server/pubsub/options';
import type { PubSubSession } from '../../../../server/pubsub/session-port';
import { openDatabase, type Db } from '../../../../server/store/sqlite/db';
import { SqlitePubSubStore } from '../../../../server/store/sqlite/pubsub-sqlite-store';
import type { PubSubStore, PubSubStoreOp, StoredMessage } from '../../../../server/store/pubsub-store';

/**
 * The SQLite store answering through promises one event-loop turn later, as a networked store
 * (Redis) would: exercises the engine's asynchronous store path with real data.
 */
export class AsyncSqliteStore implements PubSubStore {
  private readonly inner: SqlitePubSubStore;
  constructor(db: Db) {
    this.inner = new SqlitePubSubStore(db);
  }
  private later<T>(fn: () => T): Promise<T> {
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        try {
          resolve(fn());
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      }),
    );
  }
  load(): ReturnType<PubSubStore['load']> {
    return this.inner.load();
  }
  getMeta(key: string): string | undefined {
    return this.inner.getMeta(key);
  }
  apply(ops: readonly PubSubStoreOp[]): Promise<void> {
    const copy = ops.map((o) => structuredClone(o));
    return this.later(() => this.inner.apply(copy));
  }
  readMessages(topic: string, afterPos: number, limit: number): Promise<StoredMessage[]> {
    return this.later(() => this.inner.readMessages(topic, afterPos, limit));
  }
  lastPosBefore(topic: string, cutoffIso: string): Promise<number | null> {
    return this.later(() => this.inner.lastPosBefore(topic, cutoffIso));
  }
}

/** A session that records what the engine sends (the engine is the unit under test, this is its port). */
export class RecordingSession implements PubSubSession {
  readonly frames: ServerFrame[] = [];
  open = true;
  subscribePatterns: string[] = ['*'];
  publishPatterns: string[] = ['*'];
  constructor(
    readonly connectionId: string,
    readonly clientId: string,
    readonly channel = 'main',
    readonly connectedAt = new Date().toISOString(),
  ) {}
  allowSubscribe(): readonly string[] {
    return this.subscribePatterns;
  }
  allowPublish(): readonly string[] {
    return this.publishPatterns;
  }
  send(frame: ServerFrame): boolean {
    if (!this.open) return false;
    this.frames.push(frame);
    return true;
  }
  sendText(json: string): boolean {
    return this.send(JSON.parse(json) as ServerFrame);
  }
  bufferedAmount(): number {
    return 0;
  }
  maxBufferedBytes(): number {
    return this.sendBudget;
  }
  sendBudget = 4 * 1024 * 1024;
  messages(topic?: string): Extract<ServerFrame, { type: 'message' }>[] {
    return this.frames.filter((f): f is Extract<ServerFrame, { type: 'message' }> => f.type === 'message' && (topic === undefined || f.topic === topic));
  }
  responses(): Extract<ServerFrame, { type: 'response' }>[] {
    return this.frames.filter((f): f is Extract<ServerFrame, { type: 'response' }> => f.type === 'response');
  }
  lastResponse(): Extract<ServerFrame, { type: 'response' }> {
    const r = this.responses().at(-1);
    if (!r) throw new Error('no response recorded');
    return r;
  }
}

export interface Harness {
  dir: string;
  file: string;
  db: Db;
  events: AdminEvent[];
  engine: PubSubEngine;
  connections: Map<string, { clientId: string | null; connectedAt: string }>;
  /** Closes engine and db and opens both again on the same file (a graceful restart). */
  restart(): Promise<Harness>;
  dispose(): void;
}

export function makeHarness(config: PubSubConfigInput = {}, dir = mkdtempSync(join(tmpdir(), 'sb-pubsub-')), opts: { asyncStore?: boolean } = {}): Harness {
  const file = join(dir, 'switchboard.db');
  const db = openDatabase(file);
  const bus = new EventBus();
  const events: AdminEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const connections = new Map<string, { clientId: string | null; connectedAt: string }>();
  const engine = new PubSubEngine({
    store: opts.asyncStore ? new AsyncSqliteStore(db) : new SqlitePubSubStore(db),
    events: bus,
    config: PubSubConfigSchema.parse(config),
    lookupConnection: (id) => connections.get(id),
  });
  const h: Harness = {
    dir,
    file,
    db,
    events,
    engine,
    connections,
    async restart() {
      engine.close();
      await engine.whenClosed();
      db.close();
      return makeHarness(config, dir, opts);
    },
    dispose() {
      engine.close();
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Lets setImmediate-scheduled work (group commit, pumps) run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}
