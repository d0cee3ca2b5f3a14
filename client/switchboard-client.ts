import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { dial, DialError, DialErrorCode, type DialOptions } from '../common/node/dialer';
import { fullJitterDelay } from '../common/backoff';
import { Lifecycle, type TransitionTable } from '../common/lifecycle';
import { ServerFrameSchema, type MessageFrame, type ServerFrame, type WelcomeFrame } from '../protocol/client-frames';
import { CloseCode } from '../protocol/close-codes';
import { ErrorCode, type ErrorInfo } from '../protocol/errors';

export type ClientState = 'disconnected' | 'connecting' | 'connected' | 'closing';

export type Credentials = { username: string; password: string } | { apiKey: string } | { token: string };

export interface ReconnectOptions {
  /** First retry waits up to this long (full jitter: a random delay in [0, cap]). */
  initialDelayMs: number;
  /** Cap of the exponentially growing delay. */
  maxDelayMs: number;
}

/** Return this from onRequest to leave a server request unanswered (tests of invoke timeouts). */
export const NO_REPLY: unique symbol = Symbol('no-reply');

/**
 * How the socket is opened — common/node/dialer.ts does it: extra `query` and `headers`,
 * `subprotocols`, HTTP-level `auth` on the upgrade (for a gateway or reverse proxy in front; the
 * Switchboard login itself uses `credentials`), `origin`, `tls` (ca, cert/key, passphrase,
 * servername, insecure), an HTTP CONNECT `proxy`, `handshakeTimeoutMs` (default 10 000),
 * `maxPayload`, `perMessageDeflate` (default false here).
 */
export type ClientDialOptions = Omit<DialOptions, 'url' | 'autoPong'>;

export interface SwitchboardClientOptions extends ClientDialOptions {
  /** ws:// or wss:// channel URL. */
  url: string;
  clientId: string;
  clientName?: string;
  credentials?: Credentials;
  /** Default { initialDelayMs: 500, maxDelayMs: 30000 }; false: never reconnect. */
  reconnect?: ReconnectOptions | false;
  /** Answers server requests (admin invokes). Without it the client answers ok:false. */
  onRequest?: (data: unknown) => unknown;
  /** Default timeout of request(); default 10000 ms. */
  requestTimeoutMs?: number;
  /**
   * Pub/sub: acknowledge each delivery right after the `message` listeners ran (default true).
   * With false, call ack(topic, seq) yourself; the server delivers at most its window
   * (default 1000) unacknowledged messages per subscription.
   */
  autoAck?: boolean;
}

export const DEFAULT_RECONNECT: ReconnectOptions = { initialDelayMs: 500, maxDelayMs: 30_000 };
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Close codes after which reconnecting would only repeat the failure. Replaced: another instance
 * of this client ID took over, and reconnecting would take it back, forever.
 */
const PERMANENT_CLOSES = new Set<number>([CloseCode.AuthFailed, CloseCode.Replaced, CloseCode.InvalidMessage, CloseCode.MessageTooLarge]);

/** A request that the server answered with ok:false, or that failed locally (not connected, timeout, closed). */
export class ClientRequestError extends Error {
  constructor(readonly code: string, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'ClientRequestError';
  }
}

export interface ClientEvents {
  state: [{ from: ClientState; to: ClientState; reason: string }];
  welcome: [WelcomeFrame];
  close: [{ code: number; reason: string }];
  /** Pub/sub deliveries. */
  message: [MessageFrame];
  /** Server `error` frames and unparseable frames (the connection stays up). */
  protocolError: [ErrorInfo];
  /** Every parsed server frame, for logging. */
  frame: [ServerFrame];
  /** Why a connect attempt failed (DNS, refused, TLS, proxy, handshake status, timeout…); a `close` (1006) follows. */
  dialError: [DialError];
}

