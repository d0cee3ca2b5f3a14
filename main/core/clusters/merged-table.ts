import type { ConnectionInfo } from '../../../protocol/admin-connections';
import type { ConnectionRemoval, ConnectionRow } from '../../../protocol/console/clusters';
import { rowKeyOf } from '../../../protocol/console/clusters';

export interface MergedTableOptions {
  /** At most one delta per this many ms per cluster. Default 50. */
  batchMs?: number;
  /**
   * Upserts per push. A bigger batch (a 100k-row reset) is split over consecutive pushes, so no
   * single push blocks the main process or the renderer for long. Default 5000.
   */
  maxRowsPerDelta?: number;
  /**
   * Whether any renderer watches this table. While nobody does, changes are applied to the rows
   * but no delta is built or pushed (a watcher starts from a snapshot). Default: always.
   */
  isWatched?: () => boolean;
  /** Called when the number of rows a server reports changed (its status carries that count). */
  onShareSize?: (serverId: string) => void;
  /** Injected for tests. */
  now?: () => Date;
}

export const MERGED_TABLE_DEFAULTS = { batchMs: 50, maxRowsPerDelta: 5000 } as const;

/** Which server reports a row, as the row carries it. */
export interface RowSource {
  serverId: string;
  serverUrl: string;
}

/** How one kind of registry row (connections, outgoing connections, gateway legs) is merged. */
export interface MergeSpec<I, R> {
  /** Key across the whole cluster: the same thing seen through two servers has one key. */
  keyOf(info: I): string;
  /** The id the reporting server uses for it in removals (e.g. connectionId). */
  idOf(info: I): string;
  toRow(info: I, key: string, source: RowSource, staleSince: string | null): R;
}

export type Removal = ConnectionRemoval;

export interface MergedDelta<R> {
  clusterId: string;
  seq: number;
  reset?: boolean;
  upserts: R[];
  removals: Removal[];
  at: string;
}

export interface MergedSnapshot<R> {
  clusterId: string;
  seq: number;
  rows: R[];
}

interface Entry<I, R> {
  info: I;
  /** Servers reporting it, in the order they first did. */
  sources: Set<string>;
  staleSince: string | null;
  row: R;
}

interface ServerShare {
  url: string;
  /** The server's id of each row it reports → the row's key. */
  ids: Map<string, string>;
}

/**
 * The merged table of one open cluster — rows of any registry kind, merged over the cluster's
 * servers — and the batcher that turns its changes into delta pushes.
 *
 * A row is *live* while at least one live server (stream up and synced) reports it; otherwise it
 * is stale, and `staleSince` says since when (the moment the last live server reporting it was
 * lost). A server that comes back replaces only its own share (replaceServer): its rows become
 * live again as upserts, rows it no longer lists leave with code 0, other servers' rows stay.
 *
 * Changes between two pushes are coalesced: the last upsert of a row wins, an upsert followed by
 * its removal is just the removal, a reset swallows everything before.
 */
export class MergedTable<I, R extends { rowKey: string }> {
  private readonly entries = new Map<string, Entry<I, R>>();
  private readonly servers = new Map<string, ServerShare>();
  private readonly live = new Set<string>();
  private pendingUpserts = new Map<string, R>();
  private pendingRemovals = new Map<string, Removal>();
  private pendingReset = false;
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  private disposed = false;
  private readonly batchMs: number;
  private readonly maxRowsPerDelta: number;
  private readonly isWatched: () => boolean;
  private readonly onShareSize: (serverId: string) => void;
  private readonly now: () => Date;

  constructor(
    readonly clusterId: string,
    private readonly spec: MergeSpec<I, R>,
    private readonly push: (delta: MergedDelta<R>) => void,
    opts: MergedTableOptions = {},
  ) {
    this.batchMs = opts.batchMs ?? MERGED_TABLE_DEFAULTS.batchMs;
    this.maxRowsPerDelta = opts.maxRowsPerDelta ?? MERGED_TABLE_DEFAULTS.maxRowsPerDelta;
    if (!(this.maxRowsPerDelta >= 1)) throw new RangeError('maxRowsPerDelta must be at least 1');
    this.isWatched = opts.isWatched ?? (() => true);
    this.onShareSize = opts.onShareSize ?? (() => {});
    this.now = opts.now ?? (() => new Date());
  }

