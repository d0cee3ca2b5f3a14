import { CloseCode } from '../../protocol/close-codes';
import { ErrorCode } from '../../protocol/errors';
import {
  GatewayRouteCreateSchema, GatewayRoutePatchSchema, InstanceRegisterSchema,
  type GatewayInstance, type GatewayRoute, type GatewayRouteConfig, type GatewayRouteCreate, type GatewayRoutePatch,
  type GatewaySession as GatewaySessionInfo, type GatewaySessionList, type GatewaySessionQuery, type InstanceRegister,
} from '../../protocol/gateway';
import type { DialTls } from '../../common/node/dialer';
import { parseAddress, type ListenerPool } from '../channels/listener-pool';
import { SbError } from '../errors';
import type { EventBus } from '../event-bus';
import type { Logger } from '../logger';
import type { SecretBox } from '../security/secret-box';
import { parseInput } from '../validate';
import type { GatewaySession } from './gateway-session';
import type { GatewayStore } from './gateway-store';
import { RouteRuntime } from './route-runtime';

export interface GatewayManagerDeps {
  pool: ListenerPool;
  store: GatewayStore;
  box: SecretBox;
  logger: Logger;
  node: string;
  closeTimeoutMs: number;
  trustedProxies: readonly string[];
  events: EventBus;
}

const keyContext = (name: string): string => `gateway:${name}:tls.key`;

/** host, port and path prefix of a route's listener. */
const targetOf = (c: GatewayRouteConfig) => ({ ...parseAddress(c.listen), path: c.path });

/**
 * Gateway routes: validated, durable and live. Every change is put into effect (the path attached
 * to or detached from its listener, sessions closed with 4031 when the route goes or moves) and
 * written to the store before the call resolves; changes are serialised like channel changes.
 */
export class GatewayManager {
  private readonly routes = new Map<string, RouteRuntime>();
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private readonly trusted: ReadonlySet<string>;
  /** Opened TLS keys (memory only), by route. */
  private readonly keys = new Map<string, string>();

