import { readFileSync } from 'node:fs';
import { newServerCounters } from './metrics/counters';
import { HealthSampler } from './metrics/health-sampler';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { startAdminServer, type RunningAdminServer } from './admin/index';
import { ChannelManager } from './channels/channel-manager';
import { ListenerPool } from './channels/listener-pool';
import { parseServerConfig, type ServerConfig, type ServerConfigInput } from './config';
import { LocalControl } from './control/local';
import type { ServerControl } from './control/control';
import { InboundHost } from './connections/inbound-host';
import { LoginGate } from './connections/login-gate';
import type { InboundConnection } from './connections/inbound-connection';
import { Registry } from './connections/registry';
import { ReverseDns } from './connections/reverse-dns';
import { EventBus } from './event-bus';
import { createLogger } from './logger';
import { PubSubEngine } from './pubsub/engine';
import { FailureLimiter, newAuthCounters } from './security/login-limiter';
import { SecretBox } from './security/secret-box';
import { SecurityManager } from './security/security-manager';
import { seedStore } from './seed';
import { loadServices } from './services/services';
import { SqliteConfigStore } from './store/config-store';
import { openDatabase, scrubbing, type Db } from './store/sqlite/db';
import { MetaStore } from './store/sqlite/meta-store';
import { SqlitePubSubStore } from './store/sqlite/pubsub-sqlite-store';

export interface RunningServer extends ServerControl {
  /** e.g. http://127.0.0.1:7070, or null when the admin API is disabled. */
  readonly adminUrl: string | null;
  readonly config: ServerConfig;
  /** This process's node id (ConnectionInfo.node of its connections). */
  readonly nodeId: string;
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

/**
 * The composition root: builds a Switchboard server from a (raw) configuration — stores, registry,
 * pub/sub, security, channels, the inbound host, the control surface and the admin API — and
 * starts it. Relative paths resolve against opts.configDir (default: cwd).
 */
export async function startServer(input: ServerConfigInput, opts: { configDir?: string } = {}): Promise<RunningServer> {
  const config = parseServerConfig(input);
  const configDir = resolve(opts.configDir ?? process.cwd());
  const logger = createLogger(config.logLevel);
  const services = await loadServices(config.services, configDir);
  const dataDir = resolve(configDir, config.dataDir);
  const { box, createdKeyFile } = SecretBox.open(config.secretsKey, { configDir, dataDir });
  if (createdKeyFile) logger.info('created the key that seals stored secrets, beside the database; configure secretsKey to keep it elsewhere', { file: createdKeyFile });
  const db = openDatabase(join(dataDir, 'switchboard.db'));
  const nodeId = `${hostname()}-${process.pid}`;
  const startedAt = new Date().toISOString();

  const events = new EventBus();
  const store = new SqliteConfigStore(db, config.audit);
  const registry = new Registry<InboundConnection>();
  const pool = new ListenerPool();
  const authCounters = newAuthCounters();
  // Channels and security definitions refer to each other (usedBy / hasSecurity): late-bound.
  let channels: ChannelManager | null = null;
  const security = openOrClose(db, () => new SecurityManager({ store, events, usedBy: (name) => channels?.usedBy(name) ?? [], box, logger: logger.child('security'), scrub: (fn) => scrubbing(db, fn) }));
  const reverseDns = new ReverseDns(config.reverseDns);
  const loginLogger = logger.child('login');
  const login = new LoginGate({
    verify: (name, hello) => security.verify(name, hello),
    limiter: new FailureLimiter(config.loginLimits, loginLogger, 'failed login'),
    counters: authCounters,
    holder: (clientId) => registry.holder(clientId),
    logger: loginLogger,
  });
  const pubsub = new PubSubEngine({
    store: new SqlitePubSubStore(db),
    events,
    config: config.pubsub,
    lookupConnection: (id) => {
      const c = registry.get(id);
      return c ? { clientId: c.clientId, connectedAt: c.connectedAt } : undefined;
    },
  });
  const counters = newServerCounters();
  const host = new InboundHost({
    counters,
    serverName: config.name,
    nodeId,
    closeTimeoutMs: config.closeTimeoutMs,
    statsIntervalMs: config.statsIntervalMs,
    trustedProxies: config.trustedProxies,
    registry,
    reverseDns,
    pubsub,
    events,
    logger,
    services,
    login,
  });
  channels = new ChannelManager({
    pool,
    store,
    events,
    logger: logger.child('channels'),
    hasSecurity: (name) => security.has(name),
    hasService: (name) => services.has(name),
    sessionTickMs: config.sessionTickMs,
    onConnection: (rt, ws, req) => host.accept(rt, ws, req),
  });
  const channelMgr = channels;
  const health = new HealthSampler(config.health, {
    connections: () => host.connectionCounts(),
    totals: () => ({ ...host.frameTotals(), failedLogins: authCounters.failedLogins, logins: counters.logins, invokesOk: counters.invokesOk, invokesError: counters.invokesError, invokesTimedOut: counters.invokesTimedOut, invokesFailed: counters.invokesFailed }),
  }, { name: config.name, version: SERVER_VERSION, startedAt });
  health.start();
  const control = new LocalControl({ name: config.name, nodeId, version: SERVER_VERSION, startedAt, events, store, channels: channelMgr, security, registry, pubsub, services, authCounters, health, messageLog: host.messageLog });

  let admin: RunningAdminServer | null = null;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => (closing ??= (async () => {
    host.stop();
    health.stop();
    await channelMgr.closeAll('server shutting down');
    if (admin) await admin.close().catch((err: unknown) => logger.error('admin close failed', { err: String(err) }));
    pubsub.close();
    await pubsub.whenClosed();
    reverseDns.close();
    db.close();
  })());

  const running: RunningServer = {
    get adminUrl() {
      return admin?.url ?? null;
    },
    config,
    nodeId,
    info: () => control.info(),
    health: () => control.health(),
    events,
    audit: control.audit,
    services: () => control.services(),
    channels: control.channels,
    security: control.security,
    connections: control.connections,
    pubsub: control.pubsub,
    channelUrl: (name) => channelMgr.url(name),
    close,
  };

  try {
    await seedStore({ meta: new MetaStore(db), store, security, config, hasService: (name) => services.has(name) });
    await channelMgr.start();
    if (config.admin.enabled) admin = await startAdminServer(control, { ...config.admin, version: SERVER_VERSION, logger: logger.child('admin'), trustedProxies: config.trustedProxies, authCounters });
  } catch (err) {
    await close();
    throw err;
  }
  return running;
}

/** Builds a part that reads the database at once; if it throws, the database is closed before the error goes on. */
function openOrClose<T>(db: Db, build: () => T): T {
  try {
    return build();
  } catch (err) {
    db.close();
    throw err;
  }
}
