import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import { ClientFrameSchema, type ClientFrame, type HelloFrame, type ServerFrame } from '../../protocol/client-frames';
import { CloseCode } from '../../protocol/close-codes';
import { jsonDeeperThan } from '../../common/json-depth';
import { Lifecycle, type TransitionTable } from '../../common/lifecycle';
import type { ConnectionInfo, InvokeResult } from '../../protocol/admin-connections';
import type { ChannelConfig } from '../../protocol/admin-config';
import { ErrorCode, type ErrorInfo } from '../../protocol/errors';
import { SbError } from '../errors';
import type { PubSubSession } from '../pubsub/session-port';
import type { PublishResult } from '../../protocol/admin-pubsub';
import type { OutgoingHandle } from '../outgoing/hooks';
import { clampReason, ServiceCtx, SessionPort, uncork } from './connection-adapters';
import { PendingInvokes } from './pending-invokes';
import type { RegistryEntry } from './registry';
import { closeCodeOfWsError, WS_DEFAULT_REASONS, type SbSocket } from './sb-socket';
import type { ConnectionHost } from './connection-host';

type State = 'awaiting-login' | 'authenticating' | 'logged-in' | 'closing' | 'closed';

/** Every legal move of a session. A close may start (or the socket drop) in any state before closed. */
const SESSION_STATES: TransitionTable<State> = {
  'awaiting-login': ['authenticating', 'closing', 'closed'],
  authenticating: ['logged-in', 'closing', 'closed'],
  'logged-in': ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

export { clampReason };

export interface CloseResult {
  terminated: boolean;
  closedAt: string;
}

/** The live channel a session belongs to; `config` is replaced in place when the channel changes. */
export interface ChannelRef {
  readonly name: string;
  config: ChannelConfig;
}

const ownerOf = (ws: WebSocket): InboundConnection => (ws as SbSocket).owner as InboundConnection;

/** The socket listeners, shared by every connection (`this` is the socket). */
function onWsMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  ownerOf(this).onMessage(data, isBinary);
}
function onWsPong(this: WebSocket): void {
  ownerOf(this).onPong();
}
function onWsPing(this: WebSocket, data: Buffer): void {
  ownerOf(this).onPing(data);
}
function onWsError(this: WebSocket, err: Error & { code?: string }): void {
  ownerOf(this).onWsError(err);
}
function onWsClose(this: WebSocket, code: number, reason: Buffer): void {
  ownerOf(this).onClosed(code, reason.toString());
}

/**
 * ISO forms of connectedAt, loggedInAt, lastSeen and the expiry, each with the instant it was
 * formatted from: an admin page formats 100 connections per request and most are idle, so
 * Date→ISO (about 1 µs each) runs only when the instant changed.
 */
class IsoCache {
  connectedAt: string | null = null;
  loggedInAt: string | null = null;
  lastSeen = '';
  lastSeenMs = -1;
  expiresAt = '';
  expiresAtMs = -1;
}

const stripMapped = (a: string): string => (a.startsWith('::ffff:') ? a.slice(7) : a);

/**
 * One WebSocket connection from open to close: login, keepalive, TTL, requests, invokes, pub/sub.
 * It owns its timers and pending invokes and releases all of them in onClosed, whatever the path.
 */
export class InboundConnection implements RegistryEntry {
  readonly connectionId = randomBytes(16).toString('base64url');
  private readonly openedAt = Date.now();
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly forwardedFor: string | null;
  remoteFqdn: string | null = null;
  clientId: string | null = null;
  clientName: string | null = null;
  searchText: string;
  private readonly life = new Lifecycle<State>('inbound connection', SESSION_STATES, 'awaiting-login');
  private loggedInAt: number | null = null;
  private lastSeen = Date.now();
  msgsIn = 0;
  msgsOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  private nextPingAt = 0;
  private corked = false;
  /** The ISO forms below, made on the first info(): most connections are never listed. */
  private iso: IsoCache | null = null;
  /** The TCP socket under the WebSocket (ws was handed req.socket at the upgrade). */
  private readonly socket: Socket;
  private closeTimer: NodeJS.Timeout | null = null;
  private awaitingPong = false;
  private pingsMissed = 0;
  /** Created on the first invoke: most connections never get one. */
  private pending: PendingInvokes | null = null;
  private closeSent: { code: number; reason: string } | null = null;
  private terminated = false;
  private closedResult: CloseResult | null = null;
  private closeWaiters: ((r: CloseResult) => void)[] | null = null;
  private pubsubPort: PubSubSession | null = null;
  /** Start of the current one-second window of client pings, and the pings in it (maxPingsPerSecond). */
  private pingWindowAt = 0;
  private pingsInWindow = 0;