  constructor(private readonly deps: GatewayManagerDeps) {
    this.trusted = new Set(deps.trustedProxies);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private runtime(config: GatewayRouteConfig, createdAt: string, updatedAt: string): RouteRuntime {
    return new RouteRuntime(config, createdAt, updatedAt, {
      node: this.deps.node,
      closeTimeoutMs: this.deps.closeTimeoutMs,
      trustedProxies: this.trusted,
      emit: (e) => this.deps.events.emit(e),
      nextId: () => `g${(++this.seq).toString(36)}-${Date.now().toString(36)}`,
      tls: () => this.dialTls(config.name),
    });
  }

  private dialTls(name: string): DialTls | undefined {
    const t = this.routes.get(name)?.config.tls;
    if (!t) return undefined;
    const key = this.keys.get(name);
    return { ...(t.ca ? { ca: t.ca } : {}), ...(t.cert ? { cert: t.cert } : {}), ...(key ? { key } : {}), insecure: t.insecure };
  }

  /** The config as stored: the TLS key sealed. */
  private sealed(c: GatewayRouteConfig): GatewayRouteConfig {
    if (!c.tls?.key) return c;
    return { ...c, tls: { ...c.tls, key: this.deps.box.seal(c.tls.key, keyContext(c.name)) } };
  }

  /** Memory keeps the key opened beside the config, and the config without it. */
  private remember(c: GatewayRouteConfig): GatewayRouteConfig {
    if (!c.tls?.key) {
      this.keys.delete(c.name);
      return c;
    }
    this.keys.set(c.name, c.tls.key);
    const { key: _key, ...rest } = c.tls;
    return { ...c, tls: rest };
  }

  async start(): Promise<void> {
    for (const r of this.deps.store.listRoutes()) {
      let config = r.config;
      if (config.tls?.key) config = { ...config, tls: { ...config.tls, key: this.deps.box.open(config.tls.key, keyContext(config.name)) } };
      const rt = this.runtime(this.remember(config), r.createdAt, r.updatedAt);
      this.routes.set(rt.name, rt);
      if (!config.active) continue;
      try {
        rt.listener = await this.deps.pool.attach(targetOf(config), rt);
      } catch (err) {
        this.deps.logger.error('gateway route could not listen', { route: rt.name, listen: config.listen, err: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  has(name: string): boolean {
    return this.routes.has(name);
  }

  list(): GatewayRoute[] {
    return [...this.routes.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((rt) => this.toPublic(rt));
  }

  get(name: string): GatewayRoute | undefined {
    const rt = this.routes.get(name);
    return rt ? this.toPublic(rt) : undefined;
  }

  private must(name: string): RouteRuntime {
    const rt = this.routes.get(name);
    if (!rt) throw new SbError(ErrorCode.GatewayRouteNotFound, `no gateway route named "${name}"`, { field: 'name' });
    return rt;
  }

  /** ws://host:port/path with the bound port (for tests and the console). */
  url(name: string): string {
    const rt = this.must(name);
    const t = targetOf(rt.config);
    const host = t.host.includes(':') ? `[${t.host}]` : t.host;
    return `ws://${host}:${rt.listener?.boundPort ?? t.port}${t.path === '/' ? '' : t.path}`;
  }

  create(input: GatewayRouteCreate | GatewayRouteConfig): Promise<GatewayRoute> {
    return this.serial(async () => {
      const config = parseInput(GatewayRouteCreateSchema, input);
      if (this.routes.has(config.name)) throw new SbError(ErrorCode.GatewayRouteExists, `gateway route "${config.name}" already exists`, { field: 'name' });
      const now = new Date().toISOString();
      const rt = this.runtime(config, now, now);
      if (config.active) rt.listener = await this.attach(config, rt);
      try {
        this.deps.store.putRoute({ config: this.sealed(config), createdAt: now, updatedAt: now });
      } catch (err) {
        if (rt.listener) await this.deps.pool.detach(rt.listener, config.path, rt);
        throw err;
      }
      rt.setConfig(this.remember(config));
      this.routes.set(config.name, rt);
      return this.toPublic(rt);
    });
  }

  update(name: string, patchInput: GatewayRoutePatch): Promise<GatewayRoute> {
    return this.serial(async () => {
      const patch = parseInput(GatewayRoutePatchSchema, patchInput);
      const rt = this.must(name);
      const prev = rt.config;
      // A patch that leaves tls out keeps the stored key; one that sends tls replaces it whole.
      const prevKey = this.keys.get(name);
      const full: GatewayRouteConfig = { ...prev, ...(prev.tls && prevKey ? { tls: { ...prev.tls, key: prevKey } } : {}), ...patch, name };
      const next = parseInput(GatewayRouteCreateSchema, full);
      const moved = next.listen !== prev.listen || next.path !== prev.path;
      const reopen = next.active && (moved || !prev.active || !rt.listener);
      const shut = prev.active && rt.listener !== null && (!next.active || moved);
      const old = [...rt.sessions.values()];
      const newListener = reopen ? await this.attach(next, rt) : rt.listener;
      const oldListener = rt.listener;
      const now = new Date().toISOString();
      try {
        this.deps.store.putRoute({ config: this.sealed(next), createdAt: rt.createdAt, updatedAt: now });
      } catch (err) {
        if (reopen && newListener) await this.deps.pool.detach(newListener, next.path, rt);
        throw err;
      }
      rt.setConfig(this.remember(next));
      rt.updatedAt = now;
      rt.listener = next.active ? newListener : null;
      if (shut && oldListener) {
        await this.deps.pool.detach(oldListener, prev.path, rt);
        await rt.closeSessions(CloseCode.GatewayRouteRemoved, next.active ? 'gateway: route moved' : 'gateway: route deactivated', old);
      }
      return this.toPublic(rt);
    });
  }

  remove(name: string): Promise<void> {
    return this.serial(async () => {
      const rt = this.must(name);
      this.deps.store.deleteRoute(name);
      this.routes.delete(name);
      this.keys.delete(name);
      if (rt.listener) await this.deps.pool.detach(rt.listener, rt.config.path, rt);
      rt.listener = null;
      await rt.closeSessions(CloseCode.GatewayRouteRemoved, 'gateway: route deleted');
      rt.stop();
    });
  }

  registerInstance(name: string, input: InstanceRegister): GatewayInstance {
    const rt = this.must(name);
    const body = parseInput(InstanceRegisterSchema, input);
    const now = Date.now();
    return rt.balancer.register(body.url, body.ttlSeconds * 1000, now).toPublic(now);
  }

  sessions(q: GatewaySessionQuery): GatewaySessionList {
    const out: GatewaySessionInfo[] = [];
    let total = 0;
    for (const rt of this.routes.values()) {
      if (q.route !== undefined && rt.name !== q.route) continue;
      for (const s of rt.sessions.values()) {
        if (q.clientAddress !== undefined && s.init.clientAddress !== q.clientAddress) continue;
        if (q.upstream !== undefined && s.init.instance.url !== q.upstream) continue;
        total++;
        if (out.length < q.limit) out.push(s.toPublic());
      }
    }
    return { items: out, total };
  }

  private findSession(id: string): GatewaySession {
    for (const rt of this.routes.values()) {
      const s = rt.sessions.get(id);
      if (s) return s;
    }
    throw new SbError(ErrorCode.GatewaySessionNotFound, `no routed session "${id}"`, { field: 'id' });
  }

  session(id: string): GatewaySessionInfo {
    return this.findSession(id).toPublic();
  }

  async disconnectSession(id: string, code: number, reason: string): Promise<number> {
    const s = this.findSession(id);
    s.close(code, reason);
    await s.whenGone();
    return 1;
  }

  disconnectRoute(name: string, code: number, reason: string): Promise<number> {
    return this.must(name).closeSessions(code, reason);
  }

  /** Live sessions of every route (for tests of the no-leak promise). */
  sessionCount(): number {
    let n = 0;
    for (const rt of this.routes.values()) n += rt.sessions.size;
    return n;
  }

  /** Shutdown: every route stops accepting, then every session gets 1001 on both legs. */
  async closeAll(reason: string): Promise<void> {
    for (const rt of this.routes.values()) {
      if (rt.listener) await this.deps.pool.detach(rt.listener, rt.config.path, rt);
      rt.listener = null;
    }
    await Promise.all([...this.routes.values()].map((rt) => rt.closeSessions(CloseCode.GoingAway, reason)));
    for (const rt of this.routes.values()) rt.stop();
  }

  private async attach(config: GatewayRouteConfig, rt: RouteRuntime) {
    try {
      return await this.deps.pool.attach(targetOf(config), rt);
    } catch (err) {
      // The pool names the field `address` (channels); a route calls it `listen`.
      if (err instanceof SbError && err.field === 'address') throw new SbError(err.code, err.message, { field: 'listen' });
      throw err;
    }
  }

  private toPublic(rt: RouteRuntime): GatewayRoute {
    const c = rt.config;
    const now = Date.now();
    return {
      ...c,
      tls: c.tls ? { ...(c.tls.ca ? { ca: c.tls.ca } : {}), ...(c.tls.cert ? { cert: c.tls.cert } : {}), hasKey: this.keys.has(c.name), insecure: c.tls.insecure } : null,
      createdAt: rt.createdAt,
      updatedAt: rt.updatedAt,
      listening: rt.listener !== null,
      boundPort: rt.listener?.boundPort ?? null,
      sessions: rt.sessions.size,
      sessionsTotal: rt.sessionsTotal,
      refusedTotal: { ...rt.refused },
      instances: rt.balancer.instances(now).map((i) => i.toPublic(now)),
    };
  }
}
