import {
  OutgoingCreateSchema, OutgoingPatchSchema, outgoingConfigProblem, OUTGOING_DEFAULTS,
  type Outgoing, type OutgoingConfig, type OutgoingCreate, type OutgoingFrame, type OutgoingInvokeResult, type OutgoingPatch, type OutgoingSendResult,
} from '../../protocol/admin-outgoing';
import { INVOKE_DEFAULT_TIMEOUT_MS } from '../../protocol/admin-connections';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';
import type { EventBus } from '../event-bus';
import type { Logger } from '../logger';
import type { ServiceHandler } from '../services/services';
import { parseInput } from '../validate';
import { DIAL_FIELDS } from './dial-config';
import { createHookRunner, type OutgoingHandle } from './hooks';
import { OutgoingConnection, type OutgoingConnectionDeps } from './outgoing-connection';
import type { OutgoingStore } from './outgoing-store';

export interface OutgoingManagerDeps {
  store: OutgoingStore;
  events: EventBus;
  logger: Logger;
  nodeId: string;
  services: ReadonlyMap<string, ServiceHandler>;
  /** outgoing.updated for counter changes is emitted at most this often per connection (transitions at once). */
  statsIntervalMs: number;
  random?: () => number;
}

/**
 * Nested values equal to the defaults are replaced by one shared frozen copy: with thousands of
 * connections the per-definition copies of `{}`, `[]` and the reconnect policy add up, and a
 * definition is never mutated (a change replaces it).
 */
const SHARED = {
  autoReconnect: Object.freeze({ ...OUTGOING_DEFAULTS.autoReconnect }),
  security: Object.freeze({ type: 'none' as const }),
  headers: Object.freeze({}),
  subprotocols: Object.freeze([]) as unknown as string[],
  topics: Object.freeze([]) as unknown as string[],
};
function compact(c: OutgoingConfig): OutgoingConfig {
  const out = { ...c };
  if (JSON.stringify(c.autoReconnect) === JSON.stringify(SHARED.autoReconnect)) out.autoReconnect = SHARED.autoReconnect;
  if (c.security.type === 'none') out.security = SHARED.security;
  if (Object.keys(c.headers).length === 0) out.headers = SHARED.headers;
  if (c.subprotocols.length === 0) out.subprotocols = SHARED.subprotocols;
  if (c.topics.length === 0) out.topics = SHARED.topics;
  return out;
}

/** The address as shown: query values (often tokens) replaced by ***. */
export function maskQuery(address: string): string {
  const q = address.indexOf('?');
  if (q < 0) return address;
  const names = [...new URLSearchParams(address.slice(q + 1)).keys()];
  return `${address.slice(0, q)}?${names.map((k) => `${encodeURIComponent(k)}=***`).join('&')}`;
}

const notFound = (name: string): SbError => new SbError(ErrorCode.OutgoingNotFound, `no outgoing connection named "${name}"`, { field: 'name' });

/**
 * Outgoing connection definitions and their live connections. Every change is validated, written
 * to the store and put into effect before the call resolves; changes are serialised.
 */
export class OutgoingManager {
  private readonly conns = new Map<string, OutgoingConnection>();
  private readonly dirty = new Set<OutgoingConnection>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statsTimer: NodeJS.Timeout;
  private readonly connDeps: OutgoingConnectionDeps;
  private closed = false;