  constructor(
    private readonly ws: SbSocket,
    req: IncomingMessage,
    readonly channel: ChannelRef,
    private readonly host: ConnectionHost,
  ) {
    const sock = req.socket;
    this.socket = sock;
    this.remoteAddress = sock.remoteAddress ?? '';
    this.remotePort = sock.remotePort ?? 0;
    const xff = req.headers['x-forwarded-for'];
    this.forwardedFor = xff && host.isTrustedProxy(stripMapped(this.remoteAddress)) ? (Array.isArray(xff) ? xff.join(', ') : xff) : null;
    this.remoteFqdn = host.reverseDns.cached(this.remoteAddress) ?? null;
    this.searchText = this.remoteAddress.toLowerCase();

    ws.owner = this;
    ws.on('message', onWsMessage);
    ws.on('pong', onWsPong);
    ws.on('ping', onWsPing);
    ws.on('error', onWsError);
    ws.on('close', onWsClose);
  }

  /**
   * Receiver errors (WS_ERR_*: 1009 oversized, 1002, 1007, 1008): ws has already sent its own
   * Close frame. Socket errors (ECONNRESET…) are followed by a close with 1006.
   */
  onWsError(err: Error & { code?: string }): void {
    if (!err.code?.startsWith('WS_ERR_')) return;
    const code = closeCodeOfWsError(err);
    this.closeSent ??= { code, reason: WS_DEFAULT_REASONS[code] ?? err.message };
    this.life.tryTo('closing', this.closeSent.reason);
  }

  private get state(): State {
    return this.life.state;
  }

  /**
   * The socket's own address, read when first asked for (an admin listing): reading it makes Node
   * keep a sockname record per socket. Until then the socket is open, so the read succeeds.
   */
  get localAddress(): string {
    return this.socket.localAddress ?? '';
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  /** ISO time the WebSocket opened (formatted once: registry pages read it a lot). */
  get connectedAt(): string {
    const iso = (this.iso ??= new IsoCache());
    return (iso.connectedAt ??= new Date(this.openedAt).toISOString());
  }

  /**
   * Called by the channel every sessionTickMs: login deadline, TTL expiry and pings. One timer per
   * channel instead of three per connection keeps idle connections cheap.
   */
  tick(now: number): void {
    const cfg = this.channel.config;
    if (this.state === 'awaiting-login' || this.state === 'authenticating') {
      if (now >= this.openedAt + cfg.newTokenWaitTime * 1000) void this.close(CloseCode.LoginTimeout, 'login timeout: no valid hello received');
      return;
    }
    if (this.state !== 'logged-in') return;
    if (now >= this.lastSeen + cfg.tokenTtl * 1000) return void this.close(CloseCode.SessionExpired, 'session expired: nothing received for tokenTtl');
    if (now < this.nextPingAt) return;
    if (this.awaitingPong) {
      this.pingsMissed++;
      if (this.pingsMissed >= cfg.pingsMissedThreshold) return void this.close(CloseCode.PingsMissed, `${this.pingsMissed} pings missed`);
    }
    this.awaitingPong = true;
    this.nextPingAt = now + cfg.pingInterval * 1000;
    if (this.ws.readyState !== this.ws.OPEN || !this.withinSendBudget(2)) return;
    this.ws.ping();
  }

  get channelName(): string {
    return this.channel.name;
  }

  get isLoggedIn(): boolean {
    return this.state === 'logged-in';
  }

  get isOpen(): boolean {
    return this.state !== 'closing' && this.state !== 'closed';
  }

  /** Logged in and the peer has not started a close either (its Close frame moves ws to CLOSING). */
  get isLive(): boolean {
    return this.state === 'logged-in' && this.ws.readyState === this.ws.OPEN;
  }

  /** Starts the reverse DNS lookup; the result lands later without delaying anything. */
  resolveFqdn(): void {
    if (this.remoteFqdn !== null) return;
    void this.host.reverseDns.lookup(this.remoteAddress).then((fqdn) => {
      if (fqdn === null || this.state === 'closed') return;
      this.remoteFqdn = fqdn;
      this.host.emitUpdated(this);
    });
  }

  private expiresAtMs(): number {
    return this.lastSeen + this.channel.config.tokenTtl * 1000;
  }

  private lastSeenAt(): string {
    const iso = (this.iso ??= new IsoCache());
    if (iso.lastSeenMs !== this.lastSeen) iso.lastSeen = new Date((iso.lastSeenMs = this.lastSeen)).toISOString();
    return iso.lastSeen;
  }

  private expiresAt(): string {
    const ms = this.expiresAtMs();
    const iso = (this.iso ??= new IsoCache());
    if (iso.expiresAtMs !== ms) iso.expiresAt = new Date((iso.expiresAtMs = ms)).toISOString();
    return iso.expiresAt;
  }

  info(): ConnectionInfo {
    return {
      connectionId: this.connectionId,
      kind: 'inbound',
      node: this.host.nodeId,
      clientId: this.clientId,
      clientName: this.clientName,
      channel: this.channel.name,
      state: this.state === 'logged-in' ? 'logged-in' : this.state === 'closing' || this.state === 'closed' ? 'closing' : 'awaiting-login',
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
      remoteFqdn: this.remoteFqdn,
      forwardedFor: this.forwardedFor,
      localAddress: this.localAddress,
      localPort: this.localPort,
      serverName: this.host.serverName,
      pid: process.pid,
      connectedAt: this.connectedAt,
      loggedInAt: this.loggedInAt === null ? null : ((this.iso ??= new IsoCache()).loggedInAt ??= new Date(this.loggedInAt).toISOString()),
      lastSeenAt: this.lastSeenAt(),
      expiresAt: this.state === 'logged-in' ? this.expiresAt() : null,
      msgsIn: this.msgsIn,
      msgsOut: this.msgsOut,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      subscriptions: this.clientId === null ? 0 : this.host.subscriptionCount(this.clientId),
    };
  }

  /** Sends one frame; false when the socket is no longer open. */
  send(frame: ServerFrame): boolean {
    return this.sendText(JSON.stringify(frame));
  }

  /**
   * Sends an already serialized frame (pub/sub fan-out serializes a message once for all subscribers).
   * `coalesce: false` writes at once: a fan-out sends one frame to each of many sockets, where
   * corking would only hold every byte back until the whole loop has run.
   */
  sendText(text: string, coalesce = true): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    const bytes = Buffer.byteLength(text);
    if (!this.withinSendBudget(bytes)) return false;
    if (coalesce && !this.corked) {
      // Coalesce every frame sent in this turn of the event loop into one write (one syscall):
      // ws's own cork/uncork per frame nests inside ours.
      this.corked = true;
      this.socket.cork();
      setImmediate(uncork, this);
    }
    this.ws.send(text);
    if (this.channel.config.logSent) this.host.messageLog.record(this.connectionId, this.channel, 'sent', text, Buffer.byteLength(text));
    this.msgsOut++;
    this.bytesOut += bytes;
    this.host.markDirty(this);
    return true;
  }

