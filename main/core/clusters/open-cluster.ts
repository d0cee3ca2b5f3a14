import type { ClusterState, ConfigChanged, ConnectionsDelta, TlsOptions } from '../../../protocol/console/clusters';
import type { OutgoingChanged } from '../../../protocol/console/outgoing';
import { ErrorCode } from '../../../protocol/errors';
import { createConnectionTable, type ConnectionTable } from './merged-table';
import { ConsoleError } from '../contract/errors';
import type { AdminStreamOptions } from './admin-stream';
import { ServerLink } from './server-link';

export interface ClusterServer {
  id: string;
  url: string;
  tls: TlsOptions;
  token: string | null;
}

export interface OpenClusterOptions {
  /** connections.delta batching window. Default 50 ms. */
  deltaBatchMs?: number;
  /** cluster.status coalescing window. Default 50 ms. */
  statusBatchMs?: number;
  stream?: Partial<Omit<AdminStreamOptions, 'url' | 'connectOptions'>>;
  requestTimeoutMs?: number;
  pageLimit?: number;
  /** Whether a renderer watches this cluster's table (no deltas are built otherwise). Default: always. */
  isWatched?: (clusterId: string) => boolean;
  /** Receives channel/security/topic change notices of every server (config.changed). */
  onConfigChanged?: (change: ConfigChanged) => void;
  /** Receives outgoing connection changes of every server (outgoing.changed). */
  onOutgoing?: (change: OutgoingChanged) => void;
}

/** An open cluster: one ServerLink per server feeding one merged connection table. */
export class OpenCluster {
  readonly table: ConnectionTable;
  private readonly links = new Map<string, ServerLink>();
  private statusTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly statusBatchMs: number;

  constructor(
    readonly clusterId: string,
    servers: readonly ClusterServer[],
    private readonly onDelta: (delta: ConnectionsDelta) => void,
    private readonly onStatus: (state: ClusterState) => void,
    opts: OpenClusterOptions = {},
  ) {
    this.statusBatchMs = opts.statusBatchMs ?? 50;
    const isWatched = opts.isWatched;
    this.table = createConnectionTable(clusterId, onDelta, {
      batchMs: opts.deltaBatchMs ?? 50,
      // Each server's status carries its row count: a changed count is a (coalesced) status push.
      onShareSize: () => this.scheduleStatus(),
      ...(isWatched ? { isWatched: () => isWatched(clusterId) } : {}),
    });
    for (const s of servers) {
      this.links.set(s.id, new ServerLink({
        serverId: s.id, url: s.url, tls: s.tls, token: s.token, table: this.table,
        onChange: () => this.scheduleStatus(),
        onConfigChanged: (c) => opts.onConfigChanged?.({ clusterId, serverId: s.id, ...c }),
        onOutgoing: (c) => opts.onOutgoing?.({ clusterId, serverId: s.id, ...c }),
        ...(opts.stream ? { stream: opts.stream } : {}),
        ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
        ...(opts.pageLimit !== undefined ? { pageLimit: opts.pageLimit } : {}),
      }));
    }
  }

  start(): void {
    for (const l of this.links.values()) l.start();
    // The first push of an open cluster is always a reset, even if it is empty so far.
    this.table.requestReset();
  }

  state(): ClusterState {
    return { clusterId: this.clusterId, open: !this.stopped, servers: [...this.links.values()].map((l) => l.statusSnapshot()) };
  }

  /** The server a call goes to: the named one, else the first connected, else the first. */
  link(serverId: string | undefined): ServerLink {
    if (serverId !== undefined) {
      const l = this.links.get(serverId);
      if (!l) throw ConsoleError.of(ErrorCode.NotFound, `server ${serverId} is not part of this cluster`, { field: 'serverId' });
      return l;
    }
    const all = [...this.links.values()];
    const l = all.find((x) => x.connected) ?? all[0];
    if (!l) throw ConsoleError.of(ErrorCode.Unavailable, 'this cluster has no servers');
    return l;
  }

  /** The connected servers, each with its admin client. */
  connectedServers(): { serverId: string; client: ServerLink['client'] }[] {
    return [...this.links.values()].filter((l) => l.connected).map((l) => ({ serverId: l.id, client: l.client }));
  }

  /** Every server that is not connected tries again now. */
  retry(): void {
    for (const l of this.links.values()) l.retryNow();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = null;
    await Promise.all([...this.links.values()].map((l) => l.stop()));
    this.table.dispose();
    this.onStatus(this.state());
  }

  private scheduleStatus(): void {
    if (this.statusTimer || this.stopped) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      if (!this.stopped) this.onStatus(this.state());
    }, this.statusBatchMs);
  }
}
