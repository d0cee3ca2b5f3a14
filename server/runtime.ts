import { readFileSync } from 'node:fs';
import { newServerCounters } from './metrics/counters';
import { HealthSampler } from './metrics/health-sampler';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { startAdminServer, type RunningAdminServer } from './admin/index';
import { ChannelManager } from './channels/channel-manager';
import { ClusterNode } from './cluster/cluster-node';
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
import { localGatewayControl } from './gateway/gateway-control';
import { GatewayManager } from './gateway/gateway-manager';
import { SqliteGatewayStore } from './gateway/gateway-store';
import { seedGatewayRoutes } from './gateway/seed-routes';
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
import { OutgoingManager } from './outgoing/outgoing-manager';
import { SqliteOutgoingStore } from './outgoing/outgoing-store';
import { seedOutgoing } from './outgoing/seed-outgoing';
import { SqlitePubSubStore } from './store/sqlite/pubsub-sqlite-store';

export interface RunningServer extends ServerControl {
  /** e.g. http://127.0.0.1:7070, or null when the admin API is disabled. */
  readonly adminUrl: string | null;
  readonly config: ServerConfig;
  /** This process's node id (ConnectionInfo.node of its connections). */
  readonly nodeId: string;
  /** The channel's actual ws:// URL (with the bound port when it asked for port 0). */
  channelUrl(name: string): string;
  /** A gateway route's ws:// URL (bound port, path prefix). */
  gatewayUrl(route: string): string;
  /** Live routed sessions (both legs not yet closed). */
  gatewaySessionCount(): number;
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
  const nodeId = config.cluster?.nodeId ?? `${hostname()}-${process.pid}`;
  const startedAt = new Date().toISOString();
  const events = new EventBus();
  // Cluster mode: Redis must answer before anything is opened (a node that cannot join does not start).
  const cluster = config.cluster ? new ClusterNode<InboundConnection>({ config: config.cluster, nodeId, name: config.name, version: SERVER_VERSION, startedAt, maxMessageBytes: config.pubsub.maxMessageBytes, events, logger: logger.child('cluster'), streamPosition: { get: () => meta.get(STREAM_POSITION), set: (id) => meta.set(STREAM_POSITION, id) } }) : null;
  await cluster?.connect();
  const db = openDatabase(join(dataDir, 'switchboard.db'));
  const meta = new MetaStore(db);

  const store = new SqliteConfigStore(db, config.audit);
  const registry = new Registry<InboundConnection>();
  const pool = new ListenerPool(config.channelListeners, config.trustedProxies);
  const authCounters = newAuthCounters();
  // Channels and security definitions refer to each other (usedBy / hasSecurity): late-bound.
  let channels: ChannelManager | null = null;
  const security = openOrClose(db, () => new SecurityManager({ store, events, usedBy: (name) => channels?.usedBy(name) ?? [], box, logger: logger.child('security'), scrub: (fn) => scrubbing(db, fn) }));
  const reverseDns = new ReverseDns(config.reverseDns);
  const loginLogger = logger.child('login');
  const login = new LoginGate({
    verify: (name, hello) => security.verify(name, hello),
    limiter: new FailureLimiter(config.loginLimits, loginLogger, 'failed login', cluster?.limitStore('login')),
    counters: authCounters,
    holder: (clientId) => registry.holder(clientId),
    ...(cluster ? { remote: cluster.remoteHolders } : {}),
    logger: loginLogger,
  });
  const pubsub = new PubSubEngine({
    store: new SqlitePubSubStore(db),
    events,
    ...(cluster ? { route: cluster.route } : {}),
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
    maxJsonDepth: config.maxJsonDepth,
    statsIntervalMs: config.statsIntervalMs,
    trustedProxies: config.trustedProxies,
    registry,
    reverseDns,
    pubsub,
    events,
    logger,
    services,
    login,
    outgoing: () => (name) => outgoing.handle(name),
  });
  const outgoingStore = new SqliteOutgoingStore(db, box);
  const outgoing = new OutgoingManager({ store: outgoingStore, events, logger: logger.child('outgoing'), nodeId, services, statsIntervalMs: config.statsIntervalMs });
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
  const gateway = new GatewayManager({ pool, store: new SqliteGatewayStore(db), box, logger: logger.child('gateway'), node: nodeId, closeTimeoutMs: config.closeTimeoutMs, trustedProxies: config.trustedProxies, events });
  const health = new HealthSampler(config.health, {
    connections: () => host.connectionCounts(),
    totals: () => ({ ...host.frameTotals(), failedLogins: authCounters.failedLogins, logins: counters.logins, invokesOk: counters.invokesOk, invokesError: counters.invokesError, invokesTimedOut: counters.invokesTimedOut, invokesFailed: counters.invokesFailed }),
  }, { name: config.name, version: SERVER_VERSION, startedAt });
  health.start();
  const local = new LocalControl({ name: config.name, nodeId, version: SERVER_VERSION, startedAt, events, store, channels: channelMgr, security, registry, pubsub, services, authCounters, outgoing, gateway: localGatewayControl(gateway), health, messageLog: host.messageLog });

  let admin: RunningAdminServer | null = null;
  let closing: Promise<void> | null = null;
  let control: ServerControl = local;
  const close = (): Promise<void> => (closing ??= (async () => {
    host.stop();
    await outgoing.closeAll('server shutting down');
    health.stop();
    await channelMgr.closeAll('server shutting down');
    await gateway.closeAll('server shutting down');
    await cluster?.close();
    if (admin) await admin.close().catch((err: unknown) => logger.error('admin close failed', { err: String(err) }));
    pubsub.close();
    await pubsub.whenClosed();
    reverseDns.close();
    db.close();
  })());


  try {
    await seedStore({ meta, store, security, config, hasService: (name) => services.has(name) });
    seedOutgoing({ meta, store: outgoingStore, defs: config.outgoing, hasService: (name) => services.has(name) });
    await channelMgr.start();
    outgoing.start();
    await gateway.start();
    await seedGatewayRoutes(meta, gateway, config.gateway);
    if (cluster) control = await cluster.join({ local, localRegistry: registry, store, channels: channelMgr, security, pubsub, adminUrl: () => admin?.url ?? null });
    if (config.admin.enabled) admin = await startAdminServer(control, { ...config.admin, version: SERVER_VERSION, logger: logger.child('admin'), trustedProxies: config.trustedProxies, authCounters });
  } catch (err) {
    await close();
    throw err;
  }
  const running: RunningServer = {
    get adminUrl() {
      return admin?.url ?? null;
    },
    config,
    nodeId,
    info: () => control.info(),
    clusterNodes: () => control.clusterNodes(),
    health: () => control.health(),
    events,
    audit: control.audit,
    services: () => control.services(),
    channels: control.channels,
    security: control.security,
    connections: control.connections,
    pubsub: control.pubsub,
    outgoing: control.outgoing,
    gateway: control.gateway,
    channelUrl: (name) => channelMgr.url(name),
    gatewayUrl: (route) => gateway.url(route),
    gatewaySessionCount: () => gateway.sessionCount(),
    close,
  };
  return running;
}

/** Meta key of the last cross-node publish this node applied. */
const STREAM_POSITION = 'cluster.publishStreamId';

/** Builds a part that reads the database at once; if it throws, the database is closed before the error goes on. */
function openOrClose<T>(db: Db, build: () => T): T {
  try {
    return build();
  } catch (err) {
    db.close();
    throw err;
  }
}