  /**
   * The hard bound of the connection's send budget, for every frame the server sends. Pub/sub
   * delivery pauses at the soft bound (maxBufferedBytes) and never gets here in practice; what
   * cannot wait — responses, server requests, pings, pongs — closes the connection (4013) rather
   * than queue without end behind a client that does not read. A frame is always let through onto
   * an empty socket, so one frame larger than the bound is not a slow consumer.
   */
  private withinSendBudget(bytes: number): boolean {
    const queued = this.ws.bufferedAmount;
    const hard = this.channel.config.maxBufferedBytesHard;
    if (queued === 0 || queued + bytes <= hard) return true;
    void this.close(CloseCode.SlowConsumer, `slow consumer: ${queued} bytes unread, over maxBufferedBytesHard (${hard})`);
    return false;
  }

  /** Calls `resume` once the TCP socket has written out everything queued (pub/sub flow control). */
  whenDrained(resume: () => void): void {
    if (this.socket.writableLength === 0 && !this.corked) return void setImmediate(resume);
    this.socket.once('drain', resume);
  }

  /** Ends the write coalescing started by send(). */
  flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  onMessage(data: RawData, isBinary: boolean): void {
    if (!this.isOpen) return;
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    this.msgsIn++;
    this.bytesIn += buf.length;
    if (this.channel.config.logReceived) this.host.messageLog.record(this.connectionId, this.channel, 'received', isBinary ? `<binary frame, ${buf.length} bytes>` : buf.toString('utf8'), buf.length);
    this.lastSeen = Date.now();
    this.host.markDirty(this);
    if (isBinary) return void this.close(CloseCode.InvalidMessage, 'binary frames are not supported; send JSON text');
    const text = buf.toString('utf8');
    const maxDepth = this.host.maxJsonDepth;
    if (jsonDeeperThan(text, maxDepth)) return void this.close(CloseCode.InvalidMessage, `invalid frame: JSON nested deeper than ${maxDepth} levels (maxJsonDepth)`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return void this.close(CloseCode.InvalidMessage, 'invalid JSON');
    }
    const parsed = ClientFrameSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') + ': ' : '';
      return void this.close(CloseCode.InvalidMessage, `invalid frame: ${where}${issue?.message ?? 'unknown'}`);
    }
    this.dispatch(parsed.data);
  }

  private dispatch(frame: ClientFrame): void {
    if (this.state === 'awaiting-login') {
      if (frame.type !== 'hello') return void this.close(CloseCode.InvalidMessage, `expected hello before ${frame.type}`);
      this.login(frame).catch((err: unknown) => {
        this.host.logger.error('login failed', { connectionId: this.connectionId, err: String(err) });
        void this.close(CloseCode.InternalError, 'internal error during login');
      });
      return;
    }
    if (this.state === 'authenticating') return void this.close(CloseCode.InvalidMessage, `${frame.type} sent before welcome`);
    switch (frame.type) {
      case 'hello':
        return void this.close(CloseCode.InvalidMessage, 'already logged in');
      case 'request':
        return void this.runService(frame.id, frame.data);
      case 'response':
        return this.onInvokeResponse(frame.inReplyTo, frame.ok ?? frame.error === undefined, frame.data, frame.error);
      case 'subscribe':
      case 'unsubscribe':
      case 'publish':
      case 'ack': {
        const port = this.pubsubPort ?? this.attachPubSub();
        if (!port) return;
        this.host.pubsub.handleFrame(port, frame).catch((err: unknown) => this.host.logger.error('pub/sub frame failed', { connectionId: this.connectionId, err: String(err) }));
        return;
      }
      default: {
        const never: never = frame;
        return void never;
      }
    }
  }

  private async login(hello: HelloFrame): Promise<void> {
    this.life.to('authenticating', 'hello received');
    // Credentials are redacted by the logger (by schema), never written out.
    this.host.logger.debug('hello', { connectionId: this.connectionId, channel: this.channel.name, hello });
    const verdict = await this.host.login.authenticate(this, hello);
    if (this.state !== 'authenticating') return;
    if (!verdict.ok) return void this.close(verdict.code, verdict.reason);
    const claim = this.host.login.claim(this, hello.clientId);
    if (!claim.ok) return void this.close(claim.code, claim.reason);
    this.clientId = hello.clientId;
    this.clientName = hello.clientName ?? null;
    this.searchText = `${hello.clientId}\u0000${hello.clientName ?? ''}\u0000${this.remoteAddress}`.toLowerCase();
    this.host.registry.rekey(this, null);
    this.life.to('logged-in', 'welcome');
    this.loggedInAt = this.lastSeen = Date.now();
    this.nextPingAt = this.loggedInAt + this.channel.config.pingInterval * 1000;
    this.send({ type: 'welcome', connectionId: this.connectionId, clientId: hello.clientId, serverName: this.host.serverName, expiresAt: new Date(this.expiresAtMs()).toISOString() });
    // A client ID with durable subscriptions attaches now (its backlog is delivered); one without
    // attaches on its first pub/sub frame: most connections never send one, and an attachment is
    // a port, a delivery entry and three map entries per connection.
    if (this.host.subscriptionCount(hello.clientId) > 0) this.attachPubSub();
    this.host.counters.logins++;
    this.host.emitUpdated(this);
  }

  /**
   * Client pings are answered here, not by ws (autoPong is off): ws answers however fast they come,
   * and a flood then ends in a dropped socket with no Close frame.
   */
  onPing(data: Buffer): void {
    if (!this.isOpen) return;
    const max = this.channel.config.maxPingsPerSecond;
    if (max > 0) {
      const now = Date.now();
      if (now - this.pingWindowAt >= 1000) {
        this.pingWindowAt = now;
        this.pingsInWindow = 0;
      }
      if (++this.pingsInWindow > max) return void this.close(CloseCode.PingFlood, `ping flood: more than ${max} pings in one second (maxPingsPerSecond)`);
    }
    if (this.ws.readyState !== this.ws.OPEN || !this.withinSendBudget(data.length + 2)) return;
    this.ws.pong(data);
  }

  onPong(): void {
    this.awaitingPong = false;
    this.pingsMissed = 0;
    this.lastSeen = Date.now();
    this.host.markDirty(this);
  }

  private async runService(id: string | number, data: unknown): Promise<void> {
    const name = this.channel.config.service;
    const svc = this.host.service(name);
    if (!svc) {
      this.send({ type: 'response', inReplyTo: id, ok: false, error: { code: ErrorCode.ServiceNotFound, message: `service "${name}" is not loaded` } });
      return;
    }
    try {
      const result = await svc(data, new ServiceCtx(this, id, this.host.serviceLogger(name)));
      this.send({ type: 'response', inReplyTo: id, ok: true, data: result });
    } catch (err) {
      this.host.serviceLogger(name).warn('service threw', { connectionId: this.connectionId, err: err instanceof Error ? err.message : String(err) });
      const message = `service "${name}" failed: ${err instanceof Error ? err.message : String(err)}`;
      this.send({ type: 'response', inReplyTo: id, ok: false, error: { code: ErrorCode.ServiceFailed, message } });
    }
  }

  outgoing(name: string): OutgoingHandle {
    return this.host.outgoing(name);
  }

  private attachPubSub(): PubSubSession | null {
    if (this.state !== 'logged-in' || this.clientId === null) return null;
    this.pubsubPort = new SessionPort(this, this.ws, this.clientId);
    this.host.pubsub.attach(this.pubsubPort);
    return this.pubsubPort;
  }

  publishFromService(topic: string, data: unknown): Promise<PublishResult> {
    return this.host.pubsub.publishFromService(topic, data, this.connectionId);
  }

  /** Sends a server request and waits for the client's response. */
  invoke(data: unknown, timeoutMs: number): Promise<InvokeResult> {
    // Counted here, on the node that holds the socket, whichever node the admin request reached.
    const n = this.host.counters;
    if (!this.isOpen || this.state !== 'logged-in') n.invokesFailed++;
    if (!this.isOpen) return Promise.reject(new SbError(ErrorCode.ConnectionClosed, `connection ${this.connectionId} is closing`));
    if (this.state !== 'logged-in') return Promise.reject(new SbError(ErrorCode.ConnectionNotReady, `connection ${this.connectionId} has not logged in yet`));
    this.pending ??= new PendingInvokes(this.connectionId);
    return this.pending.start(timeoutMs, (id) => this.send({ type: 'request', id, data })).then(
      (r) => {
        if (r.ok) n.invokesOk++;
        else n.invokesError++;
        return r;
      },
      (err: unknown) => {
        if (err instanceof SbError && err.code === ErrorCode.InvokeTimeout) n.invokesTimedOut++;
        else n.invokesFailed++;
        throw err;
      },
    );
  }

  private onInvokeResponse(inReplyTo: string | number, ok: boolean, data: unknown, error: ErrorInfo | undefined): void {
    if (this.pending?.answer(inReplyTo, ok, data, error)) return;
    this.send({ type: 'error', inReplyTo, error: { code: ErrorCode.BadRequest, message: `no pending server request with id ${String(inReplyTo)}` } });
  }

  /**
   * Starts a server-side close and resolves when the socket is closed. If the peer does not finish
   * the close handshake within closeTimeoutMs, the socket is terminated.
   */
  close(code: number, reason: string): Promise<CloseResult> {
    if (this.closedResult) return Promise.resolve(this.closedResult);
    const done = new Promise<CloseResult>((resolve) => (this.closeWaiters ??= []).push(resolve));
    if (this.state === 'closing') return done;
    const r = clampReason(reason);
    this.life.to('closing', r);
    this.closeSent = { code, reason: r };
    // An answer can no longer arrive (frames after our Close are ignored): fail the waiting invokes
    // now, not when the peer finishes the handshake or closeTimeoutMs ends it.
    this.pending?.closeAll(code, r);
    this.ws.close(code, r);
    this.closeTimer = setTimeout(() => {
      this.terminated = true;
      this.ws.terminate();
    }, this.host.closeTimeoutMs);
    return done;
  }

  private stopTimers(): void {
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = null;
  }

  onClosed(code: number, reason: string): void {
    if (this.closedResult) return;
    const wasServer = this.closeSent !== null;
    const finalCode = this.closeSent?.code ?? code;
    const finalReason = this.closeSent?.reason ?? reason;
    this.life.to('closed', finalReason);
    this.stopTimers();
    this.pending?.closeAll(finalCode, finalReason);
    this.pending = null;
    if (this.pubsubPort) this.host.pubsub.detach(this.connectionId);
    this.pubsubPort = null;
    this.closedResult = { terminated: this.terminated, closedAt: new Date().toISOString() };
    this.host.onSessionClosed(this, {
      code: finalCode,
      reason: finalReason,
      initiator: wasServer ? 'server' : code === 1006 ? 'none' : 'client',
    });
    for (const w of this.closeWaiters ?? []) w(this.closedResult);
    this.closeWaiters = null;
  }
}
