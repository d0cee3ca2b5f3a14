import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { ServerInfo } from '../protocol/admin-config';
import type { ConnectionListQuery, DisconnectResult } from '../protocol/admin-connections';
import type { HelloFrame } from '../protocol/client-frames';
import { CloseCode, isSendableCloseCode, MAX_CLOSE_REASON_BYTES, utf8Length } from '../protocol/close-codes';
import { ErrorCode } from '../protocol/errors';
import { startAdminServer, type RunningAdminServer } from './admin/index';
import { ChannelManager, type ChannelRuntime } from './channels/channel-manager';
import { ListenerPool } from './channels/listener-pool';
import { parseServerConfig, type ServerConfig, type ServerConfigInput } from './config';
import type { ServerControl } from './control/control';
import { SbError } from './errors';
import { EventBus } from './event-bus';
import { createLogger, type Logger } from './logger';
import { PubSubEngine } from './pubsub/engine';
import { SecurityManager } from './security/security-manager';
import { loadServices, type ServiceHandler } from './services/services';
import { Registry } from './connections/registry';
import { ReverseDns } from './connections/reverse-dns';
import type { SbSocket } from './connections/sb-socket';
import { InboundConnection } from './connections/inbound-connection';
import type { ConnectionHost } from './connections/connection-host';
import { SqliteConfigStore } from './store/config-store';
import { openDatabase, type Db } from './store/sqlite/db';
import { MetaStore } from './store/sqlite/meta-store';
import { seedStore } from './seed';

export interface RunningServer extends ServerControl {
  /** e.g. http://127.0.0.1:7070, or null when the admin API is disabled. */
  readonly adminUrl: string | null;
  readonly config: ServerConfig;
  /** The channel's actual ws:// URL (with the bound port when it asked for port 0). */
  channelUrl(name: string): string;
  /** Graceful: stop accepting, 1001 to every client, release everything. */
  close(): Promise<void>;
}

/** Our package.json's version; the nearest one named switchboard, since bundles live deeper (out/main/). */
function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'switchboard' && pkg.version) return pkg.version;
    } catch {
      // not there; try the next candidate
    }
  }
  return '0.0.0';
}

export const SERVER_VERSION = readVersion();

/** Starts a Switchboard server from a (raw) configuration. Relative paths resolve against opts.configDir (default: cwd). */
export async function startServer(input: ServerConfigInput, opts: { configDir?: string } = {}): Promise<RunningServer> {
  const config = parseServerConfig(input);
  const configDir = resolve(opts.configDir ?? process.cwd());
  const logger = createLogger(config.logLevel);
  const services = await loadServices(config.services, configDir);
  const db = openDatabase(join(resolve(configDir, config.dataDir), 'switchboard.db'));
  const server = new SwitchboardServer(config, db, services, logger);
  try {
    await server.start();
  } catch (err) {
    await server.close();
    throw err;
  }
  return server;
}

