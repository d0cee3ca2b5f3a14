import type { IncomingMessage } from 'node:http';
import type { ServerCounters } from '../metrics/counters';
import { MessageLogBook } from './message-log';
import { CloseCode } from '../../protocol/close-codes';
import type { EventBus } from '../event-bus';
import type { Logger } from '../logger';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';
import type { OutgoingHandle, OutgoingLookup } from '../outgoing/hooks';
import type { ServiceHandler } from '../services/services';
import type { ConnectionHost, SessionPubSub } from './connection-host';
import { InboundConnection, type ChannelRef } from './inbound-connection';
import type { LoginGate } from './login-gate';
import type { Registry } from './registry';
import type { ReverseDns } from './reverse-dns';
import type { SbSocket } from './sb-socket';

/** A channel as the inbound host sees it: the live config plus its set of connections. */
export interface HostedChannel extends ChannelRef {
  /** Null once the channel stopped listening (deactivated, moved, deleted). */
  readonly listener: unknown;
  addSession(c: InboundConnection): void;
  removeSession(c: InboundConnection): void;
}

export interface InboundHostDeps {
  counters: ServerCounters;
  serverName: string;
  nodeId: string;
  closeTimeoutMs: number;
  maxJsonDepth: number;
  statsIntervalMs: number;
  trustedProxies: readonly string[];
  registry: Registry<InboundConnection>;
  reverseDns: ReverseDns;
  pubsub: SessionPubSub;
  events: EventBus;
  logger: Logger;
  services: ReadonlyMap<string, ServiceHandler>;
  login: LoginGate;
  /** Outgoing connections by name (late-bound: they are built after the host). */
  outgoing?: () => OutgoingLookup | undefined;
}

/**
 * Hosts the inbound connections of every channel: accepts upgraded sockets, keeps them in the
 * registry, and turns their life into admin events (opened, updated — throttled per connection —
 * and closed). Everything an InboundConnection needs from the server goes through here.
 */
export class InboundHost implements ConnectionHost {
  readonly serverName: string;
  readonly nodeId: string;
  readonly closeTimeoutMs: number;
  readonly maxJsonDepth: number;
  readonly registry: Registry<InboundConnection>;
  readonly reverseDns: ReverseDns;
  readonly pubsub: SessionPubSub;
  readonly logger: Logger;
  readonly login: LoginGate;
  private readonly trusted: Set<string>;
  private readonly dirty = new Set<InboundConnection>();
  /** Frames of connections that have closed (the open ones are summed when asked). */
  private readonly closedFrames = { msgsIn: 0, msgsOut: 0 };
  readonly messageLog = new MessageLogBook();
  get counters(): ServerCounters {
    return this.deps.counters;
  }
  private readonly serviceLoggers = new Map<string, Logger>();
  private readonly statsTimer: NodeJS.Timeout;
  private stopping = false;

  constructor(private readonly deps: InboundHostDeps) {
    this.serverName = deps.serverName;
    this.nodeId = deps.nodeId;
    this.closeTimeoutMs = deps.closeTimeoutMs;
    this.maxJsonDepth = deps.maxJsonDepth;
    this.registry = deps.registry;
    this.reverseDns = deps.reverseDns;
    this.pubsub = deps.pubsub;
    this.logger = deps.logger;
    this.login = deps.login;
    this.trusted = new Set(deps.trustedProxies.map((a) => (a.startsWith('::ffff:') ? a.slice(7) : a)));
    this.statsTimer = setInterval(() => this.flushStats(), deps.statsIntervalMs);
    this.statsTimer.unref();
  }

  /** An upgraded socket of `channel`. */
  accept(channel: HostedChannel, ws: SbSocket, req: IncomingMessage): void {
    // A handshake that completed while the server was stopping or the channel was being deactivated.
    if (this.stopping || channel.listener === null) {
      ws.on('error', () => undefined);
      ws.close(CloseCode.GoingAway, this.stopping ? 'server shutting down' : 'channel deactivated');
      return;
    }
    const conn = new InboundConnection(ws, req, channel, this);
    this.registry.add(conn);
    channel.addSession(conn);
    this.deps.events.emitLazy(() => ({ type: 'connection.opened', connection: conn.info() }));
    conn.resolveFqdn();
  }

  /** No new connections from now on (shutdown). */
  stop(): void {
    this.stopping = true;
    clearInterval(this.statsTimer);
  }

  isTrustedProxy(address: string): boolean {
    return this.trusted.has(address);
  }

  outgoing(name: string): OutgoingHandle {
    const lookup = this.deps.outgoing?.();
    if (!lookup) throw new SbError(ErrorCode.OutgoingNotFound, `no outgoing connection named "${name}"`);
    return lookup(name);
  }

  service(name: string): ServiceHandler | undefined {
    return this.deps.services.get(name);
  }

  serviceLogger(name: string): Logger {
    let l = this.serviceLoggers.get(name);
    if (!l) this.serviceLoggers.set(name, (l = this.logger.child(`service.${name}`)));
    return l;
  }

  subscriptionCount(clientId: string): number {
    return this.pubsub.subscriptionCount(clientId);
  }

  emitUpdated(conn: InboundConnection): void {
    this.dirty.delete(conn);
    this.deps.events.emitLazy(() => ({ type: 'connection.updated', connection: conn.info() }));
  }

  markDirty(conn: InboundConnection): void {
    this.dirty.add(conn);
  }

  /** Client frames received and sent since start: closed connections' counts plus the open ones'. */
  frameTotals(): { msgsIn: number; msgsOut: number } {
    let msgsIn = this.closedFrames.msgsIn;
    let msgsOut = this.closedFrames.msgsOut;
    for (const c of this.registry.values()) {
      msgsIn += c.msgsIn;
      msgsOut += c.msgsOut;
    }
    return { msgsIn, msgsOut };
  }

  /** Open connections, in all and per channel. */
  connectionCounts(): { total: number; perChannel: Record<string, number> } {
    const perChannel: Record<string, number> = {};
    for (const c of this.registry.values()) perChannel[c.channelName] = (perChannel[c.channelName] ?? 0) + 1;
    return { total: this.registry.size, perChannel };
  }

  onSessionClosed(conn: InboundConnection, close: { code: number; reason: string; initiator: 'server' | 'client' | 'none' }): void {
    if (this.registry.get(conn.connectionId) === conn) {
      this.closedFrames.msgsIn += conn.msgsIn;
      this.closedFrames.msgsOut += conn.msgsOut;
    }
    this.registry.remove(conn);
    this.messageLog.connectionClosed(conn.connectionId);
    (conn.channel as HostedChannel).removeSession(conn);
    this.dirty.delete(conn);
    this.deps.events.emit({ type: 'connection.closed', connectionId: conn.connectionId, clientId: conn.clientId, channel: conn.channelName, ...close });
  }

  private flushStats(): void {
    if (this.dirty.size === 0) return;
    if (!this.deps.events.hasListeners) {
      // Nobody watches (no admin event stream open): building 19k infos after a fan-out would be waste.
      this.dirty.clear();
      return;
    }
    const batch = [...this.dirty];
    this.dirty.clear();
    for (const c of batch) if (c.isOpen) this.deps.events.emit({ type: 'connection.updated', connection: c.info() });
  }
}
