import type { AdminEvent } from '../../../protocol/admin-events';
import type { ConnectionInfo, ConnectionList } from '../../../protocol/admin-connections';
import type { ServerInfo } from '../../../protocol/admin-config';
import type { Outgoing } from '../../../protocol/admin-outgoing';
import type { ServerStatus, ServerStatusKind, TlsOptions } from '../../../protocol/console/clusters';
import { nowIso } from '../../../protocol/time';
import { Lifecycle, type TransitionTable } from '../../../common/lifecycle';
import { AdminClient } from './admin-client';
import type { ConnectionTable } from './merged-table';
import { AdminApiError } from '../contract/errors';
import { AdminStreamClient, type AdminStreamOptions } from './admin-stream';

export interface ServerLinkOptions {
  serverId: string;
  url: string;
  tls: TlsOptions;
  token: string | null;
  table: ConnectionTable;
  /** Called whenever anything in statusSnapshot() changed. */
  onChange: () => void;
  /** A channel, security definition or topic changed on this server (from the events stream). */
  onConfigChanged?: (change: { kind: 'channel' | 'security' | 'topic'; name: string; at: string }) => void;
  /** An outgoing connection of this server changed (null: deleted). */
  onOutgoing?: (change: { name: string; outgoing: Outgoing | null }) => void;
  /** Rows per page of the initial GET /connections. Default 5000 (the API's maximum). */
  pageLimit?: number;
  /** Admin HTTP timeout. Default 10 000 ms. */
  requestTimeoutMs?: number;
  stream?: Partial<Omit<AdminStreamOptions, 'url' | 'connectOptions'>>;
}

export const SERVER_LINK_DEFAULTS = { pageLimit: 5000, requestTimeoutMs: 10_000 } as const;

/**
 * Every move a server's status may make. A stream failure before the first sync is `unreachable`,
 * after it `reconnecting`; a refused token is `auth-failed` from anywhere; Retry now leaves
 * `auth-failed` or `unreachable` for `connecting`; stop closes from anywhere.
 */
const SERVER_LINK_MOVES: TransitionTable<ServerStatusKind> = {
  closed: ['connecting', 'closed'],
  connecting: ['connected', 'unreachable', 'reconnecting', 'auth-failed', 'closed'],
  connected: ['reconnecting', 'auth-failed', 'closed'],
  reconnecting: ['connected', 'unreachable', 'auth-failed', 'connecting', 'closed'],
  unreachable: ['connected', 'connecting', 'auth-failed', 'closed'],
  'auth-failed': ['connecting', 'connected', 'unreachable', 'closed'],
};

/**
 * One server of an open cluster: its admin client, its events stream and its share of the merged
 * table. On every `ready` frame it re-syncs: events are buffered while all pages of
 * GET /connections are fetched, the server's share of the rows is replaced (it is live from then
 * on), then the buffer is replayed. Upserts and removals are idempotent, so an event that overlaps
 * a page is harmless. Whenever the server stops being live — the stream drops, the token is
 * refused, a re-sync fails — its rows turn stale at once (MergedTable.serverLost).
 */
export class ServerLink {
  readonly client: AdminClient;
  private readonly stream: AdminStreamClient;
  private readonly status = new Lifecycle<ServerStatusKind, string | null>('server link', SERVER_LINK_MOVES, 'closed');
  private reason: string | null = null;
  private nextRetryAt: string | null = null;
  private info: ServerInfo | null = null;
  private role: 'viewer' | 'operator' | null = null;
  private tokenName: string | null = null;
  private rttMs: number | null = null;
  private everConnected = false;
  /** Bumped on each ready frame, so a sync that lost the race is discarded. */
  private generation = 0;
  private buffer: AdminEvent[] | null = null;
  private readonly disposers: Array<() => void> = [];

  constructor(private readonly opts: ServerLinkOptions) {
    this.client = new AdminClient({ baseUrl: opts.url, token: opts.token, tls: opts.tls, timeoutMs: opts.requestTimeoutMs ?? SERVER_LINK_DEFAULTS.requestTimeoutMs });
    this.stream = new AdminStreamClient({ ...opts.stream, url: this.client.eventsUrl(), connectOptions: () => this.client.wsOptions() });
    this.disposers.push(
      this.stream.on('state', ({ to }) => {
        if (to === 'connecting' && !this.everConnected && !this.status.is('unreachable')) this.setKind('connecting', null);
        if (to === 'connecting') this.nextRetryAt = null;
        this.opts.onChange();
      }),
      this.stream.on('failure', (f) => {
        this.lost();
        if (f.kind === 'auth') this.setKind('auth-failed', f.message);
        else this.setKind(this.status.is('connected') ? 'reconnecting' : 'unreachable', f.message);
        this.buffer = null;
        this.generation++;
      }),
      this.stream.on('retry', ({ at }) => {
        this.nextRetryAt = at;
        this.opts.onChange();
      }),
      this.stream.on('rtt', (ms) => {
        this.rttMs = Math.round(ms * 10) / 10;
        this.opts.onChange();
      }),
      this.stream.on('frame', (frame) => {
        switch (frame.type) {
          case 'ready':
            this.info = frame.server;
            void this.sync(++this.generation);
            return;
          case 'events':
            if (this.buffer) this.buffer.push(...frame.events);
            else for (const e of frame.events) this.apply(e);
            return;
          default: {
            const never: never = frame;
            return never;
          }
        }
      }),
    );
  }

