import { access, constants } from 'node:fs/promises';
import type { ClusterProfile, ClusterState, clusterCalls } from '../../../protocol/console/clusters';
import type { gatewayCalls } from '../../../protocol/console/gateway';
import { createGatewayOps } from './gateway-ops';
import { ErrorCode } from '../../../protocol/errors';
import { nowIso } from '../../../protocol/time';
import { AdminClient } from './admin-client';
import { createAdminOps, type WithServer } from './admin-ops';
import { createOutgoingOps } from './outgoing-ops';
import { OpenCluster, type OpenClusterOptions, type ClusterServer } from './open-cluster';
import { ConsoleError, rerootError } from '../contract/errors';
import type { Emit, Handlers } from '../contract/handler-types';
import { ProfileStore, toProfile, type StoredCluster } from '../storage/profile-store';
import type { SecretStore } from '../storage/secret-store';
import { SettingsStore } from '../storage/settings-store';

/** What main/embedded/sandbox.ts gives the core (the core itself never imports server/). */
export interface SandboxInfo {
  adminUrl: string;
  operatorToken: string;
  viewerToken: string;
  channelUrl: string;
}
export interface SandboxController {
  start(): Promise<SandboxInfo>;
  stop(): Promise<void>;
}

export interface ConsoleCoreOptions {
  dataDir: string;
  secrets: SecretStore;
  emit: Emit;
  host: 'electron' | 'web';
  version: string;
  /** How to run the embedded sandbox; absent → no sandbox at all. */
  sandbox?: SandboxController;
  /** false → do not start the sandbox this run whatever the setting says (--no-sandbox-server). */
  sandboxAllowed?: boolean;
  session?: OpenClusterOptions;
  /** Who watches which cluster's table (the event hub); absent → every table counts as watched. */
  watches?: { isWatched(clusterId: string): boolean };
  log?: (msg: string) => void;
}

export interface ClusterService {
  handlers: Handlers<typeof clusterCalls>;
  /** The gateway screen's calls (routes, merged routed sessions, disconnect). */
  gatewayHandlers: Handlers<typeof gatewayCalls>;
  /** Starts the sandbox when enabled. Never throws: a failed sandbox is logged and left off. */
  init(): Promise<void>;
  dispose(): Promise<void>;
}

export const SANDBOX_CLUSTER_ID = 'sandbox';
/** The same sandbox seen through its viewer token, so a new user can try the read-only console. */
export const SANDBOX_VIEWER_CLUSTER_ID = 'sandbox-viewer';
const SANDBOX_SERVER_ID = 'sandbox-server';
const isSandboxCluster = (id: string | undefined): boolean => id === SANDBOX_CLUSTER_ID || id === SANDBOX_VIEWER_CLUSTER_ID;

