import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ChannelCreateSchema, ChannelPatchSchema, type Channel, type ChannelConfig, type ChannelCreate, type ChannelPatch } from '../../protocol/admin-config';
import { CloseCode } from '../../protocol/close-codes';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';
import type { EventBus } from '../event-bus';
import type { Logger } from '../logger';
import { SbSocket } from '../connections/sb-socket';
import type { ChannelRef, InboundConnection } from '../connections/inbound-connection';
import type { ConfigStore } from '../store/config-store';
import { parseInput } from '../validate';
import { parseAddress, type Listener, type ListenerPool, type Route } from './listener-pool';

/** A channel while the server runs: its config, its WebSocket server, listener and sessions. */
export class ChannelRuntime implements ChannelRef, Route {
  readonly sessions = new Set<InboundConnection>();
  listener: Listener | null = null;
  private wss: WebSocketServer;
  private ticker: NodeJS.Timeout | null = null;

  constructor(
    public config: ChannelConfig,
    public createdAt: string,
    public updatedAt: string,
    private readonly onConnection: (rt: ChannelRuntime, ws: SbSocket, req: IncomingMessage) => void,
    /** Resolution of login deadlines, TTL expiry and pings (one timer per channel, not per connection). */
    private readonly tickMs: number,
  ) {
    this.wss = this.makeWss();
  }

  addSession(s: InboundConnection): void {
    this.sessions.add(s);
    this.ticker ??= setInterval(() => this.tick(), this.tickMs);
  }