class SwitchboardServer implements RunningServer, ConnectionHost {
  readonly events = new EventBus();
  readonly store: SqliteConfigStore;
  readonly registry = new Registry<InboundConnection>();
  readonly reverseDns: ReverseDns;
  readonly pubsub: PubSubEngine;
  readonly serverName: string;
  /** Unique per process: host name and PID (cluster mode lets the config name it). */
  readonly nodeId = `${hostname()}-${process.pid}`;
  readonly closeTimeoutMs: number;
  adminUrl: string | null = null;
  private readonly securityDefs: SecurityManager;
  private readonly channelMgr: ChannelManager;
  private readonly pool = new ListenerPool();
  private readonly trusted: Set<string>;
  private readonly dirty = new Set<InboundConnection>();
  private readonly serviceLoggers = new Map<string, Logger>();
  private readonly startedAt = new Date().toISOString();
  private statsTimer: NodeJS.Timeout | null = null;
  private admin: RunningAdminServer | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    readonly config: ServerConfig,
    private readonly db: Db,
    private readonly services: Map<string, ServiceHandler>,
    readonly logger: Logger,
  ) {
    this.serverName = config.name;
    this.closeTimeoutMs = config.closeTimeoutMs;
    this.trusted = new Set(config.trustedProxies.map((a) => (a.startsWith('::ffff:') ? a.slice(7) : a)));
    this.store = new SqliteConfigStore(db);
    this.reverseDns = new ReverseDns(config.reverseDns);
    this.securityDefs = new SecurityManager(this.store, this.events, (name) => this.channelMgr.usedBy(name));
    this.channelMgr = new ChannelManager({
      pool: this.pool,
      store: this.store,
      events: this.events,
      logger: logger.child('channels'),
      hasSecurity: (name) => this.securityDefs.has(name),
      hasService: (name) => this.services.has(name),
      sessionTickMs: config.sessionTickMs,
      onConnection: (rt, ws, req) => this.onConnection(rt, ws, req),
    });
    this.pubsub = new PubSubEngine({
      db,
      events: this.events,
      config: config.pubsub,
      lookupConnection: (id) => {
        const s = this.registry.get(id);
        return s ? { clientId: s.clientId, connectedAt: s.connectedAt } : undefined;
      },
    });
  }

  async start(): Promise<void> {
    await seedStore({
      meta: new MetaStore(this.db),
      store: this.store,
      security: this.securityDefs,
      config: this.config,
      hasService: (name) => this.services.has(name),
    });
    await this.channelMgr.start();
    this.statsTimer = setInterval(() => this.flushStats(), this.config.statsIntervalMs);
    this.statsTimer.unref();
    if (this.config.admin.enabled) {
      this.admin = await startAdminServer(this, { ...this.config.admin, version: SERVER_VERSION });
      this.adminUrl = this.admin.url;
    }
  }

  // ---- ServerControl

  info(): ServerInfo {
    const topics = this.pubsub.listTopics();
    return {
      name: this.serverName,
      nodeId: this.nodeId,
      pid: process.pid,
      hostname: hostname(),
      version: SERVER_VERSION,
      startedAt: this.startedAt,
      mode: 'standalone',
      counts: {
        connections: this.registry.size,
        channels: this.channelMgr.list().length,
        topics: topics.length,
        subscriptions: topics.reduce((n, t) => n + t.subscribers, 0),
      },
    };
  }

  readonly channels: ServerControl['channels'] = {
    list: () => this.channelMgr.list(),
    get: (name) => this.channelMgr.get(name),
    create: (input) => this.channelMgr.create(input),
    update: (name, patch) => this.channelMgr.update(name, patch),
    remove: (name) => this.channelMgr.remove(name),
  };

  readonly security: ServerControl['security'] = {
    list: () => this.securityDefs.list(),
    get: (name) => this.securityDefs.get(name),
    create: (input) => this.securityDefs.create(input),
    update: (name, patch) => this.securityDefs.update(name, patch),
    remove: (name) => this.securityDefs.remove(name),
  };

  readonly connections: ServerControl['connections'] = {
    list: (query: ConnectionListQuery) => this.registry.list(query),
    get: (id) => this.registry.get(id)?.info(),
    invoke: (id, data, timeoutMs) => {
      const s = this.registry.get(id);
      if (!s) return Promise.reject(new SbError(ErrorCode.ConnectionNotFound, `connection ${id} not found (never existed or already closed)`));
      return s.invoke(data, timeoutMs);
    },
    disconnect: async (id, code, reason): Promise<DisconnectResult> => {
      if (!isSendableCloseCode(code)) throw new SbError(ErrorCode.Validation, 'code: must be 1000, 1001 or 3000-4999', { field: 'code' });
      if (utf8Length(reason) > MAX_CLOSE_REASON_BYTES) throw new SbError(ErrorCode.Validation, `reason: must be at most ${MAX_CLOSE_REASON_BYTES} UTF-8 bytes`, { field: 'reason' });
      const s = this.registry.get(id);
      if (!s) throw new SbError(ErrorCode.ConnectionNotFound, `connection ${id} not found (never existed or already closed)`);
      const r = await s.close(code, reason);
      return { connectionId: id, code, reason, terminated: r.terminated, closedAt: r.closedAt };
    },
  };

  channelUrl(name: string): string {
    return this.channelMgr.url(name);
  }

  // ---- ConnectionHost

  isTrustedProxy(address: string): boolean {
    return this.trusted.has(address);
  }

  verifyCredentials(securityName: string, hello: HelloFrame): Promise<boolean> {
    return this.securityDefs.verify(securityName, hello);
  }

  service(name: string): ServiceHandler | undefined {
    return this.services.get(name);
  }

  serviceLogger(name: string): Logger {
    let l = this.serviceLoggers.get(name);
    if (!l) this.serviceLoggers.set(name, (l = this.logger.child(`service.${name}`)));
    return l;
  }

  subscriptionCount(clientId: string): number {
    return this.pubsub.subscriptionCount(clientId);
  }

  emitUpdated(session: InboundConnection): void {
    this.dirty.delete(session);
    this.events.emit({ type: 'connection.updated', connection: session.info() });
  }

  markDirty(session: InboundConnection): void {
    this.dirty.add(session);
  }

  onSessionClosed(session: InboundConnection, close: { code: number; reason: string; initiator: 'server' | 'client' | 'none' }): void {
    this.registry.remove(session);
    (session.channel as ChannelRuntime).removeSession(session);
    this.dirty.delete(session);
    this.events.emit({ type: 'connection.closed', connectionId: session.connectionId, clientId: session.clientId, channel: session.channelName, ...close });
  }

  private onConnection(rt: ChannelRuntime, ws: SbSocket, req: IncomingMessage): void {
    // A handshake that completed while the server was stopping or the channel was being deactivated.
    if (this.closing || rt.listener === null) {
      ws.on('error', () => undefined);
      ws.close(CloseCode.GoingAway, this.closing ? 'server shutting down' : 'channel deactivated');
      return;
    }
    const session = new InboundConnection(ws, req, rt, this);
    this.registry.add(session);
    rt.addSession(session);
    this.events.emit({ type: 'connection.opened', connection: session.info() });
    session.resolveFqdn();
  }

  private flushStats(): void {
    if (this.dirty.size === 0) return;
    if (!this.events.hasListeners) {
      // Nobody watches (no admin event stream open): building 19k infos after a fan-out would be waste.
      this.dirty.clear();
      return;
    }
    const batch = [...this.dirty];
    this.dirty.clear();
    for (const s of batch) if (s.isOpen) this.events.emit({ type: 'connection.updated', connection: s.info() });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.statsTimer) clearInterval(this.statsTimer);
      await this.channelMgr.closeAll('server shutting down');
      if (this.admin) await this.admin.close().catch((err: unknown) => this.logger.error('admin close failed', { err: String(err) }));
      this.pubsub.close();
      this.reverseDns.close();
      this.db.close();
    })();
    return this.closing;
  }
}
