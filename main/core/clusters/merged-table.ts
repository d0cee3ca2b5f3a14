import type { ConnectionInfo } from '../../../protocol/admin-connections';
import type { ConnectionRemoval, ConnectionRow, ConnectionsDelta, ConnectionSnapshot } from '../../../protocol/console/clusters';
import { rowKeyOf } from '../../../protocol/console/clusters';

export interface MergedTableOptions {
  /** At most one delta per this many ms per cluster. Default 50. */
  batchMs?: number;
  /**
   * Upserts per push. A bigger batch (a 100k-row reset) is split over consecutive pushes, so no
   * single push blocks the main process or the renderer for long. Default 5000.
   */
  maxRowsPerDelta?: number;
  /** Injected for tests. */
  now?: () => Date;
}

export const MERGED_TABLE_DEFAULTS = { batchMs: 50, maxRowsPerDelta: 5000 } as const;

/**
 * The merged connection table of one open cluster, and the batcher that turns its changes into
 * `connections.delta` pushes. Changes between two pushes are coalesced: the last upsert of a row
 * wins, an upsert followed by its removal is just the removal, a reset swallows everything before.
 */
export class MergedTable {
  private readonly rows = new Map<string, ConnectionRow>();
  private pendingUpserts = new Map<string, ConnectionRow>();
  private pendingRemovals = new Map<string, ConnectionRemoval>();
  private pendingReset = false;
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  private disposed = false;
  private readonly batchMs: number;
  private readonly maxRowsPerDelta: number;
  private readonly now: () => Date;

  constructor(
    readonly clusterId: string,
    private readonly push: (delta: ConnectionsDelta) => void,
    opts: MergedTableOptions = {},
  ) {
    this.batchMs = opts.batchMs ?? MERGED_TABLE_DEFAULTS.batchMs;
    this.maxRowsPerDelta = opts.maxRowsPerDelta ?? MERGED_TABLE_DEFAULTS.maxRowsPerDelta;
    if (!(this.maxRowsPerDelta >= 1)) throw new RangeError('maxRowsPerDelta must be at least 1');
    this.now = opts.now ?? (() => new Date());
  }

  get size(): number {
    return this.rows.size;
  }

  countFor(serverId: string): number {
    let n = 0;
    for (const r of this.rows.values()) if (r.serverId === serverId) n++;
    return n;
  }

  upsert(serverId: string, serverUrl: string, info: ConnectionInfo): void {
    const row: ConnectionRow = { ...info, rowKey: rowKeyOf(serverId, info.connectionId), serverId, serverUrl };
    this.rows.set(row.rowKey, row);
    this.pendingRemovals.delete(row.rowKey);
    this.pendingUpserts.set(row.rowKey, row);
    this.schedule();
  }

  remove(serverId: string, connectionId: string, why: Omit<ConnectionRemoval, 'rowKey'>): void {
    const rowKey = rowKeyOf(serverId, connectionId);
    const existed = this.rows.delete(rowKey);
    const wasPending = this.pendingUpserts.delete(rowKey);
    if (!existed && !wasPending) return;
    this.pendingRemovals.set(rowKey, { rowKey, ...why });
    this.schedule();
  }

  /** A server's stream (re)synced: its rows are replaced wholesale and the next push is a reset. */
  replaceServer(serverId: string, serverUrl: string, infos: readonly ConnectionInfo[]): void {
    for (const [k, r] of this.rows) if (r.serverId === serverId) this.rows.delete(k);
    for (const info of infos) {
      const row: ConnectionRow = { ...info, rowKey: rowKeyOf(serverId, info.connectionId), serverId, serverUrl };
      this.rows.set(row.rowKey, row);
    }
    this.pendingReset = true;
    this.pendingUpserts.clear();
    this.pendingRemovals.clear();
    this.schedule();
  }

  /** A server left the cluster (profile edit, auth failure): its rows leave with `why`. */
  dropServer(serverId: string, why: Omit<ConnectionRemoval, 'rowKey'>): void {
    for (const [k, r] of this.rows) {
      if (r.serverId !== serverId) continue;
      this.rows.delete(k);
      this.pendingUpserts.delete(k);
      this.pendingRemovals.set(k, { rowKey: k, ...why });
    }
    this.schedule();
  }

  /** Everything now, with the seq of the last push (later deltas apply on top, idempotently). */
  snapshot(): ConnectionSnapshot {
    return { clusterId: this.clusterId, seq: this.seq, rows: [...this.rows.values()] };
  }

  /** Forces the next push to be a full reset (a renderer asked to start over). */
  requestReset(): void {
    this.pendingReset = true;
    this.schedule();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.disposed) return;
    if (!this.pendingReset && this.pendingUpserts.size === 0 && this.pendingRemovals.size === 0) return;
    // A reset sends every row; the part past maxRowsPerDelta follows as plain upserts in the next pushes.
    const candidates = this.pendingReset ? [...this.rows.values()] : [...this.pendingUpserts.values()];
    const upserts = candidates.slice(0, this.maxRowsPerDelta);
    const rest = candidates.slice(this.maxRowsPerDelta);
    const delta: ConnectionsDelta = {
      clusterId: this.clusterId,
      seq: ++this.seq,
      ...(this.pendingReset ? { reset: true } : {}),
      upserts,
      removals: this.pendingReset ? [] : [...this.pendingRemovals.values()],
      at: this.now().toISOString(),
    };
    this.pendingReset = false;
    this.pendingUpserts = new Map(rest.map((r) => [r.rowKey, r]));
    this.pendingRemovals = new Map();
    this.push(delta);
    if (this.pendingUpserts.size > 0) this.schedule();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.disposed = true;
  }

  private schedule(): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => this.flush(), this.batchMs);
  }
}