  constructor(private readonly d: OutgoingManagerDeps) {
    // One deps object for every connection (not a closure each).
    this.connDeps = {
      logger: d.logger,
      hooks: createHookRunner(d.services, d.logger, (name) => this.handle(name)),
      random: d.random,
      changed: (conn, now) => {
        if (this.closed && conn.state !== 'stopped') return;
        if (now) {
          this.dirty.delete(conn);
          if (this.conns.get(conn.name) === conn) this.emit(conn);
        } else this.dirty.add(conn);
      },
    };
    this.statsTimer = setInterval(() => this.flushStats(), d.statsIntervalMs);
    this.statsTimer.unref();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Loads the stored definitions and dials the active ones (failures go to backoff, not to the caller). */
  start(): void {
    for (const s of this.d.store.list()) {
      const conn = this.build(s.config, s.createdAt, s.updatedAt);
      this.conns.set(conn.name, conn);
      if (conn.config.active) conn.start('server started');
    }
  }

  has(name: string): boolean {
    return this.conns.has(name);
  }

  list(): Outgoing[] {
    return [...this.conns.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((c) => this.toPublic(c));
  }

  get(name: string): Outgoing | undefined {
    const c = this.conns.get(name);
    return c ? this.toPublic(c) : undefined;
  }

  frames(name: string): OutgoingFrame[] {
    return this.require(name).frames();
  }

  create(input: OutgoingCreate | OutgoingConfig): Promise<Outgoing> {
    return this.serial(async () => {
      const config = parseInput(OutgoingCreateSchema, input);
      if (this.conns.has(config.name)) throw new SbError(ErrorCode.OutgoingExists, `outgoing connection "${config.name}" already exists`, { field: 'name' });
      this.check(config);
      const now = new Date().toISOString();
      this.d.store.put({ config, createdAt: now, updatedAt: now });
      const conn = this.build(config, now, now);
      this.conns.set(config.name, conn);
      if (config.active) conn.start('created');
      return this.emit(conn);
    });
  }

  update(name: string, patchInput: OutgoingPatch): Promise<Outgoing> {
    return this.serial(async () => {
      const patch = parseInput(OutgoingPatchSchema, patchInput);
      const conn = this.require(name);
      const prev = conn.config;
      const next: OutgoingConfig = compact({ ...prev, ...patch, name });
      this.check(next);
      const now = new Date().toISOString();
      this.d.store.put({ config: next, createdAt: conn.createdAt, updatedAt: now });
      conn.updatedAt = now;
      const redial = DIAL_FIELDS.some((f) => JSON.stringify(prev[f]) !== JSON.stringify(next[f]));
      if (!next.active) {
        conn.applyLive(next);
        await conn.stop(1000, 'deactivated');
      } else if (redial) {
        conn.applyLive(next);
        if (prev.active) conn.reconnect('definition changed');
        else conn.start('activated');
      } else {
        conn.applyLive(next);
        if (!prev.active) conn.start('activated');
      }
      return this.emit(conn);
    });
  }

  remove(name: string): Promise<void> {
    return this.serial(async () => {
      const conn = this.require(name);
      this.d.store.delete(name);
      this.conns.delete(name);
      this.dirty.delete(conn);
      await conn.dispose(1001, 'outgoing connection deleted');
      this.d.events.emit({ type: 'outgoing.updated', name, outgoing: null });
    });
  }

  async startConnection(name: string): Promise<Outgoing> {
    const conn = this.require(name);
    if (!conn.config.active) throw new SbError(ErrorCode.OutgoingNotConnected, `outgoing connection "${name}" is inactive: set active to true`, { field: 'active' });
    conn.start('started by administrator');
    return this.toPublic(conn);
  }

  async stopConnection(name: string, code: number, reason: string): Promise<Outgoing> {
    const conn = this.require(name);
    await conn.stop(code, reason);
    return this.toPublic(conn);
  }

  async reconnect(name: string): Promise<Outgoing> {
    const conn = this.require(name);
    if (!conn.config.active) throw new SbError(ErrorCode.OutgoingNotConnected, `outgoing connection "${name}" is inactive: set active to true`, { field: 'active' });
    conn.reconnect('reconnect requested by administrator');
    return this.toPublic(conn);
  }

  async send(name: string, data: unknown): Promise<OutgoingSendResult> {
    return this.require(name).send(data);
  }

  invoke(name: string, data: unknown, timeoutMs: number): Promise<OutgoingInvokeResult> {
    try {
      return this.require(name).invoke(data, timeoutMs);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** What `ctx.outgoing(name)` returns to services and hooks. */
  handle(name: string): OutgoingHandle {
    this.require(name);
    const conn = (): OutgoingConnection => this.require(name);
    const t = (opts?: { timeoutMs?: number }): number => opts?.timeoutMs ?? INVOKE_DEFAULT_TIMEOUT_MS;
    return {
      name,
      send: async (data) => conn().send(data),
      invoke: async (data, opts) => conn().invoke(data, t(opts)),
      publish: async (topic, data, opts) => conn().publish(topic, data, t(opts)),
      subscribe: async (topic, opts) => conn().subscribe(topic, t(opts)),
    };
  }

  /** Shutdown: every socket is closed with 1001 and nothing retries. */
  async closeAll(reason: string): Promise<void> {
    this.closed = true;
    clearInterval(this.statsTimer);
    await Promise.all([...this.conns.values()].map((c) => c.dispose(1001, reason)));
  }

  private require(name: string): OutgoingConnection {
    const c = this.conns.get(name);
    if (!c) throw notFound(name);
    return c;
  }

  private check(c: OutgoingConfig): void {
    const problem = outgoingConfigProblem(c);
    if (problem) throw new SbError(ErrorCode.Validation, `${problem.field}: ${problem.message}`, { field: problem.field });
    for (const hook of ['onConnect', 'onMessage', 'onClose'] as const) {
      const svc = c[hook];
      if (svc !== null && !this.d.services.has(svc)) throw new SbError(ErrorCode.Validation, `${hook}: no service named "${svc}" is loaded`, { field: hook });
    }
  }

  private build(config: OutgoingConfig, createdAt: string, updatedAt: string): OutgoingConnection {
    return new OutgoingConnection(compact(config), createdAt, updatedAt, this.connDeps);
  }

  private flushStats(): void {
    if (this.dirty.size === 0) return;
    const batch = [...this.dirty];
    this.dirty.clear();
    for (const conn of batch) if (this.conns.get(conn.name) === conn) this.emit(conn);
  }

  private emit(conn: OutgoingConnection): Outgoing {
    const outgoing = this.toPublic(conn);
    this.d.events.emit({ type: 'outgoing.updated', name: conn.name, outgoing });
    return outgoing;
  }

  private toPublic(conn: OutgoingConnection): Outgoing {
    const c = conn.config;
    const sec = c.security;
    return {
      name: c.name,
      active: c.active,
      address: maskQuery(c.address),
      kind: c.kind,
      autoReconnect: { ...c.autoReconnect },
      security: {
        type: sec.type,
        ...(sec.type === 'basic' ? { username: sec.username } : {}),
        ...(sec.type === 'apikey' ? { header: sec.header } : {}),
        hasSecret: sec.type !== 'none',
      },
      headerNames: Object.keys(c.headers),
      subprotocols: [...c.subprotocols],
      tls: c.tls ? { hasCa: c.tls.ca !== undefined, hasClientCert: c.tls.cert !== undefined, ...(c.tls.servername !== undefined ? { servername: c.tls.servername } : {}), insecure: c.tls.insecure } : null,
      proxy: c.proxy ? { url: c.proxy.url, ...(c.proxy.username !== undefined ? { username: c.proxy.username } : {}), hasPassword: c.proxy.password !== undefined } : null,
      pingInterval: c.pingInterval,
      pingsMissedThreshold: c.pingsMissedThreshold,
      connectTimeoutMs: c.connectTimeoutMs,
      idleTimeoutMs: c.idleTimeoutMs,
      maxMessageBytes: c.maxMessageBytes,
      dataFormat: c.dataFormat,
      onConnect: c.onConnect,
      onMessage: c.onMessage,
      onClose: c.onClose,
      correlation: c.correlation ? { ...c.correlation } : null,
      clientId: c.clientId,
      clientName: c.clientName,
      topics: [...c.topics],
      sendQueueMax: c.sendQueueMax,
      maxPendingInvokes: c.maxPendingInvokes,
      recentFrames: c.recentFrames,
      createdAt: conn.createdAt,
      updatedAt: conn.updatedAt,
      node: this.d.nodeId,
      status: conn.status(),
    };
  }
}