export function createClusterService(opts: ConsoleCoreOptions): ClusterService {
  const profiles = new ProfileStore(opts.dataDir, opts.secrets);
  const settings = new SettingsStore(opts.dataDir);
  /** A removed cluster's saved views go with it (a new profile never inherits an old id's views). */
  async function forgetViews(clusterId: string): Promise<void> {
    const { views } = await settings.get();
    if (!(clusterId in views)) return;
    const rest = Object.fromEntries(Object.entries(views).filter(([id]) => id !== clusterId));
    opts.emit('settings.changed', await settings.update({ views: rest }));
  }
  const sessions = new Map<string, OpenCluster>();
  const log = opts.log ?? ((m: string) => console.warn(m));
  let sandbox: { info: SandboxInfo; profiles: StoredCluster[] } | null = null;
  let sandboxBusy: Promise<void> = Promise.resolve();

  async function allProfiles(): Promise<ClusterProfile[]> {
    const stored = (await profiles.list()).map((c) => toProfile(c));
    return sandbox ? [...sandbox.profiles.map((p) => toProfile(p, 'sandbox')), ...stored] : stored;
  }
  async function announceClusters(): Promise<void> {
    opts.emit('clusters.changed', { items: await allProfiles() });
  }

  async function sessionServers(clusterId: string): Promise<ClusterServer[]> {
    if (sandbox && isSandboxCluster(clusterId)) {
      const token = clusterId === SANDBOX_VIEWER_CLUSTER_ID ? sandbox.info.viewerToken : sandbox.info.operatorToken;
      return [{ id: SANDBOX_SERVER_ID, url: sandbox.info.adminUrl, tls: { allowSelfSigned: false }, token }];
    }
    const c = await profiles.get(clusterId);
    if (!c) throw ConsoleError.of(ErrorCode.NotFound, `no cluster profile ${clusterId}`, { field: 'clusterId' });
    return Promise.all(c.servers.map(async (s) => ({ id: s.id, url: s.url, tls: s.tls, token: s.hasToken ? await profiles.token(c.id, s.id) : null })));
  }

  function closedState(clusterId: string, servers: ClusterServer[]): ClusterState {
    const since = nowIso();
    return {
      clusterId,
      open: false,
      servers: servers.map((s) => ({
        serverId: s.id, url: s.url, status: 'closed', reason: null, nextRetryAt: null, attempts: 0, info: null, role: null,
        tokenName: null, rttMs: null, connections: 0, insecureTls: s.url.startsWith('https:') && s.tls.allowSelfSigned, since,
      })),
    };
  }

  async function open(clusterId: string): Promise<ClusterState> {
    // A renderer that (re)attaches gets its picture from watchConnections, not from a reset pushed to everyone.
    const existing = sessions.get(clusterId);
    if (existing) return existing.state();
    const servers = await sessionServers(clusterId);
    const session = new OpenCluster(clusterId, servers, (d) => opts.emit('connections.delta', d), (s) => opts.emit('cluster.status', s), {
      ...opts.session,
      ...(opts.watches ? { isWatched: (id: string) => opts.watches!.isWatched(id) } : {}),
      onConfigChanged: (c) => opts.emit('config.changed', c),
      onOutgoing: (c) => opts.emit('outgoing.changed', c),
    });
    sessions.set(clusterId, session);
    session.start();
    return session.state();
  }

  function openSession(clusterId: string): OpenCluster {
    const s = sessions.get(clusterId);
    if (!s) throw ConsoleError.of(ErrorCode.NotFound, 'cluster is not open (call openCluster first)', { field: 'clusterId' });
    return s;
  }

  async function close(clusterId: string): Promise<void> {
    const s = sessions.get(clusterId);
    if (!s) return;
    sessions.delete(clusterId);
    await s.stop();
  }

  /** Runs fn against one server: through the open session's client, or a one-off client when closed. */
  const withServer: WithServer = async (clusterId, serverId, fieldPrefix, fn) => {
    const session = sessions.get(clusterId);
    if (session) {
      const link = session.link(serverId);
      try {
        return await fn(link.client);
      } catch (err) {
        throw rerootError(err, fieldPrefix, link.id);
      }
    }
    const servers = await sessionServers(clusterId);
    const s = serverId !== undefined ? servers.find((x) => x.id === serverId) : servers[0];
    if (!s) throw ConsoleError.of(ErrorCode.NotFound, `server ${serverId ?? '(any)'} is not part of this cluster`, { field: 'serverId' });
    const client = new AdminClient({ baseUrl: s.url, token: s.token, tls: s.tls, ...(opts.session?.requestTimeoutMs !== undefined ? { timeoutMs: opts.session.requestTimeoutMs } : {}) });
    try {
      return await fn(client);
    } catch (err) {
      throw rerootError(err, fieldPrefix, s.id);
    } finally {
      client.close();
    }
  };

  async function startSandbox(): Promise<void> {
    if (!opts.sandbox || sandbox) return;
    try {
      const info = await opts.sandbox.start();
      const now = nowIso();
      const profile = (id: string, name: string): StoredCluster => ({
        id, name, servers: [{ id: SANDBOX_SERVER_ID, url: info.adminUrl, hasToken: true, tls: { allowSelfSigned: false } }], createdAt: now, updatedAt: now,
      });
      sandbox = { info, profiles: [profile(SANDBOX_CLUSTER_ID, 'Local sandbox'), profile(SANDBOX_VIEWER_CLUSTER_ID, 'Local sandbox (viewer)')] };
      // Already connected when the window opens: the sandbox is there to be looked at.
      await open(SANDBOX_CLUSTER_ID);
      await open(SANDBOX_VIEWER_CLUSTER_ID);
    } catch (err) {
      log(`sandbox server did not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  async function stopSandbox(): Promise<void> {
    if (!sandbox || !opts.sandbox) return;
    await Promise.all([close(SANDBOX_CLUSTER_ID), close(SANDBOX_VIEWER_CLUSTER_ID)]);
    sandbox = null;
    await opts.sandbox.stop();
  }
  function serialSandbox(fn: () => Promise<void>): Promise<void> {
    sandboxBusy = sandboxBusy.then(fn, fn);
    return sandboxBusy;
  }

  const notBuiltin = (id: string | undefined, field: string) => {
    if (isSandboxCluster(id)) throw ConsoleError.of(ErrorCode.NotPermitted, 'the Local sandbox is managed by the console; turn it off in Settings instead', { field });
  };

  const handlers: Handlers<typeof clusterCalls> = {
    async 'app.info'() {
      return {
        version: opts.version,
        host: opts.host,
        platform: process.platform,
        secretStorage: opts.secrets.describe(),
        sandbox: sandbox ? { clusterId: SANDBOX_CLUSTER_ID, adminUrl: sandbox.info.adminUrl, channelUrl: sandbox.info.channelUrl } : null,
        sandboxUnavailable: opts.sandboxAllowed === false
          ? 'the console was started with --no-sandbox-server'
          : !opts.sandbox
            ? 'this console was started without an embedded sandbox'
            : null,
      };
    },
    async 'clusters.list'() {
      return { items: await allProfiles() };
    },
    async 'clusters.save'(input) {
      notBuiltin(input.id, 'id');
      // A CA file that cannot be read would only fail later, at connect time, far from its field.
      for (const [i, srv] of input.servers.entries()) {
        if (!srv.tls.caFile) continue;
        try {
          await access(srv.tls.caFile, constants.R_OK);
        } catch {
          throw ConsoleError.of(ErrorCode.Validation, `cannot read CA file ${srv.tls.caFile}`, { field: `servers.${i}.tls.caFile` });
        }
      }
      const saved = await profiles.save(input);
      // Every saved cluster is open (its live status shows in the sidebar); an open one picks up new
      // servers/tokens by reopening.
      await close(saved.id);
      await open(saved.id);
      await announceClusters();
      return toProfile(saved);
    },
    async 'clusters.remove'({ clusterId }) {
      notBuiltin(clusterId, 'clusterId');
      await close(clusterId);
      await profiles.remove(clusterId);
      await forgetViews(clusterId);
      await announceClusters();
      return { ok: true as const };
    },
    async 'clusters.open'({ clusterId }) {
      return open(clusterId);
    },
    async 'clusters.close'({ clusterId }) {
      await close(clusterId);
      return { ok: true as const };
    },
    async 'clusters.state'({ clusterId }) {
      const s = sessions.get(clusterId);
      return s ? s.state() : closedState(clusterId, await sessionServers(clusterId));
    },
    async 'connections.snapshot'({ clusterId }) {
      return openSession(clusterId).table.snapshot();
    },
    async 'connections.watch'({ clusterId }, ctx) {
      const s = openSession(clusterId);
      if (!ctx?.subscriber) throw ConsoleError.of(ErrorCode.Unavailable, 'this caller has no event stream to watch with (use getConnections)');
      // Watch first: a change made right after the snapshot is then in the next delta, not lost.
      ctx.subscriber.watch(clusterId);
      return s.table.snapshot();
    },
    async 'connections.unwatch'({ clusterId }, ctx) {
      ctx?.subscriber?.unwatch(clusterId);
      return { ok: true as const };
    },
    async 'clusters.retry'({ clusterId }) {
      const s = openSession(clusterId);
      s.retry();
      return s.state();
    },
    ...createAdminOps(withServer),
    ...createOutgoingOps(withServer, (clusterId) => openSession(clusterId).connectedServers()),
    async 'settings.get'() {
      return settings.get();
    },
    async 'settings.set'(patch) {
      const next = await settings.update(patch);
      if (patch.sandbox !== undefined && opts.sandbox) {
        await serialSandbox(async () => {
          if (patch.sandbox && opts.sandboxAllowed !== false) await startSandbox();
          if (!patch.sandbox) await stopSandbox();
        });
        await announceClusters();
      }
      opts.emit('settings.changed', next);
      return next;
    },
  };

  const gateway = createGatewayOps({ withServer, servers: (clusterId) => openSession(clusterId).state().servers.map((s) => ({ serverId: s.serverId, url: s.url })) });

  return {
    handlers,
    gatewayHandlers: gateway.handlers,
    async init() {
      const s = await settings.get();
      if (s.sandbox && opts.sandboxAllowed !== false) await serialSandbox(startSandbox);
      // Several clusters are open at once: connect every saved one now, not when first selected.
      for (const c of await profiles.list()) {
        try {
          await open(c.id);
        } catch (err) {
          log(`cluster ${c.name} did not open: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    },
    async dispose() {
      gateway.dispose();
      await Promise.all([...sessions.keys()].map((id) => close(id)));
      await serialSandbox(stopSandbox);
    },
  };
}
