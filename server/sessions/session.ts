import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RawData } from 'ws';
import { ClientFrameSchema, type ClientFrame, type HelloFrame, type ServerFrame } from '../../protocol/client-frames';
import { CloseCode, MAX_CLOSE_REASON_BYTES, utf8Length } from '../../protocol/close-codes';
import type { ConnectionInfo, InvokeResult } from '../../protocol/admin-connections';
import type { ChannelConfig } from '../../protocol/admin-config';
import { ErrorCode, type ErrorInfo } from '../../protocol/errors';
import { SbError } from '../errors';
import type { PubSubSession } from '../pubsub/session-port';
import type { RegistryEntry } from './registry';
import { closeCodeOfWsError, type SbSocket } from './sb-socket';
import type { SessionHost } from './session-host';

type State = 'awaiting-login' | 'authenticating' | 'logged-in' | 'closing' | 'closed';

interface PendingInvoke {
  resolve(r: InvokeResult): void;
  reject(e: SbError): void;
  timer: NodeJS.Timeout;
  sentAt: string;
  t0: number;
}

export interface CloseResult {
  terminated: boolean;
  closedAt: string;
}

/** The live channel a session belongs to; `config` is replaced in place when the channel changes. */
export interface ChannelRef {
  readonly name: string;
  config: ChannelConfig;
}

