import { consoleEvents, type EventName, type EventPayload } from '../../../protocol/console/contract';
import type { Emit } from './handler-types';

export type EventListener = (event: EventName, payload: unknown) => void;

/**
 * One attached renderer (a web host socket, the Electron window). It gets every event except the
 * cluster-scoped ones (connections.delta), which it gets only for the clusters it watches.
 */
export interface Subscriber {
  watch(clusterId: string): void;
  unwatch(clusterId: string): void;
  watching(clusterId: string): boolean;
  /** Drops every watch (the page behind this subscriber reloaded). */
  unwatchAll(): void;
  /** Ends the subscription and every watch it holds. */
  dispose(): void;
}

/** Events that go only to subscribers watching the cluster they belong to. */
const clusterOf: Partial<Record<EventName, (payload: unknown) => string>> = {
  'connections.delta': (p) => (p as { clusterId: string }).clusterId,
};

interface Entry {
  listener: EventListener;
  /** null: a firehose (every event of every cluster); else the watched cluster ids. */
  watched: Set<string> | null;
}

/**
 * Fan-out of core events to the attached transports. Payloads are checked against the contract's
 * schema on the way out, so a core bug shows up here and not as a confused renderer. Cluster-
 * scoped events are only built and sent for clusters somebody watches (watcherCount), so an open
 * cluster nobody looks at costs no IPC.
 */
export class EventHub {
  private readonly entries = new Set<Entry>();
  private readonly watchers = new Map<string, number>();
  private firehoses = 0;
  constructor(private readonly opts: { validate?: boolean; onInvalid?: (event: string, err: unknown) => void } = {}) {}

  readonly emit: Emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    if (this.opts.validate ?? true) {
      const res = consoleEvents[event].safeParse(sample(event, payload));
      if (!res.success) {
        this.opts.onInvalid?.(event, res.error);
        return;
      }
    }
    const scope = clusterOf[event]?.(payload);
    for (const e of [...this.entries]) {
      if (scope !== undefined && e.watched !== null && !e.watched.has(scope)) continue;
      e.listener(event, payload);
    }
  };

  /** Every event, every cluster's deltas included (tests, tools). Returns the disposer. */
  subscribe(listener: EventListener): () => void {
    const entry: Entry = { listener, watched: null };
    this.entries.add(entry);
    this.firehoses++;
    return () => {
      if (this.entries.delete(entry)) this.firehoses--;
    };
  }

  /** A renderer: cluster-scoped events only for what it watches. */
  attach(listener: EventListener): Subscriber {
    const watched = new Set<string>();
    const entry: Entry = { listener, watched };
    this.entries.add(entry);
    const bump = (clusterId: string, by: number) => {
      const n = (this.watchers.get(clusterId) ?? 0) + by;
      if (n <= 0) this.watchers.delete(clusterId);
      else this.watchers.set(clusterId, n);
    };
    return {
      watch: (clusterId) => {
        if (!this.entries.has(entry) || watched.has(clusterId)) return;
        watched.add(clusterId);
        bump(clusterId, 1);
      },
      unwatch: (clusterId) => {
        if (watched.delete(clusterId)) bump(clusterId, -1);
      },
      watching: (clusterId) => watched.has(clusterId),
      unwatchAll: () => {
        for (const id of watched) bump(id, -1);
        watched.clear();
      },
      dispose: () => {
        if (!this.entries.delete(entry)) return;
        for (const id of watched) bump(id, -1);
        watched.clear();
      },
    };
  }

  /** Whether anybody would receive a cluster-scoped event of this cluster. */
  isWatched(clusterId: string): boolean {
    return this.firehoses > 0 || this.watchers.has(clusterId);
  }
}

/**
 * Rows of a connections.delta were parsed where they entered (the admin API page or event) and only
 * gained a few fields; re-parsing thousands per push costs ~10 µs each on the main thread.
 * Check the envelope and the first row, which catches a shape bug without that cost.
 */
function sample(event: EventName, payload: unknown): unknown {
  if (event !== 'connections.delta' || typeof payload !== 'object' || payload === null) return payload;
  const d = payload as { upserts?: unknown };
  return Array.isArray(d.upserts) && d.upserts.length > 1 ? { ...payload, upserts: d.upserts.slice(0, 1) } : payload;
}