interface Pending {
  resolve(data: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** Every legal move of a client connection; `closing` is only ever the application's own close. */
const CLIENT_MOVES: TransitionTable<ClientState> = {
  disconnected: ['connecting'],
  connecting: ['connected', 'closing', 'disconnected'],
  connected: ['closing', 'disconnected'],
  closing: ['disconnected'],
};

/**
 * A Switchboard client: one connection as an explicit state machine
 * (disconnected → connecting → connected → closing), hello on open, request/response,
 * answers to server requests, and reconnects with full-jitter exponential backoff.
 */
export class SwitchboardClient extends EventEmitter<ClientEvents> {
  private readonly life = new Lifecycle<ClientState>('switchboard client', CLIENT_MOVES, 'disconnected');
  private ws: WebSocket | null = null;
  /** The connect attempt in flight; aborting it cancels the connect. */
  private dialing: AbortController | null = null;
  private userClosed = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private seq = 0;
  private readonly pending = new Map<string, Pending>();
  private welcomeFrame: WelcomeFrame | null = null;
  private connectWaiters: { resolve(w: WelcomeFrame): void; reject(e: Error): void }[] = [];
  private closeWaiters: (() => void)[] = [];
  /** Highest seq emitted per topic: redeliveries (at-least-once) are acked again but not emitted twice. */
  private readonly lastSeq = new Map<string, number>();
  private readonly subscriptionKeys = new Map<string, string>();

  constructor(readonly options: SwitchboardClientOptions) {
    super();
    const r = options.reconnect;
    // Refused here, where the caller can see it, not at the first reconnect inside a timer.
    if (r && !(r.initialDelayMs >= 0 && r.maxDelayMs >= r.initialDelayMs)) throw new RangeError('reconnect: need 0 <= initialDelayMs <= maxDelayMs');
  }

  get state(): ClientState {
    return this.life.state;
  }

  /** The current session's welcome (null while not connected). */
  get welcome(): WelcomeFrame | null {
    return this.welcomeFrame;
  }

  get connectionId(): string | null {
    return this.welcomeFrame?.connectionId ?? null;
  }

  /** Opens the connection; resolves at the first welcome. Rejects if closed first without reconnecting. */
  connect(): Promise<WelcomeFrame> {
    this.userClosed = false;
    const p = new Promise<WelcomeFrame>((resolve, reject) => this.connectWaiters.push({ resolve, reject }));
    if (this.life.is('disconnected') && !this.reconnectTimer) this.open();
    else if (this.life.is('connected') && this.welcomeFrame) this.settleConnect(this.welcomeFrame);
    return p;
  }

  /** Sends a request to the channel's service and resolves with the response data. */
  request(data: unknown, opts: { timeoutMs?: number } = {}): Promise<unknown> {
    if (!this.life.is('connected')) return Promise.reject(new ClientRequestError(ErrorCode.ConnectionNotReady, `not connected (state ${this.life.state})`));
    const id = `c${++this.seq}`;
    const timeoutMs = opts.timeoutMs ?? this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ClientRequestError(ErrorCode.Timeout, `no response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.sendFrame({ type: 'request', id, data });
    });
  }

  /** Subscribes this clientId to a topic (durable: it outlives this connection); resolves with the Subscription. */
  subscribe(topic: string, opts: { timeoutMs?: number } = {}): Promise<unknown> {
    return this.call({ type: 'subscribe', topic }, opts.timeoutMs).then((data) => {
      // seq is per subscription: a new subscription (e.g. after an admin removed the old one) numbers from 1 again.
      const key = typeof data === 'object' && data !== null && 'subscriptionKey' in data ? data.subscriptionKey : undefined;
      if (typeof key === 'string' && this.subscriptionKeys.get(topic) !== key) {
        this.subscriptionKeys.set(topic, key);
        this.lastSeq.delete(topic);
      }
      return data;
    });
  }

  unsubscribe(topic: string, opts: { timeoutMs?: number } = {}): Promise<unknown> {
    this.lastSeq.delete(topic);
    this.subscriptionKeys.delete(topic);
    return this.call({ type: 'unsubscribe', topic }, opts.timeoutMs);
  }

  /** Publishes; resolves (with the PublishResult) once the server has stored the message durably. */
  publish(topic: string, data: unknown, opts: { timeoutMs?: number } = {}): Promise<unknown> {
    return this.call({ type: 'publish', topic, data }, opts.timeoutMs);
  }

  /** Cumulative acknowledgement of every delivery of `topic` with seq <= `seq`. */
  ack(topic: string, seq: number): boolean {
    return this.sendFrame({ type: 'ack', topic, seq });
  }

  private call(frame: { type: 'subscribe' | 'unsubscribe' | 'publish' } & Record<string, unknown>, timeoutMs?: number): Promise<unknown> {
    if (!this.life.is('connected')) return Promise.reject(new ClientRequestError(ErrorCode.ConnectionNotReady, `not connected (state ${this.life.state})`));
    const id = `c${++this.seq}`;
    const ms = timeoutMs ?? this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ClientRequestError(ErrorCode.Timeout, `no response within ${ms} ms`));
      }, ms);
      this.pending.set(id, { resolve, reject, timer });
      this.sendFrame({ ...frame, id });
    });
  }

  /** Sends any client frame as JSON; false when the socket is not open. */
  sendFrame(frame: { type: string } & Record<string, unknown>): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Closes for good (no reconnect); resolves once the socket is closed. */
  close(code: number = CloseCode.Normal, reason = 'client closing'): Promise<void> {
    this.userClosed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    for (const w of this.connectWaiters.splice(0)) w.reject(new ClientRequestError(ErrorCode.ConnectionClosed, 'closed before welcome'));
    if (!this.ws && !this.dialing) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (!this.life.is('closing')) {
      this.setState('closing', reason);
      if (this.ws) this.ws.close(code, reason);
      else this.dialing?.abort();
    }
    return done;
  }

  private setState(to: ClientState, reason: string): void {
    if (this.life.is(to)) return;
    const { from } = this.life.to(to, reason);
    this.emit('state', { from, to, reason });
  }

  private dialOptions(): DialOptions {
    const o = this.options;
    return {
      url: o.url,
      perMessageDeflate: o.perMessageDeflate ?? false,
      ...(o.query ? { query: o.query } : {}),
      ...(o.headers ? { headers: o.headers } : {}),
      ...(o.subprotocols ? { subprotocols: o.subprotocols } : {}),
      ...(o.auth ? { auth: o.auth } : {}),
      ...(o.origin !== undefined ? { origin: o.origin } : {}),
      ...(o.tls ? { tls: o.tls } : {}),
      ...(o.proxy ? { proxy: o.proxy } : {}),
      ...(o.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: o.handshakeTimeoutMs } : {}),
      ...(o.maxPayload !== undefined ? { maxPayload: o.maxPayload } : {}),
    };
  }

  private open(): void {
    this.reconnectTimer = null;
    this.setState('connecting', this.attempt === 0 ? 'connect' : `reconnect attempt ${this.attempt}`);
    const attempt = new AbortController();
    this.dialing = attempt;
    dial(this.dialOptions(), { signal: attempt.signal }).then(
      ({ ws }) => {
        if (this.dialing !== attempt) {
          ws.terminate();
          return;
        }
        this.dialing = null;
        this.ws = ws;
        ws.on('message', (raw) => this.onMessage(raw.toString()));
        ws.on('error', () => undefined); // a close event always follows
        ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString()));
        ws.resume();
        this.sendFrame({ type: 'hello', clientId: this.options.clientId, ...(this.options.clientName ? { clientName: this.options.clientName } : {}), ...this.options.credentials });
      },
      (err: unknown) => {
        if (this.dialing !== attempt) return;
        this.dialing = null;
        const e = err instanceof DialError ? err : new DialError(DialErrorCode.Network, String(err), { stage: 'connect' });
        if (e.code !== DialErrorCode.Aborted) this.emit('dialError', e);
        this.ended(1006, '', e);
      },
    );
  }

  private onMessage(text: string): void {
    let parsed;
    try {
      parsed = ServerFrameSchema.safeParse(JSON.parse(text));
    } catch {
      this.emit('protocolError', { code: ErrorCode.InvalidFrame, message: 'server sent invalid JSON' });
      return;
    }
    if (!parsed.success) {
      this.emit('protocolError', { code: ErrorCode.InvalidFrame, message: `server sent an invalid frame: ${parsed.error.issues[0]?.message ?? ''}` });
      return;
    }
    const frame = parsed.data;
    this.emit('frame', frame);
    switch (frame.type) {
      case 'welcome':
        // A welcome that crosses our own close is not a new session.
        if (!this.life.is('connecting')) return;
        this.welcomeFrame = frame;
        this.attempt = 0;
        this.setState('connected', 'welcome');
        this.emit('welcome', frame);
        this.settleConnect(frame);
        return;
      case 'response': {
        const p = this.pending.get(String(frame.inReplyTo));
        if (!p) return;
        this.pending.delete(String(frame.inReplyTo));
        clearTimeout(p.timer);
        if (frame.ok) p.resolve(frame.data);
        else p.reject(new ClientRequestError(frame.error?.code ?? ErrorCode.Internal, frame.error?.message ?? 'request failed', frame.error?.details));
        return;
      }
      case 'request':
        void this.answer(frame.id, frame.data);
        return;
      case 'message': {
        const last = this.lastSeq.get(frame.topic) ?? 0;
        if (frame.seq > last) {
          this.lastSeq.set(frame.topic, frame.seq);
          this.emit('message', frame);
        }
        if (this.options.autoAck ?? true) this.ack(frame.topic, frame.seq);
        return;
      }
      case 'error':
        this.emit('protocolError', frame.error);
        return;
      default: {
        const never: never = frame;
        return void never;
      }
    }
  }

  private async answer(id: string | number, data: unknown): Promise<void> {
    const handler = this.options.onRequest;
    if (!handler) {
      this.sendFrame({ type: 'response', inReplyTo: id, ok: false, error: { code: ErrorCode.NotPermitted, message: 'this client does not handle server requests' } });
      return;
    }
    try {
      const result = await handler(data);
      if (result === NO_REPLY) return;
      this.sendFrame({ type: 'response', inReplyTo: id, ok: true, data: result });
    } catch (err) {
      this.sendFrame({ type: 'response', inReplyTo: id, ok: false, error: { code: ErrorCode.ServiceFailed, message: err instanceof Error ? err.message : String(err) } });
    }
  }

  private settleConnect(w: WelcomeFrame): void {
    for (const waiter of this.connectWaiters.splice(0)) waiter.resolve(w);
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    this.ws = null;
    this.ended(code, reason, null);
  }

  /** The socket (or the attempt to open one) is gone: settle waiters, then reconnect unless told not to. */
  private ended(code: number, reason: string, dialError: DialError | null): void {
    this.welcomeFrame = null;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new ClientRequestError(ErrorCode.ConnectionClosed, `connection closed (${code}) before the response`));
    }
    this.pending.clear();
    this.setState('disconnected', `closed (${code})${reason ? ` ${reason}` : ''}`);
    this.emit('close', { code, reason });
    for (const w of this.closeWaiters.splice(0)) w();
    const reconnect = this.options.reconnect === undefined ? DEFAULT_RECONNECT : this.options.reconnect;
    // Options the dialer refused will be refused again: no point retrying.
    const permanent = PERMANENT_CLOSES.has(code) || dialError?.code === DialErrorCode.InvalidOptions;
    if (this.userClosed || reconnect === false || permanent) {
      for (const w of this.connectWaiters.splice(0)) w.reject(dialError && dialError.code !== DialErrorCode.Aborted ? dialError : new ClientRequestError(ErrorCode.ConnectionClosed, `closed (${code}) ${reason}`.trim(), { code, reason }));
      return;
    }
    // Full jitter: spreads a swarm's reconnects instead of having them all hit the server together.
    const delayMs = fullJitterDelay(this.attempt++, { initialDelayMs: reconnect.initialDelayMs, maxDelayMs: reconnect.maxDelayMs });
    this.reconnectTimer = setTimeout(() => this.open(), delayMs);
  }
}