  get id(): string {
    return this.opts.serverId;
  }
  get url(): string {
    return this.opts.url;
  }
  get connected(): boolean {
    return this.status.is('connected');
  }

  start(): void {
    this.stream.start();
  }

  /** Tries again now instead of at nextRetryAt (also after an auth failure). No-op while connected. */
  retryNow(): void {
    if (this.status.is('connected')) return;
    this.nextRetryAt = null;
    this.stream.retryNow();
    this.opts.onChange();
  }

  async stop(): Promise<void> {
    this.generation++;
    await this.stream.stop();
    for (const d of this.disposers.splice(0)) d();
    this.client.close();
    this.status.tryTo('closed', null);
    this.status.dispose();
  }

  statusSnapshot(): ServerStatus {
    return {
      serverId: this.opts.serverId,
      url: this.opts.url,
      status: this.status.state,
      reason: this.reason,
      nextRetryAt: this.nextRetryAt,
      attempts: this.stream.failedAttempts,
      info: this.info,
      role: this.role,
      tokenName: this.tokenName,
      rttMs: this.status.is('connected') ? this.rttMs : null,
      connections: this.opts.table.countFor(this.opts.serverId),
      insecureTls: this.opts.url.startsWith('https:') && this.opts.tls.allowSelfSigned,
      since: new Date(this.status.enteredAt).toISOString(),
    };
  }

  /** No longer live: rows turn stale, and the last RTT is no measurement of the next connection. */
  private lost(): void {
    this.opts.table.serverLost(this.opts.serverId, nowIso());
    this.rttMs = null;
  }

  private setKind(kind: ServerStatusKind, reason: string | null): void {
    // Same state, new words (a second refused connect): only the reason changes, `since` does not.
    if (kind !== this.status.state) this.status.to(kind, reason);
    this.reason = reason;
    this.opts.onChange();
  }

  private async sync(gen: number): Promise<void> {
    this.buffer = [];
    try {
      const [who, info] = await Promise.all([
        this.client.call('server.whoami', {}),
        this.client.call('server.info', {}),
      ]);
      const rows: ConnectionInfo[] = [];
      const limit = this.opts.pageLimit ?? SERVER_LINK_DEFAULTS.pageLimit;
      let cursor: string | null = null;
      do {
        const page: ConnectionList = await this.client.call('connections.list', { query: { limit, ...(cursor ? { cursor } : {}) } });
        if (gen !== this.generation) return;
        rows.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      if (gen !== this.generation) return;
      this.role = who.role;
      this.tokenName = who.token;
      this.info = info;
      this.rttMs ??= this.client.lastRttMs;
      this.opts.table.replaceServer(this.opts.serverId, this.opts.url, rows);
      const buffered = this.buffer ?? [];
      this.buffer = null;
      for (const e of buffered) this.apply(e);
      this.everConnected = true;
      this.setKind('connected', null);
    } catch (err) {
      if (gen !== this.generation) return;
      this.buffer = null;
      if (err instanceof AdminApiError && (err.status === 401 || err.status === 403)) {
        this.generation++;
        void this.stream.stop();
        this.lost();
        this.setKind('auth-failed', err.message);
        return;
      }
      this.stream.restart(`re-sync failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private apply(e: AdminEvent): void {
    const { table, serverId, url } = this.opts;
    switch (e.type) {
      case 'connection.opened':
      case 'connection.updated':
        table.upsert(serverId, url, e.connection);
        return;
      case 'connection.closed':
        table.remove(serverId, e.connectionId, { code: e.code, reason: e.reason, initiator: e.initiator });
        return;
      case 'channel.changed':
      case 'security.changed':
      case 'topic.changed':
        // Config lists are fetched on demand by the UI; it is told to refetch.
        this.opts.onConfigChanged?.({ kind: e.type === 'channel.changed' ? 'channel' : e.type === 'security.changed' ? 'security' : 'topic', name: e.name, at: e.at });
        return;
      case 'subscription.created':
      case 'subscription.deleted':
      case 'gateway.session.opened':
      case 'gateway.session.closed':
        // Subscriptions (the drawer) and routed sessions (the gateway screen) are fetched on demand.
        return;
      case 'outgoing.updated':
        this.opts.onOutgoing?.({ name: e.name, outgoing: e.outgoing });
        return;
      default: {
        const never: never = e;
        return never;
      }
    }
  }
}
