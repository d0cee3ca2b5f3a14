import { hostname } from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { ClusterNodeSchema, type ClusterNode } from '../../protocol/admin-cluster';
import type { ConnectionInfo, ConnectionList, ConnectionListQuery } from '../../protocol/admin-connections';
import type { RegistryEntry } from '../connections/registry';
import { SbError } from '../errors';
import type { EventBus } from '../event-bus';
import type { Logger } from '../logger';
import { indexMember, type ClusterKeys } from './keys';
import { listConnections, parseInfo, readInfos, safeJson } from './registry-reads';
import type { ClusterConfig } from './options';
import { unavailable, type RedisLink } from './redis-link';

/** What the node keeps about itself in `{ns}:nodes` (the state is derived when read). */
type NodeRecord = Omit<ClusterNode, 'state'>;

/** What this registry needs of the node's own live registry. */
export interface LocalRegistry<T extends RegistryEntry> {
  readonly size: number;
  get(connectionId: string): T | undefined;
  values(): IterableIterator<T>;
}

export interface ClusterRegistryDeps<T extends RegistryEntry> {
  link: RedisLink;
  keys: ClusterKeys;
  config: ClusterConfig;
  nodeId: string;
  name: string;
  version: string;
  startedAt: string;
  adminUrl(): string | null;
  local: LocalRegistry<T>;
  events: EventBus;
  logger: Logger;
}

/** A lost node's record is kept this long (the console shows it as lost), then forgotten. */
export const LOST_NODE_KEEP_MS = 3_600_000;
const SCAN_BATCH = 1000;


/**
 * The cluster-wide registry in Redis. Each node writes its own connections (batched every
 * registryFlushMs) and a heartbeat key with a TTL of nodeTtlMs; every node checks the others'
 * heartbeats, and the first survivor to take a node's reap lock removes a lost node's rows and
 * tells every node (bus `node-lost`), which then emits connection.closed with initiator `node-lost`.
 * Reads (list, get, owner) go to Redis, so any node's admin API sees the whole cluster.
 */
export class ClusterRegistry<T extends RegistryEntry> {
  private readonly dirty = new Set<string>();
  /** Index member written for each of our connections (a login changes it). */
  private readonly written = new Map<string, string>();
  private needResync = true;
  private flushing = false;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly lag: IntervalHistogram;
  private unsubscribe: (() => void) | null = null;
  private stopped = false;
  /** The node list of the last heartbeat: what a degraded node shows. */
  private lastRead: NodeRecord[] = [];

  constructor(private readonly d: ClusterRegistryDeps<T>) {
    this.lag = monitorEventLoopDelay({ resolution: 20 });
  }