/** Cuts a close reason to the 123 UTF-8 bytes RFC 6455 allows, on a character boundary. */
export function clampReason(reason: string): string {
  if (utf8Length(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  let out = reason;
  while (utf8Length(out) > MAX_CLOSE_REASON_BYTES - 3) out = out.slice(0, -1);
  return out + '...';
}

const stripMapped = (a: string): string => (a.startsWith('::ffff:') ? a.slice(7) : a);

/**
 * One WebSocket connection from open to close: login, keepalive, TTL, requests, invokes, pub/sub.
 * It owns its timers and pending invokes and releases all of them in onClosed, whatever the path.
 */
export class Session implements RegistryEntry {
  readonly connectionId = randomBytes(16).toString('base64url');
  readonly connectedAt = new Date().toISOString();
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly forwardedFor: string | null;
  remoteFqdn: string | null = null;
  clientId: string | null = null;
  clientName: string | null = null;
  searchText: string;
  private state: State = 'awaiting-login';
  private loggedInAt: string | null = null;
  private lastSeen = Date.now();
  msgsIn = 0;
  msgsOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  private loginTimer: NodeJS.Timeout | null = null;
  private ttlTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  private awaitingPong = false;
  private pingsMissed = 0;
  private invokeSeq = 0;
  private readonly pending = new Map<string, PendingInvoke>();
  private closeSent: { code: number; reason: string } | null = null;
  private terminated = false;
  private closedResult: CloseResult | null = null;
  private readonly closeWaiters: ((r: CloseResult) => void)[] = [];
  private pubsubPort: PubSubSession | null = null;

  constructor(
    private readonly ws: SbSocket,
    req: IncomingMessage,
    readonly channel: ChannelRef,
    private readonly host: SessionHost,
  ) {
    const sock = req.socket;
    this.remoteAddress = sock.remoteAddress ?? '';
    this.remotePort = sock.remotePort ?? 0;
    this.localAddress = sock.localAddress ?? '';
    this.localPort = sock.localPort ?? 0;
    const xff = req.headers['x-forwarded-for'];
    this.forwardedFor = xff && host.isTrustedProxy(stripMapped(this.remoteAddress)) ? (Array.isArray(xff) ? xff.join(', ') : xff) : null;
    this.remoteFqdn = host.reverseDns.cached(this.remoteAddress) ?? null;
    this.searchText = this.remoteAddress.toLowerCase();

    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => this.onPong());
    ws.on('error', (err: Error & { code?: string }) => {
      // ws has already sent its own Close frame for receiver errors (1009 oversized, 1002, 1007).
      this.closeSent ??= { code: closeCodeOfWsError(err), reason: err.message };
      this.state = 'closing';
    });
    ws.on('close', (code, reason) => this.onClosed(code, reason.toString()));
    this.loginTimer = setTimeout(() => void this.close(CloseCode.LoginTimeout, 'login timeout: no valid hello received'), this.channel.config.newTokenWaitTime * 1000);
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

  info(): ConnectionInfo {
    return {
      connectionId: this.connectionId,
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
      loggedInAt: this.loggedInAt,
      lastSeenAt: new Date(this.lastSeen).toISOString(),
      expiresAt: this.state === 'logged-in' ? new Date(this.expiresAtMs()).toISOString() : null,
      msgsIn: this.msgsIn,
      msgsOut: this.msgsOut,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      subscriptions: this.clientId === null ? 0 : this.host.subscriptionCount(this.clientId),
    };
  }

  /** Sends one frame; false when the socket is no longer open. */
  send(frame: ServerFrame): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    const text = JSON.stringify(frame);
    this.ws.send(text);
    this.msgsOut++;
    this.bytesOut += Buffer.byteLength(text);
    this.host.markDirty(this);
    return true;
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (!this.isOpen) return;
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    this.msgsIn++;
    this.bytesIn += buf.length;
    this.lastSeen = Date.now();
    this.host.markDirty(this);
    if (isBinary) return void this.close(CloseCode.InvalidMessage, 'binary frames are not supported; send JSON text');
    let json: unknown;
    try {
      json = JSON.parse(buf.toString('utf8'));
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
        const port = this.pubsubPort;
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
    this.state = 'authenticating';
    const security = this.channel.config.security;
    if (security !== null) {
      let ok = false;
      try {
        ok = await this.host.verifyCredentials(security, hello);
      } catch (err) {
        this.host.logger.error('credential check failed', { connectionId: this.connectionId, err: String(err) });
      }
      if (this.state !== 'authenticating') return;
      if (!ok) return void this.close(CloseCode.AuthFailed, 'authentication failed');
    }
    if (this.loginTimer) clearTimeout(this.loginTimer);
    this.loginTimer = null;
    this.clientId = hello.clientId;
    this.clientName = hello.clientName ?? null;
    this.searchText = `${hello.clientId}\u0000${hello.clientName ?? ''}\u0000${this.remoteAddress}`.toLowerCase();
    this.host.registry.rekey(this, null);
    this.state = 'logged-in';
    this.loggedInAt = new Date().toISOString();
    this.lastSeen = Date.now();
    this.scheduleTtl(this.channel.config.tokenTtl * 1000);
    this.pingTimer = setInterval(() => this.onPingTick(), this.channel.config.pingInterval * 1000);
    this.send({ type: 'welcome', connectionId: this.connectionId, clientId: hello.clientId, serverName: this.host.serverName, expiresAt: new Date(this.expiresAtMs()).toISOString() });
    const clientId = hello.clientId;
    this.pubsubPort = {
      connectionId: this.connectionId,
      clientId,
      channel: this.channel.name,
      connectedAt: this.connectedAt,
      allowSubscribe: () => this.channel.config.allowSubscribe,
      allowPublish: () => this.channel.config.allowPublish,
      send: (f) => this.send(f),
      bufferedAmount: () => this.ws.bufferedAmount,
    };
    this.host.pubsub.attach(this.pubsubPort);
    this.host.emitUpdated(this);
  }

  /** The TTL timer fires at the earliest possible expiry and re-arms itself while traffic keeps extending it. */
  private scheduleTtl(delayMs: number): void {
    this.ttlTimer = setTimeout(() => {
      this.ttlTimer = null;
      const remaining = this.expiresAtMs() - Date.now();
      if (remaining <= 0) void this.close(CloseCode.SessionExpired, 'session expired: nothing received for tokenTtl');
      else this.scheduleTtl(remaining);
    }, Math.max(1, delayMs));
  }

  private onPingTick(): void {
    if (this.awaitingPong) {
      this.pingsMissed++;
      if (this.pingsMissed >= this.channel.config.pingsMissedThreshold) {
        return void this.close(CloseCode.PingsMissed, `${this.pingsMissed} pings missed`);
      }
    }
    this.awaitingPong = true;
    this.ws.ping();
  }

  private onPong(): void {
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
      const port = this.pubsubPort!;
      const result = await svc(data, {
        connectionId: this.connectionId,
        clientId: this.clientId!,
        clientName: this.clientName,
        channel: this.channel.name,
        requestId: id,
        logger: this.host.serviceLogger(name),
        publish: (topic, payload) => this.host.pubsub.publishFromService(topic, payload, port.connectionId),
      });
      this.send({ type: 'response', inReplyTo: id, ok: true, data: result });
    } catch (err) {
      this.host.serviceLogger(name).warn('service threw', { connectionId: this.connectionId, err: err instanceof Error ? err.message : String(err) });
      const message = `service "${name}" failed: ${err instanceof Error ? err.message : String(err)}`;
      this.send({ type: 'response', inReplyTo: id, ok: false, error: { code: ErrorCode.ServiceFailed, message } });
    }
  }

  /** Sends a server request and waits for the client's response. */
  invoke(data: unknown, timeoutMs: number): Promise<InvokeResult> {
    if (!this.isOpen) return Promise.reject(new SbError(ErrorCode.ConnectionClosed, `connection ${this.connectionId} is closing`));
    if (this.state !== 'logged-in') return Promise.reject(new SbError(ErrorCode.ConnectionNotReady, `connection ${this.connectionId} has not logged in yet`));
    const id = `s${++this.invokeSeq}`;
    return new Promise<InvokeResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SbError(ErrorCode.InvokeTimeout, `connection ${this.connectionId} did not answer within ${timeoutMs} ms`, { details: { timeoutMs } }));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, sentAt: new Date().toISOString(), t0: performance.now() });
      if (!this.send({ type: 'request', id, data })) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new SbError(ErrorCode.ConnectionClosed, `connection ${this.connectionId} closed before the request was sent`));
      }
    });
  }

  private onInvokeResponse(inReplyTo: string | number, ok: boolean, data: unknown, error: ErrorInfo | undefined): void {
    const key = String(inReplyTo);
    const p = this.pending.get(key);
    if (!p) {
      this.send({ type: 'error', inReplyTo, error: { code: ErrorCode.BadRequest, message: `no pending server request with id ${key}` } });
      return;
    }
    this.pending.delete(key);
    clearTimeout(p.timer);
    p.resolve({
      connectionId: this.connectionId,
      ok,
      ...(data !== undefined ? { data } : {}),
      ...(error !== undefined ? { error } : {}),
      latencyMs: Math.round((performance.now() - p.t0) * 1000) / 1000,
      sentAt: p.sentAt,
      respondedAt: new Date().toISOString(),
    });
  }

  /**
   * Starts a server-side close and resolves when the socket is closed. If the peer does not finish
   * the close handshake within closeTimeoutMs, the socket is terminated.
   */
  close(code: number, reason: string): Promise<CloseResult> {
    if (this.closedResult) return Promise.resolve(this.closedResult);
    const done = new Promise<CloseResult>((resolve) => this.closeWaiters.push(resolve));
    if (this.state === 'closing') return done;
    this.state = 'closing';
    this.stopTimers();
    const r = clampReason(reason);
    this.closeSent = { code, reason: r };
    this.ws.close(code, r);
    this.closeTimer = setTimeout(() => {
      this.terminated = true;
      this.ws.terminate();
    }, this.host.closeTimeoutMs);
    return done;
  }

  private stopTimers(): void {
    for (const t of [this.loginTimer, this.ttlTimer, this.closeTimer]) if (t) clearTimeout(t);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.loginTimer = this.ttlTimer = this.pingTimer = this.closeTimer = null;
  }

  private onClosed(code: number, reason: string): void {
    if (this.closedResult) return;
    const wasServer = this.closeSent !== null;
    const finalCode = this.closeSent?.code ?? code;
    const finalReason = this.closeSent?.reason ?? reason;
    this.state = 'closed';
    this.stopTimers();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new SbError(ErrorCode.ConnectionClosed, `connection ${this.connectionId} closed (${finalCode}) before answering`, { details: { code: finalCode, reason: finalReason } }));
    }
    this.pending.clear();
    if (this.pubsubPort) this.host.pubsub.detach(this.connectionId);
    this.pubsubPort = null;
    this.closedResult = { terminated: this.terminated, closedAt: new Date().toISOString() };
    this.host.onSessionClosed(this, {
      code: finalCode,
      reason: finalReason,
      initiator: wasServer ? 'server' : code === 1006 ? 'none' : 'client',
    });
    for (const w of this.closeWaiters.splice(0)) w(this.closedResult);
  }
}
