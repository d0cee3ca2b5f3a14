import type { ConnectionsDelta } from '../../../../protocol/console/clusters';
import {
  CLOSED_ROW_LINGER_MS,
  applyDeltas,
  emptyTable,
  loadRows,
  setFilter,
  setSort,
  sweepClosed,
  type FilterSpec,
  type Row,
  type SortSpec,
  type TableState,
} from './connection-table';
import type { SliceCreator } from '../../store/types';
import type { CallInput } from '../../../../protocol/console/contract';
import type { DisconnectResult } from '../../../../protocol/admin-connections';
import { failedAll, groupByServer, resultsOf, type BulkRowResult } from './bulk';

/** One chart sample: live connections per channel at a moment; null when nothing was known to be live (a gap). */
export interface ChannelSample {
  atMs: number;
  counts: Record<string, number> | null;
}

export interface ConnectionsState {
  clusterId: string | null;
  /** Last applied delta seq; deltas at or below it are stale. -1 before the first snapshot. */
  seq: number;
  table: TableState;
  /** Rolling per-channel counts for the live chart (newest last). */
  samples: ChannelSample[];
  loading: boolean;
  /**
   * Closed rows that left the table while the details drawer showed them, so the drawer keeps
   * their data, close code and reason (at most DEPARTED_LIMIT, newest kept).
   */
  departed: Record<string, Row>;
  /** Row keys ticked for a bulk action (cleared with the cluster). */
  checked: ReadonlySet<string>;
}

export interface ConnectionsSlice {
  conns: ConnectionsState;
  /** Called for every connections.delta event; applied on the next animation frame. */
  receiveDelta(delta: ConnectionsDelta): void;
  /** Starts showing a cluster (null: none): stops watching the previous one, starts from empty. */
  resetConnections(clusterId: string | null): void;
  /** Watches the current cluster and loads its snapshot (again, after a seq gap). */
  resyncConnections(): Promise<void>;
  /**
   * After the link to the backend came back (possibly a restarted core, whose seq starts over):
   * keeps the stale rows on screen, holds deltas, and replaces everything with a fresh snapshot.
   */
  reattachConnections(): Promise<void>;
  setSort(sort: SortSpec): void;
  setFilter(filter: FilterSpec): void;
  sampleChannels(): void;
  /** Asks the server to close one connection; throws the CallError so the dialog can show field errors. */
  disconnectConnection(input: CallInput<'connections.disconnect'>): Promise<DisconnectResult>;
  /** Ticks or unticks one row; with `keys`, sets the whole selection (empty clears). */
  toggleChecked(key: string): void;
  setChecked(keys: readonly string[]): void;
  /** Closes the given rows: one disconnectMany request per server, an answer per row. */
  disconnectRows(keys: readonly string[]): Promise<BulkRowResult[]>;
  /** Closes every connection of a client ID: one request per server that has one. */
  disconnectClient(clientId: string): Promise<void>;
}

/** Chart window: one sample a second for two minutes. */
export const CHART_SAMPLE_MS = 1000;
export const CHART_MAX_SAMPLES = 120;
export const DEPARTED_LIMIT = 20;

export const initialConnections = (): ConnectionsState => ({ clusterId: null, seq: -1, table: emptyTable(), samples: [], loading: false, departed: {}, checked: new Set() });

// ---- pure updates (unit tested)

export type DeltaOutcome = { state: ConnectionsState; resync: boolean };

/**
 * Applies one frame's deltas. Deltas of another cluster or with seq <= the current one are dropped;
 * a gap in seq (a lost delta) asks for a resync instead of guessing.
 */
export function applyDeltaBatch(s: ConnectionsState, batch: readonly ConnectionsDelta[], nowMs: number): DeltaOutcome {
  // Before the snapshot nothing can be applied in order; the caller keeps the batch for it.
  if (s.seq < 0) return { state: s, resync: false };
  const mine = batch.filter((d) => d.clusterId === s.clusterId && d.seq > s.seq);
  if (mine.length === 0) return { state: s, resync: false };
  let expected = s.seq;
  const usable: ConnectionsDelta[] = [];
  for (const d of mine) {
    if (d.seq !== expected + 1 && !d.reset) return { state: s, resync: true };
    usable.push(d);
    expected = d.seq;
  }
  return { state: { ...s, seq: expected, table: applyDeltas(s.table, usable, nowMs) }, resync: false };
}