  async start(): Promise<void> {
    this.lag.enable();
    this.unsubscribe = this.d.events.subscribe((e) => {
      if (e.type === 'connection.opened' || e.type === 'connection.updated') {
        if (e.connection.node === this.d.nodeId) this.dirty.add(e.connection.connectionId);
      }
      else if (e.type === 'connection.closed' && e.initiator !== 'node-lost') this.dirty.add(e.connectionId);
    });
    // Back from an outage: Redis may have restarted empty, or others may have reaped us; rewrite all.
    this.d.link.onState((s) => {
      if (s === 'healthy') {
        this.needResync = true;
        void this.heartbeat();
      }
    });
    await this.heartbeat();
    await this.flush();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.d.config.heartbeatMs);
    this.flushTimer = setInterval(() => void this.flush(), this.d.config.registryFlushMs);
    this.heartbeatTimer.unref();
    this.flushTimer.unref();
  }

  /** Graceful leave: our rows and node record go at once (others need not wait for the TTL). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.unsubscribe?.();
    this.lag.disable();
    if (this.d.link.state !== 'healthy') return;
    try {
      await this.removeRowsOf(this.d.nodeId);
      await this.d.link.cmd.multi().hdel(this.d.keys.nodes, this.d.nodeId).del(this.d.keys.alive(this.d.nodeId)).exec();
    } catch (err) {
      this.d.logger.warn('could not remove this node from the cluster registry; others will after nodeTtlMs', { err: String(err) });
    }
  }

  private record(): NodeRecord {
    const lag = this.lag.count > 0 ? this.lag.percentile(99) / 1e6 : 0;
    this.lag.reset();
    return {
      nodeId: this.d.nodeId,
      name: this.d.name,
      adminUrl: this.d.adminUrl(),
      hostname: hostname(),
      pid: process.pid,
      version: this.d.version,
      startedAt: this.d.startedAt,
      heartbeatAt: new Date().toISOString(),
      connections: this.d.local.size,
      eventLoopLagMs: Math.round(lag * 10) / 10,
      lostAt: null,
    };
  }

  private async heartbeat(): Promise<void> {
    if (this.stopped || this.d.link.state !== 'healthy') return;
    const { cmd } = this.d.link;
    const k = this.d.keys;
    try {
      const res = await cmd.multi()
        .exists(k.alive(this.d.nodeId))
        .set(k.alive(this.d.nodeId), '1', 'PX', this.d.config.nodeTtlMs)
        .hset(k.nodes, this.d.nodeId, JSON.stringify(this.record()))
        .del(k.reap(this.d.nodeId))
        .exec();
      // Our heartbeat key had expired: we may have been reaped (rows removed) — write them again.
      if (res?.[0]?.[1] === 0) this.needResync = true;
      await this.reapLost();
    } catch (err) {
      this.d.logger.debug('heartbeat failed', { err: String(err) });
    }
  }

  /** Finds nodes whose heartbeat key expired; the survivor that takes the reap lock removes their rows. */
  private async reapLost(): Promise<void> {
    const { cmd } = this.d.link;
    const k = this.d.keys;
    const nodes = await this.readNodes();
    this.lastRead = nodes;
    const candidates = nodes.filter((n) => n.nodeId !== this.d.nodeId && n.lostAt === null);
    const now = Date.now();
    const forget = nodes.filter((n) => n.lostAt !== null && now - Date.parse(n.lostAt) > LOST_NODE_KEEP_MS).map((n) => n.nodeId);
    if (forget.length > 0) await cmd.hdel(k.nodes, ...forget);
    if (candidates.length === 0) return;
    const pipe = cmd.pipeline();
    for (const n of candidates) pipe.exists(k.alive(n.nodeId));
    const alive = (await pipe.exec()) ?? [];
    for (const [i, n] of candidates.entries()) {
      if (alive[i]?.[1] !== 0) continue;
      const won = await cmd.set(k.reap(n.nodeId), this.d.nodeId, 'PX', this.d.config.nodeTtlMs, 'NX');
      if (won !== 'OK') continue;
      const removed = await this.removeRowsOf(n.nodeId);
      await cmd.hset(k.nodes, n.nodeId, JSON.stringify({ ...n, lostAt: new Date().toISOString(), connections: 0 }));
      this.d.logger.warn('node lost: no heartbeat within nodeTtlMs; its connections left the registry', { node: n.nodeId, connections: removed.length });
      await cmd.publish(k.bus, JSON.stringify({ type: 'node-lost', node: n.nodeId, connections: removed }));
    }
  }

  /** Deletes a node's rows; returns what they were (for connection.closed events). */
  private async removeRowsOf(node: string): Promise<{ connectionId: string; clientId: string | null; channel: string }[]> {
    const { cmd } = this.d.link;
    const k = this.d.keys;
    const ids = await cmd.smembers(k.connsOf(node));
    const out: { connectionId: string; clientId: string | null; channel: string }[] = [];
    for (let i = 0; i < ids.length; i += SCAN_BATCH) {
      const slice = ids.slice(i, i + SCAN_BATCH);
      const rows = await cmd.hmget(k.conns, ...slice);
      const m = cmd.multi();
      rows.forEach((raw, j) => {
        const id = slice[j]!;
        const info = raw ? parseInfo(raw) : null;
        // Only rows this node still owns: a connection ID is never reused, but be exact anyway.
        if (info && info.node !== node) return;
        if (info) {
          m.zrem(k.connIndex, indexMember(info.clientId, id));
          out.push({ connectionId: id, clientId: info.clientId, channel: info.channel });
        }
        m.hdel(k.conns, id);
      });
      await m.exec();
    }
    await cmd.del(k.connsOf(node));
    if (node === this.d.nodeId) this.written.clear();
    return out;
  }

  /** Writes what changed since the last flush; after an outage (or at start) rewrites all our rows. */
  private async flush(): Promise<void> {
    if (this.flushing || this.stopped || this.d.link.state !== 'healthy') return;
    this.flushing = true;
    try {
      if (this.needResync) {
        this.needResync = false;
        this.dirty.clear();
        await this.removeRowsOf(this.d.nodeId);
        const all = [...this.d.local.values()].map((c) => c.connectionId);
        for (let i = 0; i < all.length; i += SCAN_BATCH) await this.write(all.slice(i, i + SCAN_BATCH));
        return;
      }
      if (this.dirty.size === 0) return;
      const ids = [...this.dirty];
      this.dirty.clear();
      await this.write(ids);
    } catch (err) {
      this.needResync = true;
      this.d.logger.debug('registry flush failed; rewriting all rows when Redis answers', { err: String(err) });
    } finally {
      this.flushing = false;
    }
  }

  private async write(ids: readonly string[]): Promise<void> {
    const k = this.d.keys;
    const m = this.d.link.cmd.multi();
    for (const id of ids) {
      const c = this.d.local.get(id);
      const prev = this.written.get(id);
      if (c) {
        const info = c.info();
        const member = indexMember(info.clientId, id);
        if (prev !== undefined && prev !== member) m.zrem(k.connIndex, prev);
        m.hset(k.conns, id, JSON.stringify(info));
        m.zadd(k.connIndex, 0, member);
        m.sadd(k.connsOf(this.d.nodeId), id);
        this.written.set(id, member);
      } else if (prev !== undefined) {
        m.hdel(k.conns, id);
        m.zrem(k.connIndex, prev);
        m.srem(k.connsOf(this.d.nodeId), id);
        this.written.delete(id);
      }
    }
    await m.exec();
  }

  // ---- reads -----------------------------------------------------------------------------

  async readNodes(): Promise<NodeRecord[]> {
    const raw = await this.d.link.cmd.hgetall(this.d.keys.nodes);
    const out: NodeRecord[] = [];
    for (const j of Object.values(raw)) {
      const r = ClusterNodeSchema.omit({ state: true }).safeParse(safeJson(j));
      if (r.success) out.push(r.data);
    }
    return out.sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
  }

  /** Every known node with its state (alive / suspect / lost). */
  async nodes(): Promise<ClusterNode[]> {
    this.d.link.require('cluster.nodes');
    this.lastRead = await this.readNodes().catch((err: unknown) => { throw unavailable('cluster.nodes', err); });
    return this.withStates(this.lastRead);
  }

  /** The list as of the last successful read (heartbeat or nodes()), states as of now. */
  lastNodes(): ClusterNode[] {
    return this.withStates(this.lastRead);
  }

  private withStates(records: readonly NodeRecord[]): ClusterNode[] {
    const now = Date.now();
    return records.map((n) => ({
      ...n,
      state: n.lostAt !== null ? 'lost' : now - Date.parse(n.heartbeatAt) > 2 * this.d.config.heartbeatMs ? 'suspect' : 'alive',
    }));
  }

  /** The node holding a connection: ours, another's, or undefined when no node has it. */
  async owner(connectionId: string): Promise<ConnectionInfo | undefined> {
    const c = this.d.local.get(connectionId);
    if (c) return c.info();
    this.d.link.require('connection lookup');
    const raw = await this.d.link.cmd.hget(this.d.keys.conns, connectionId).catch((err: unknown) => { throw unavailable('connection lookup', err); });
    return raw ? (parseInfo(raw) ?? undefined) : undefined;
  }

  /** A logged-in connection of `clientId` on another node; undefined when none, or while Redis is away (the local check still holds). */
  async remoteHolder(clientId: string): Promise<{ node: string; connectionId: string } | undefined> {
    if (this.d.link.state !== 'healthy') return undefined;
    try {
      const members = await this.d.link.cmd.zrangebylex(this.d.keys.connIndex, `[${clientId}\u0000`, `(${clientId}\u0001`, 'LIMIT', 0, 20);
      const found = (await readInfos(this.d.link.cmd, this.d.keys, members)).find((i) => i.node !== this.d.nodeId && i.state === 'logged-in');
      return found ? { node: found.node, connectionId: found.connectionId } : undefined;
    } catch {
      return undefined;
    }
  }

  /** The whole cluster's connections, paged in the single-node registry's order with the same cursor. */
  async list(query: ConnectionListQuery): Promise<ConnectionList> {
    this.d.link.require('connections.list');
    try {
      return await listConnections(this.d.link.cmd, this.d.keys, query);
    } catch (err) {
      if (err instanceof SbError) throw err;
      throw unavailable('connections.list', err);
    }
  }
}
