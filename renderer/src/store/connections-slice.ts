import type { ConnectionsDelta } from '../../../protocol/console/clusters';
import {
  CLOSED_ROW_LINGER_MS,
  applyDeltas,
  emptyTable,
  loadRows,
  setFilter,
  setSort,
  sweepClosed,
  type FilterSpec,
  type SortSpec,
  type TableState,
} from './connection-table';
import type { SliceCreator } from './types';

/** One chart sample: open connections per channel at a moment. */
export interface ChannelSample {
  atMs: number;
  counts: Record<string, number>;
}

export interface ConnectionsState {
  clusterId: string | null;
  /** Last applied delta seq; deltas at or below it are stale. -1 before the first snapshot. */
  seq: number;
  table: TableState;
  /** Rolling per-channel counts for the live chart (newest last). */
  samples: ChannelSample[];
  loading: boolean;
}

export interface ConnectionsSlice {
  conns: ConnectionsState;
  /** Called for every connections.delta event; applied on the next animation frame. */
  receiveDelta(delta: ConnectionsDelta): void;
  resetConnections(clusterId: string | null): void;
  resyncConnections(): Promise<void>;
  setSort(sort: SortSpec): void;
  setFilter(filter: FilterSpec): void;
  sampleChannels(): void;
}

/** Chart window: one sample a second for two minutes. */
export const CHART_SAMPLE_MS = 1000;
export const CHART_MAX_SAMPLES = 120;

export const initialConnections = (): ConnectionsState => ({ clusterId: null, seq: -1, table: emptyTable(), samples: [], loading: false });

// ---- pure updates (unit tested)

export type DeltaOutcome = { state: ConnectionsState; resync: boolean };

/**
 * Applies one frame's deltas. Deltas of another cluster or with seq <= the current one are dropped;
 * a gap in seq (a lost delta) asks for a resync instead of guessing.
 */
export function applyDeltaBatch(s: ConnectionsState, batch: readonly ConnectionsDelta[], nowMs: number): DeltaOutcome {
  const mine = batch.filter((d) => d.clusterId === s.clusterId && d.seq > s.seq);
  if (mine.length === 0) return { state: s, resync: false };
  let expected = s.seq;
  const usable: ConnectionsDelta[] = [];
  for (const d of mine) {
    if (expected >= 0 && d.seq !== expected + 1 && !d.reset) return { state: s, resync: true };
    usable.push(d);
    expected = d.seq;
  }
  return { state: { ...s, seq: expected, table: applyDeltas(s.table, usable, nowMs) }, resync: false };
}

export function pushSample(samples: ChannelSample[], sample: ChannelSample, max = CHART_MAX_SAMPLES): ChannelSample[] {
  const next = samples.length >= max ? samples.slice(samples.length - max + 1) : samples.slice();
  next.push(sample);
  return next;
}

// ---- slice

export const createConnectionsSlice: SliceCreator<ConnectionsSlice> = (set, get, deps) => {
  // Events arrive faster than frames; they wait here and land in ONE set per frame.
  let buffer: ConnectionsDelta[] = [];
  let frameScheduled = false;
  let sweepTimer: ReturnType<typeof setTimeout> | null = null;
  let resyncing = false;

  const scheduleSweep = () => {
    if (sweepTimer !== null) return;
    sweepTimer = setTimeout(() => {
      sweepTimer = null;
      const before = get().conns.table;
      const after = sweepClosed(before, deps.now());
      if (after !== before) set((s) => ({ conns: { ...s.conns, table: after } }));
      if (after.closing.length > 0) scheduleSweep();
    }, CLOSED_ROW_LINGER_MS + 50);
  };

  const flush = () => {
    frameScheduled = false;
    const batch = buffer;
    buffer = [];
    const { state, resync } = applyDeltaBatch(get().conns, batch, deps.now());
    if (resync) {
      void get().resyncConnections();
      return;
    }
    if (state !== get().conns) set({ conns: state });
    if (batch.some((d) => d.removals.length > 0)) scheduleSweep();
  };

  return {
    conns: initialConnections(),
    receiveDelta(delta) {
      if (delta.clusterId !== get().conns.clusterId) return;
      buffer.push(delta);
      if (!frameScheduled) {
        frameScheduled = true;
        deps.scheduleFrame(flush);
      }
    },
    resetConnections(clusterId) {
      buffer = [];
      const { sort, filter } = get().conns.table;
      set({ conns: { ...initialConnections(), clusterId, table: emptyTable(sort, filter), loading: clusterId !== null } });
    },
    async resyncConnections() {
      const clusterId = get().conns.clusterId;
      if (clusterId === null || resyncing) return;
      resyncing = true;
      try {
        const snap = await deps.api.call('getConnections', { clusterId });
        if (get().conns.clusterId !== clusterId) return;
        // Deltas buffered meanwhile with seq > snap.seq still apply on the next frame.
        set((s) => ({ conns: { ...s.conns, seq: snap.seq, table: loadRows(s.conns.table, snap.rows), loading: false } }));
      } catch (err) {
        set((s) => ({ conns: { ...s.conns, loading: false } }));
        get().notify('error', `Could not load connections: ${deps.errorMessage(err)}`);
      } finally {
        resyncing = false;
      }
    },
    setSort: (sort) => set((s) => ({ conns: { ...s.conns, table: setSort(s.conns.table, sort) } })),
    setFilter: (filter) => set((s) => ({ conns: { ...s.conns, table: setFilter(s.conns.table, filter) } })),
    sampleChannels: () =>
      set((s) => ({ conns: { ...s.conns, samples: pushSample(s.conns.samples, { atMs: deps.now(), counts: { ...s.conns.table.perChannel } }) } })),
  };
};