  removeSession(s: InboundConnection): void {
    this.sessions.delete(s);
    if (this.sessions.size === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  private tick(): void {
    const now = Date.now();
    for (const s of this.sessions) s.tick(now);
  }

  get name(): string {
    return this.config.name;
  }

  /**
   * maxPayload is fixed per ws server: a new limit applies to connections made after the change.
   * autoPong is off: ws would answer every ping however fast they come, so the session answers them
   * itself within maxPingsPerSecond and the send budget.
   */
  private makeWss(): WebSocketServer {
    return new WebSocketServer({ noServer: true, maxPayload: this.config.maxMessageBytes, perMessageDeflate: false, clientTracking: false, autoPong: false, WebSocket: SbSocket });
  }

  setConfig(next: ChannelConfig): void {
    const rebuild = next.maxMessageBytes !== this.config.maxMessageBytes;
    this.config = next;
    if (rebuild) this.wss = this.makeWss();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(this, ws as SbSocket, req));
  }

  async closeSessions(code: number, reason: string, only: readonly InboundConnection[] = [...this.sessions]): Promise<void> {
    await Promise.all(only.map((s) => s.close(code, reason)));
  }
}

export interface ChannelManagerDeps {
  pool: ListenerPool;
  store: ConfigStore;
  events: EventBus;
  logger: Logger;
  hasSecurity(name: string): boolean;
  hasService(name: string): boolean;
  sessionTickMs: number;
  onConnection(rt: ChannelRuntime, ws: SbSocket, req: IncomingMessage): void;
}

/**
 * Channel lifecycle. Every change is validated, put into effect (listener bound or released,
 * connections closed with 1001), and written to the store before the call resolves. Changes are
 * serialised so two admin calls never interleave half-applied.
 */
export class ChannelManager {
  private readonly channels = new Map<string, ChannelRuntime>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ChannelManagerDeps) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Loads the stored channels and opens the active ones. A channel that cannot bind is logged and left closed. */
  async start(): Promise<void> {
    for (const c of this.deps.store.listChannels()) {
      const rt = new ChannelRuntime(c.config, c.createdAt, c.updatedAt, this.deps.onConnection, this.deps.sessionTickMs);
      this.channels.set(rt.name, rt);
      if (!rt.config.active) continue;
      try {
        rt.listener = await this.deps.pool.attach(parseAddress(rt.config.address), rt);
      } catch (err) {
        this.deps.logger.error('channel could not listen', { channel: rt.name, address: rt.config.address, err: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  runtime(name: string): ChannelRuntime | undefined {
    return this.channels.get(name);
  }

  runtimes(): IterableIterator<ChannelRuntime> {
    return this.channels.values();
  }

  list(): Channel[] {
    return [...this.channels.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((rt) => this.toPublic(rt));
  }

  get(name: string): Channel | undefined {
    const rt = this.channels.get(name);
    return rt ? this.toPublic(rt) : undefined;
  }

  usedBy(securityName: string): string[] {
    return [...this.channels.values()].filter((rt) => rt.config.security === securityName).map((rt) => rt.name).sort();
  }

  /** ws:// URL with the actual bound port. */
  url(name: string): string {
    const rt = this.channels.get(name);
    if (!rt) throw new SbError(ErrorCode.ChannelNotFound, `channel "${name}" not found`);
    const t = parseAddress(rt.config.address);
    const port = rt.listener?.boundPort ?? t.port;
    const host = t.host.includes(':') ? `[${t.host}]` : t.host;
    return `ws://${host}:${port}${t.path}`;
  }

  create(input: ChannelCreate | ChannelConfig): Promise<Channel> {
    return this.serial(async () => {
      const config = parseInput(ChannelCreateSchema, input);
      if (this.channels.has(config.name)) throw new SbError(ErrorCode.ChannelExists, `channel "${config.name}" already exists`, { field: 'name' });
      this.checkRefs(config);
      this.checkConflict(config, null);
      const now = new Date().toISOString();
      const rt = new ChannelRuntime(config, now, now, this.deps.onConnection, this.deps.sessionTickMs);
      if (config.active) rt.listener = await this.deps.pool.attach(parseAddress(config.address), rt);
      try {
        this.deps.store.putChannel({ config, createdAt: now, updatedAt: now });
      } catch (err) {
        if (rt.listener) await this.deps.pool.detach(rt.listener, parseAddress(config.address).path, rt);
        throw err;
      }
      this.channels.set(config.name, rt);
      return this.changed(rt);
    });
  }

  update(name: string, patchInput: ChannelPatch): Promise<Channel> {
    return this.serial(async () => {
      const patch = parseInput(ChannelPatchSchema, patchInput);
      const rt = this.channels.get(name);
      if (!rt) throw new SbError(ErrorCode.ChannelNotFound, `channel "${name}" not found`);
      const prev = rt.config;
      const next: ChannelConfig = { ...prev, ...patch, name };
      this.checkRefs(next);
      this.checkConflict(next, name);
      const moved = next.address !== prev.address;
      const reopen = next.active && (moved || !prev.active || !rt.listener);
      const shut = prev.active && rt.listener !== null && (!next.active || moved);
      // Connections made through the old address; a move must not close those arriving at the new one.
      const oldSessions = [...rt.sessions];
      // Bind the new address first: if that fails, nothing has changed.
      const newListener = reopen ? await this.deps.pool.attach(parseAddress(next.address), rt) : rt.listener;
      const oldListener = rt.listener;
      const now = new Date().toISOString();
      try {
        this.deps.store.putChannel({ config: next, createdAt: rt.createdAt, updatedAt: now });
      } catch (err) {
        if (reopen && newListener) await this.deps.pool.detach(newListener, parseAddress(next.address).path, rt);
        throw err;
      }
      rt.setConfig(next);
      rt.updatedAt = now;
      rt.listener = next.active ? newListener : null;
      if (shut && oldListener) {
        // Stop accepting first, so no new client slips in while the old ones are being closed.
        await this.deps.pool.detach(oldListener, parseAddress(prev.address).path, rt);
        await rt.closeSessions(CloseCode.GoingAway, next.active ? 'channel moved to another address' : 'channel deactivated', oldSessions);
      }
      return this.changed(rt);
    });
  }

  remove(name: string): Promise<void> {
    return this.serial(async () => {
      const rt = this.channels.get(name);
      if (!rt) throw new SbError(ErrorCode.ChannelNotFound, `channel "${name}" not found`);
      this.deps.store.deleteChannel(name);
      this.channels.delete(name);
      if (rt.listener) await this.deps.pool.detach(rt.listener, parseAddress(rt.config.address).path, rt);
      rt.listener = null;
      await rt.closeSessions(CloseCode.GoingAway, 'channel deleted');
      this.deps.events.emit({ type: 'channel.changed', name, channel: null });
    });
  }

  /** Shutdown: every listener closes (new connections refused), then every client gets 1001. */
  async closeAll(reason: string): Promise<void> {
    for (const rt of this.channels.values()) {
      if (rt.listener) await this.deps.pool.detach(rt.listener, parseAddress(rt.config.address).path, rt);
      rt.listener = null;
    }
    await Promise.all([...this.channels.values()].map((rt) => rt.closeSessions(CloseCode.GoingAway, reason)));
  }

  private changed(rt: ChannelRuntime): Channel {
    const channel = this.toPublic(rt);
    this.deps.events.emit({ type: 'channel.changed', name: rt.name, channel });
    return channel;
  }

  private checkRefs(c: ChannelConfig): void {
    if (c.security !== null && !this.deps.hasSecurity(c.security)) throw new SbError(ErrorCode.Validation, `security: no security definition named "${c.security}"`, { field: 'security' });
    if (!this.deps.hasService(c.service)) throw new SbError(ErrorCode.Validation, `service: no service named "${c.service}" is loaded`, { field: 'service' });
    if (c.maxBufferedBytesHard < c.maxBufferedBytes) {
      throw new SbError(ErrorCode.Validation, `maxBufferedBytesHard: must be at least maxBufferedBytes (${c.maxBufferedBytes})`, { field: 'maxBufferedBytesHard' });
    }
  }

  /** Same host:port:path as another channel (by configured port, or by the port it is bound to). */
  private checkConflict(c: ChannelConfig, self: string | null): void {
    const t = parseAddress(c.address);
    if (t.port === 0) return;
    for (const other of this.channels.values()) {
      if (other.name === self) continue;
      const o = parseAddress(other.config.address);
      if (o.host !== t.host || o.path !== t.path) continue;
      if (o.port === t.port || other.listener?.boundPort === t.port) {
        throw new SbError(ErrorCode.ChannelAddressInUse, `address: ws://${t.host}:${t.port}${t.path} is already used by channel "${other.name}"`, { field: 'address' });
      }
    }
  }

  private toPublic(rt: ChannelRuntime): Channel {
    return { ...rt.config, createdAt: rt.createdAt, updatedAt: rt.updatedAt, listening: rt.listener !== null, boundPort: rt.listener?.boundPort ?? null, connections: rt.sessions.size };
  }
}