  get size(): number {
    return this.entries.size;
  }

  /** Rows this server reports (live or stale). */
  countFor(serverId: string): number {
    return this.servers.get(serverId)?.ids.size ?? 0;
  }

  /** Rows no live server reports. */
  staleCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.staleSince !== null) n++;
    return n;
  }

  isLive(serverId: string): boolean {
    return this.live.has(serverId);
  }

  /** A live server reports a row (opened or updated). */
  upsert(serverId: string, serverUrl: string, info: I): void {
    this.attach(serverId, serverUrl, info);
  }

  /** A server saw the row close: it leaves, whoever else reported it (they see one registry). */
  remove(serverId: string, id: string, why: Omit<Removal, 'rowKey'>): void {
    const key = this.servers.get(serverId)?.ids.get(id);
    if (key === undefined) return;
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    for (const s of e.sources) {
      if (this.servers.get(s)?.ids.delete(this.spec.idOf(e.info))) this.onShareSize(s);
    }
    this.queueRemoval({ rowKey: key, ...why });
  }

  /**
   * A server's stream (re)synced with these rows: it is live, its rows are current, and the rows
   * it reported before but no longer lists leave (code 0) unless another server still reports them.
   */
  replaceServer(serverId: string, serverUrl: string, infos: readonly I[]): void {
    const share = this.share(serverId, serverUrl);
    share.url = serverUrl;
    this.live.add(serverId);
    const listed = new Set<string>();
    for (const info of infos) listed.add(this.spec.keyOf(info));
    for (const [id, key] of [...share.ids]) {
      if (listed.has(key)) continue;
      share.ids.delete(id);
      this.onShareSize(serverId);
      this.detach(key, serverId, { code: 0, reason: `no longer listed by ${serverUrl} after a re-sync`, initiator: 'none' });
    }
    for (const info of infos) this.attach(serverId, serverUrl, info);
  }

  /**
   * A server is no longer live (its stream dropped, its token was refused): the rows only it
   * reported turn stale as of `at`; they stay until it re-syncs or leaves.
   */
  serverLost(serverId: string, at: string = this.now().toISOString()): void {
    if (!this.live.delete(serverId)) return;
    const share = this.servers.get(serverId);
    if (!share) return;
    for (const key of share.ids.values()) {
      const e = this.entries.get(key);
      if (e) this.refresh(key, e, at);
    }
  }

  /** A server left the cluster: the rows only it reported leave with `why`. */
  dropServer(serverId: string, why: Omit<Removal, 'rowKey'>): void {
    this.live.delete(serverId);
    const share = this.servers.get(serverId);
    if (!share) return;
    this.servers.delete(serverId);
    for (const key of share.ids.values()) this.detach(key, serverId, why);
    if (share.ids.size > 0) this.onShareSize(serverId);
  }

  /** Everything now, with the seq of the last push (later deltas apply on top, idempotently). */
  snapshot(): MergedSnapshot<R> {
    const rows: R[] = [];
    for (const e of this.entries.values()) rows.push(e.row);
    return { clusterId: this.clusterId, seq: this.seq, rows };
  }

  /** Forces the next push to be a full reset (the first push of a newly opened cluster). */
  requestReset(): void {
    if (!this.isWatched()) return;
    this.pendingReset = true;
    this.schedule();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.disposed) return;
    if (!this.isWatched()) {
      // Nobody to tell; whoever watches next starts from a snapshot.
      this.clearPending();
      return;
    }
    if (!this.pendingReset && this.pendingUpserts.size === 0 && this.pendingRemovals.size === 0) return;
    // A reset sends every row; the part past maxRowsPerDelta follows as plain upserts in the next pushes.
    const candidates = this.pendingReset ? this.snapshot().rows : [...this.pendingUpserts.values()];
    const upserts = candidates.slice(0, this.maxRowsPerDelta);
    const rest = candidates.slice(this.maxRowsPerDelta);
    const delta: MergedDelta<R> = {
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

  private share(serverId: string, url: string): ServerShare {
    let s = this.servers.get(serverId);
    if (!s) this.servers.set(serverId, (s = { url, ids: new Map() }));
    return s;
  }

  private attach(serverId: string, serverUrl: string, info: I): void {
    const key = this.spec.keyOf(info);
    const id = this.spec.idOf(info);
    const share = this.share(serverId, serverUrl);
    const before = share.ids.get(id);
    if (before !== undefined && before !== key) {
      share.ids.delete(id);
      this.detach(before, serverId, { code: 0, reason: `replaced on ${serverUrl}`, initiator: 'none' });
    }
    share.ids.set(id, key);
    if (before !== key) this.onShareSize(serverId);
    let e = this.entries.get(key);
    if (!e) {
      e = { info, sources: new Set([serverId]), staleSince: null, row: undefined as unknown as R };
      this.entries.set(key, e);
    } else {
      e.info = info;
      e.sources.add(serverId);
    }
    this.refresh(key, e, this.now().toISOString(), true);
  }

  /** Takes one server off a row; the row leaves with `why` when no server reports it any more. */
  private detach(key: string, serverId: string, why: Omit<Removal, 'rowKey'>): void {
    const e = this.entries.get(key);
    if (!e || !e.sources.delete(serverId)) return;
    if (e.sources.size === 0) {
      this.entries.delete(key);
      this.queueRemoval({ rowKey: key, ...why });
      return;
    }
    this.refresh(key, e, this.now().toISOString());
  }

  /** Recomputes a row's source and staleness; queues it when anything the row shows changed. */
  private refresh(key: string, e: Entry<I, R>, at: string, infoChanged = false): void {
    let liveSource: string | null = null;
    for (const s of e.sources) {
      if (this.live.has(s)) {
        liveSource = s;
        break;
      }
    }
    const staleSince = liveSource !== null ? null : (e.staleSince ?? at);
    const current = (e.row as (R & Partial<RowSource>) | undefined)?.serverId;
    // Keep the row's server while it still reports it and no better (live) one exists.
    const serverId = liveSource ?? (current !== undefined && e.sources.has(current) ? current : [...e.sources][0]!);
    if (!infoChanged && staleSince === e.staleSince && serverId === current) return;
    e.staleSince = staleSince;
    e.row = this.spec.toRow(e.info, key, { serverId, serverUrl: this.servers.get(serverId)?.url ?? '' }, staleSince);
    this.queueUpsert(e.row);
  }

  private queueUpsert(row: R): void {
    if (!this.isWatched()) return;
    this.pendingRemovals.delete(row.rowKey);
    this.pendingUpserts.set(row.rowKey, row);
    this.schedule();
  }

  private queueRemoval(r: Removal): void {
    if (!this.isWatched()) return;
    this.pendingUpserts.delete(r.rowKey);
    this.pendingRemovals.set(r.rowKey, r);
    this.schedule();
  }

  private clearPending(): void {
    this.pendingReset = false;
    this.pendingUpserts.clear();
    this.pendingRemovals.clear();
  }

  private schedule(): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => this.flush(), this.batchMs);
  }
}

/** The connections registry: rows keyed by node + connection id. */
export const connectionMerge: MergeSpec<ConnectionInfo, ConnectionRow> = {
  keyOf: (c) => rowKeyOf(c.node, c.connectionId),
  idOf: (c) => c.connectionId,
  toRow: (c, rowKey, src, staleSince) => ({ ...c, rowKey, serverId: src.serverId, serverUrl: src.serverUrl, staleSince }),
};

export type ConnectionTable = MergedTable<ConnectionInfo, ConnectionRow>;

export function createConnectionTable(clusterId: string, push: (delta: MergedDelta<ConnectionRow>) => void, opts: MergedTableOptions = {}): ConnectionTable {
  return new MergedTable(clusterId, connectionMerge, push, opts);
}