export function withDeparted(departed: Record<string, Row>, row: Row, limit = DEPARTED_LIMIT): Record<string, Row> {
  const entries = Object.entries(departed).filter(([k]) => k !== row.key);
  entries.push([row.key, row]);
  return Object.fromEntries(entries.slice(-limit));
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
      const selected = get().ui.selectedRowKey;
      let kept: Row | null = null;
      const after = sweepClosed(before, deps.now(), undefined, (row) => {
        if (row.key === selected) kept = row;
      });
      if (after !== before) set((s) => ({ conns: { ...s.conns, table: after, departed: kept ? withDeparted(s.conns.departed, kept) : s.conns.departed } }));
      if (after.closing.length > 0) scheduleSweep();
    }, CLOSED_ROW_LINGER_MS + 50);
  };

  const flush = () => {
    frameScheduled = false;
    // Until the snapshot is in, deltas wait (the snapshot decides which of them still apply).
    if (get().conns.seq < 0) return;
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
  /** The last filter of each cluster shown before (this session only). */
  const filters = new Map<string, FilterSpec>();
  const scheduleFlush = () => {
    if (frameScheduled) return;
    frameScheduled = true;
    deps.scheduleFrame(flush);
  };

  return {
    conns: initialConnections(),
    receiveDelta(delta) {
      if (delta.clusterId !== get().conns.clusterId) return;
      buffer.push(delta);
      scheduleFlush();
    },
    resetConnections(clusterId) {
      const previous = get().conns.clusterId;
      // Deltas of a cluster nobody shows should not cross the link (the core builds none for it).
      if (previous !== null && previous !== clusterId) deps.api.call('connections.unwatch', { clusterId: previous }).catch(() => {});
      buffer = [];
      const { sort, filter } = get().conns.table;
      // Filters belong to a cluster: the one typed for A is not applied to B by accident, and A's
      // comes back when A is shown again. The sort is a view preference and carries over.
      if (previous !== null) filters.set(previous, filter);
      const next = (clusterId !== null ? filters.get(clusterId) : undefined) ?? { field: 'any' as const, text: '' };
      set({ conns: { ...initialConnections(), clusterId, table: emptyTable(sort, next), loading: clusterId !== null } });
    },
    async resyncConnections() {
      const clusterId = get().conns.clusterId;
      if (clusterId === null || resyncing) return;
      resyncing = true;
      try {
        const snap = await deps.api.call('connections.watch', { clusterId });
        if (get().conns.clusterId !== clusterId) return;
        // Deltas buffered meanwhile with seq > snap.seq still apply on the next frame.
        buffer = buffer.filter((d) => d.seq > snap.seq || d.reset === true);
        set((s) => ({ conns: { ...s.conns, seq: snap.seq, table: loadRows(s.conns.table, snap.rows), loading: false } }));
        if (buffer.length > 0) scheduleFlush();
      } catch (err) {
        set((s) => ({ conns: { ...s.conns, loading: false } }));
        get().notify('error', `Could not load connections: ${deps.errorMessage(err)}`);
      } finally {
        resyncing = false;
      }
    },
    async reattachConnections() {
      buffer = [];
      set((s) => ({ conns: { ...s.conns, seq: -1 } }));
      await get().resyncConnections();
    },
    setSort: (sort) => set((s) => ({ conns: { ...s.conns, table: setSort(s.conns.table, sort) } })),
    setFilter: (filter) => set((s) => ({ conns: { ...s.conns, table: setFilter(s.conns.table, filter) } })),
    disconnectConnection: (input) => deps.api.call('connections.disconnect', input),
    toggleChecked: (key) =>
      set((s) => {
        const checked = new Set(s.conns.checked);
        if (!checked.delete(key)) checked.add(key);
        return { conns: { ...s.conns, checked } };
      }),
    setChecked: (keys) => set((s) => ({ conns: { ...s.conns, checked: new Set(keys) } })),
    async disconnectRows(keys) {
      const { clusterId, table } = get().conns;
      if (clusterId === null) return [];
      const rows = keys.map((k) => table.rows.get(k)).filter((r): r is Row => r !== undefined);
      const groups = [...groupByServer(rows)];
      const answers = await Promise.all(
        groups.map(async ([serverId, list]) => {
          try {
            const r = await deps.api.call('connections.disconnectMany', { clusterId, serverId, selector: { connectionIds: list.map((x) => x.c.connectionId) } });
            return resultsOf(list, r);
          } catch (err) {
            return failedAll(list, deps.errorMessage(err));
          }
        }),
      );
      const results = answers.flat();
      // Rows closed leave on their close events; the failed ones stay ticked for another try.
      set((s) => ({ conns: { ...s.conns, checked: new Set(results.filter((x) => !x.ok).map((x) => x.key)) } }));
      return results;
    },
    async disconnectClient(clientId) {
      const { clusterId, table } = get().conns;
      if (clusterId === null) return;
      const servers = [...groupByServer([...table.rows.values()].filter((r) => r.c.clientId === clientId)).keys()];
      let closed = 0;
      let failed = 0;
      const errors: string[] = [];
      await Promise.all(
        servers.map(async (serverId) => {
          try {
            const r = await deps.api.call('connections.disconnectMany', { clusterId, serverId, selector: { clientId } });
            for (const i of r.items) {
              if (i.ok) closed++;
              else failed++;
            }
          } catch (err) {
            failed++;
            errors.push(deps.errorMessage(err));
          }
        }),
      );
      get().notify(failed > 0 ? 'error' : 'info', `Client ${clientId}: closed ${closed} connection(s)${failed > 0 ? `; ${failed} failed${errors[0] ? ` (${errors[0]})` : ''}` : ''}`);
    },
    sampleChannels: () =>
      set((s) => {
        // A sample is a count of what is known to be live; while the backend or every server of the
        // cluster is away nothing is, and the chart shows a gap rather than a drop to zero.
        const st = s.conns.clusterId ? s.clusters.states[s.conns.clusterId] : undefined;
        const known = s.app.link.state === 'connected' && !!st && st.servers.some((x) => x.status === 'connected');
        return { conns: { ...s.conns, samples: pushSample(s.conns.samples, { atMs: deps.now(), counts: known ? { ...s.conns.table.perChannel } : null }) } };
      }),
  };
};
