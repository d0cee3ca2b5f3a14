import type WebSocket from 'ws';
import { fullJitterDelay } from '../../common/backoff';
import { Lifecycle, type TransitionTable } from '../../common/lifecycle';
import { dial, DialError, type Dialed } from '../../common/node/dialer';
import type { OutgoingConfig, OutgoingFrame, OutgoingInvokeResult, OutgoingSendResult, OutgoingState, OutgoingStatus } from '../../protocol/admin-outgoing';
import { ServerFrameSchema, type ServerFrame } from '../../protocol/client-frames';
import { clampReason, CloseCode } from '../../protocol/close-codes';
import { ErrorCode, type ErrorInfo } from '../../protocol/errors';
import { SbError, toErrorInfo } from '../errors';
import type { Logger } from '../logger';
import { dialOptionsOf, helloFrame } from './dial-config';
import { PendingReplies } from './pending-replies';
import { decode, encode, frameRecord, getPath, publicFrame, Ring, withPath, type Encoded, type FrameRecord } from './frames';
import type { HookRunner } from './hooks';

/**
 * idle → connecting → open → closing → (backoff → connecting …) | stopped. `connecting` covers the
 * dial and, on switchboard peers, the wait for welcome; `backoff` waits a full-jitter delay.
 */
export const OUTGOING_TRANSITIONS: TransitionTable<OutgoingState> = {
  idle: ['connecting', 'stopped'],
  connecting: ['open', 'closing', 'backoff', 'stopped'],
  open: ['closing', 'backoff', 'stopped'],
  closing: ['backoff', 'stopped', 'connecting'],
  backoff: ['connecting', 'stopped'],
  stopped: ['connecting'],
};

/** Hook calls (onMessage) running or waiting per connection: past it the socket is paused. */
export const HOOK_BACKLOG = 64;
/** A local close that the peer does not finish by then terminates the socket. */
export const CLOSE_TIMEOUT_MS = 3000;

const SETTLED: Promise<void> = Promise.resolve();

const OWNER = Symbol('outgoing connection');
type OwnedSocket = WebSocket & { [OWNER]?: OutgoingConnection };
function onSocketMessage(this: OwnedSocket, raw: Buffer, isBinary: boolean): void {
  this[OWNER]?.socketMessage(this, raw, isBinary);
}
function onSocketPong(this: OwnedSocket): void {
  this[OWNER]?.socketEvent(this, { type: 'pong' });
}
function onSocketError(this: OwnedSocket, err: Error): void {
  this[OWNER]?.socketEvent(this, { type: 'error', err });
}
function onSocketClose(this: OwnedSocket, code: number, reason: Buffer): void {
  this[OWNER]?.socketEvent(this, { type: 'close', code, reason });
}

/** Peer close codes after which retrying cannot help: the credentials were refused. */
const FATAL_CLOSE_CODES = new Set<number>([CloseCode.AuthFailed, CloseCode.DuplicateLogin, CloseCode.LoginRateLimited]);

export interface OutgoingConnectionDeps {
  logger: Logger;
  hooks: HookRunner;
  /** The state or the counters changed; `now` for transitions (counters may be coalesced). */
  changed(conn: OutgoingConnection, now: boolean): void;
  random?: () => number;
}

/**
 * One outgoing WebSocket from open to close and again: owns the socket, the dial's abort, the
 * retry, ping, idle and close timers, the send queue, the pending invokes and the frame ring.
 * Every buffer is bounded by the definition (sendQueueMax, maxPendingInvokes, recentFrames) and
 * hook calls by HOOK_BACKLOG.
 */
export class OutgoingConnection {
  readonly lifecycle: Lifecycle<OutgoingState>;
  private ws: WebSocket | null = null;
  private protocol = '';
  private abort: AbortController | null = null;
  /** Bumped by every new dial or teardown: callbacks of an older attempt see a stale value and do nothing. */
  private gen = 0;
  /** What a close should lead to. */
  private after: 'retry' | 'stop' | 'reconnect' = 'retry';
  private localReason: { code: number; reason: string } | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private welcomeTimer: NodeJS.Timeout | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  private readonly queue: Encoded[] = [];
  private readonly pending: PendingReplies;
  private readonly ring: Ring<FrameRecord>;
  private seq = 0;
  private missedPings = 0;
  private pingSentAt = 0;
  private lastInAt = 0;
  private hookChain: Promise<void> = SETTLED;
  private hookDepth = 0;
  private paused = false;
  private wasOpen = false;

  private attempts = 0;
  private nextAttemptAt: string | null = null;
  private lastError: OutgoingStatus['lastError'] = null;
  private lastClose: OutgoingStatus['lastClose'] = null;
  private connectedSince: string | null = null;
  private rttMs: number | null = null;
  private framesIn = 0;
  private framesOut = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  private reason = 'not started';

  constructor(public config: OutgoingConfig, public createdAt: string, public updatedAt: string, private readonly deps: OutgoingConnectionDeps) {
    this.lifecycle = new Lifecycle<OutgoingState>(`outgoing ${config.name}`, OUTGOING_TRANSITIONS, 'idle');
    this.ring = new Ring(config.recentFrames);
    this.pending = new PendingReplies(config.name, () => this.deps.changed(this, false));
  }

  /** Every move goes through here: the reason is kept and watchers are told at once. */
  private move(to: OutgoingState, reason: string): void {
    this.lifecycle.to(to, reason);
    this.reason = reason;
    this.deps.changed(this, true);
  }

  get name(): string {
    return this.config.name;
  }

  get state(): OutgoingState {
    return this.lifecycle.state;
  }

  status(): OutgoingStatus {
    return {
      state: this.lifecycle.state,
      reason: this.reason,
      since: new Date(this.lifecycle.enteredAt).toISOString(),
      attempts: this.attempts,
      nextAttemptAt: this.lifecycle.state === 'backoff' ? this.nextAttemptAt : null,
      lastError: this.lastError,
      lastClose: this.lastClose,
      connectedSince: this.lifecycle.state === 'open' ? this.connectedSince : null,
      rttMs: this.rttMs,
      framesIn: this.framesIn,
      framesOut: this.framesOut,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      queued: this.queue.length,
      pending: this.pending.size,
      protocol: this.protocol,
    };
  }

  frames(): OutgoingFrame[] {
    return this.ring.toArray().map(publicFrame);
  }

  /** A definition change that needs no new socket (hooks, bounds, pings, reconnect policy). */
  applyLive(next: OutgoingConfig): void {
    const pings = next.pingInterval !== this.config.pingInterval || next.idleTimeoutMs !== this.config.idleTimeoutMs;
    if (next.recentFrames !== this.config.recentFrames) this.ring.resize(next.recentFrames);
    this.config = next;
    if (pings && this.lifecycle.state === 'open') this.startTimers();
  }

  // ---- driving

  /** Dials now (from idle, stopped or backoff), with the attempt count reset. */
  start(reason: string): void {
    this.attempts = 0;
    this.after = 'retry';
    const s = this.lifecycle.state;
    if (s === 'backoff') this.clearRetry();
    if (s === 'idle' || s === 'stopped' || s === 'backoff') this.connect(reason);
  }

  /** Closes whatever is open and dials again at once. */
  reconnect(reason: string): void {
    this.attempts = 0;
    const s = this.lifecycle.state;
    if (s === 'open' || (s === 'connecting' && this.ws)) {
      this.after = 'reconnect';
      this.closeLocal(1000, 'reconnecting', reason);
    } else if (s === 'closing') {
      this.after = 'reconnect';
    } else if (s === 'connecting') {
      // Already dialling: nothing to add.
    } else {
      this.start(reason);
    }
  }

  /** Closes with code/reason and stops retrying; resolves once the socket is gone. */
  stop(code: number, reason: string): Promise<void> {
    this.after = 'stop';
    this.clearRetry();
    const s = this.lifecycle.state;
    if (s === 'stopped') return Promise.resolve();
    if (s === 'idle' || s === 'backoff' || (s === 'connecting' && !this.ws)) {
      this.gen++;
      this.abort?.abort();
      this.abort = null;
      this.dropQueue('stopped');
      this.move('stopped', reason);
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve) => {
      const off = this.lifecycle.onTransition((t) => {
        if (t.to === 'stopped') {
          off();
          resolve();
        }
      });
    });
    if (s !== 'closing') this.closeLocal(code, reason, reason);
    return done;
  }

  /** For delete and shutdown: stop, and release the lifecycle's listeners. */
  async dispose(code: number, reason: string): Promise<void> {
    await this.stop(code, reason);
    this.lifecycle.dispose();
  }

  // ---- services and the admin API

  send(data: unknown): OutgoingSendResult {
    const enc = this.config.kind === 'switchboard' ? this.encodeFrame({ type: 'request', id: this.nextId(), data }) : encode(this.config.dataFormat, data);
    this.checkSize(enc);
    if (this.isOpen()) {
      this.write(enc);
      return { queued: false, bytes: enc.bytes };
    }
    if (!this.queues()) throw new SbError(ErrorCode.OutgoingNotConnected, `outgoing connection "${this.name}" is ${this.lifecycle.state}: start it first`, { details: { state: this.lifecycle.state } });
    if (this.queue.length >= this.config.sendQueueMax) {
      throw new SbError(ErrorCode.OutgoingQueueFull, `outgoing connection "${this.name}" already holds sendQueueMax (${this.config.sendQueueMax}) messages while ${this.lifecycle.state}`, { details: { sendQueueMax: this.config.sendQueueMax } });
    }
    this.queue.push(enc);
    this.deps.changed(this, false);
    return { queued: true, bytes: enc.bytes };
  }

  invoke(data: unknown, timeoutMs: number): Promise<OutgoingInvokeResult> {
    if (this.config.kind === 'switchboard') {
      const id = this.nextId();
      return this.request(id, this.encodeFrame({ type: 'request', id, data }), timeoutMs);
    }
    const corr = this.config.correlation;
    if (!corr) return Promise.reject(new SbError(ErrorCode.OutgoingNoCorrelation, `outgoing connection "${this.name}" has no correlation: a plain peer's replies cannot be paired with requests (set correlation, or use send)`, { field: 'correlation' }));
    if (this.config.dataFormat !== 'json' || data === null || typeof data !== 'object' || Array.isArray(data)) {
      return Promise.reject(new SbError(ErrorCode.OutgoingNoCorrelation, `data: an invoke on "${this.name}" is a JSON object that carries its key at ${corr.requestPath}`, { field: 'data' }));
    }
    let body = data as Record<string, unknown>;
    let key = getPath(body, corr.requestPath);
    if (key === undefined || key === null || typeof key === 'object') {
      key = `sb-${this.nextId()}`;
      body = withPath(body, corr.requestPath, key);
    }
    let enc: Encoded;
    try {
      enc = encode('json', body);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.request(JSON.stringify(key), enc, timeoutMs);
  }

  /** switchboard peers: publish through the peer and wait for its acknowledgement. */
  publish(topic: string, data: unknown, timeoutMs: number): Promise<OutgoingInvokeResult> {
    this.requireSwitchboard('publish');
    const id = this.nextId();
    return this.request(id, this.encodeFrame({ type: 'publish', id, topic, data }), timeoutMs);
  }

  /** switchboard peers: subscribe for this session (put the topic in `topics` to keep it across logins). */
  subscribe(topic: string, timeoutMs: number): Promise<OutgoingInvokeResult> {
    this.requireSwitchboard('subscribe');
    const id = this.nextId();
    return this.request(id, this.encodeFrame({ type: 'subscribe', id, topic }), timeoutMs);
  }

  // ---- internals: dialling

  private connect(reason: string): void {
    this.nextAttemptAt = null;
    this.move('connecting', reason);
    const gen = ++this.gen;
    const ac = new AbortController();
    this.abort = ac;
    let options;
    try {
      options = dialOptionsOf(this.config);
    } catch (err) {
      queueMicrotask(() => gen === this.gen && this.dialFailed(err));
      return;
    }
    dial(options, { signal: ac.signal }).then(
      (d) => {
        if (gen !== this.gen) {
          d.ws.terminate();
          return;
        }
        this.abort = null;
        this.attach(d);
      },
      (err: unknown) => {
        if (gen !== this.gen) return;
        this.abort = null;
        this.dialFailed(err);
      },
    );
  }

  private dialFailed(err: unknown): void {
    const code = err instanceof DialError ? err.code : toErrorInfo(err).code;
    const message = err instanceof Error ? err.message : String(err);
    this.lastError = { code, message, at: new Date().toISOString() };
    const status = err instanceof DialError ? err.response?.status : undefined;
    const fatal = err instanceof DialError && (err.code === 'DIAL_INVALID_OPTIONS' || status === 401 || status === 403);
    this.deps.logger.warn('outgoing connection could not connect', { outgoing: this.name, code, message });
    this.afterDrop(`${code}: ${message}`, fatal);
  }

  private attach(d: Dialed): void {
    const ws = d.ws;
    this.ws = ws;
    this.protocol = d.protocol;
    this.localReason = null;
    this.lastInAt = Date.now();
    // Shared listeners that find this connection on the socket: four closures per connection
    // add up over thousands of connections.
    (ws as OwnedSocket)[OWNER] = this;
    ws.on('message', onSocketMessage);
    ws.on('pong', onSocketPong);
    ws.on('error', onSocketError);
    ws.on('close', onSocketClose);
    ws.resume();
    if (this.config.kind === 'switchboard') {
      this.writeRaw(this.encodeFrame(helloFrame(this.config)));
      this.welcomeTimer = setTimeout(() => {
        this.lastError = { code: ErrorCode.Timeout, message: `no welcome within ${this.config.connectTimeoutMs} ms of the hello`, at: new Date().toISOString() };
        this.localReason = { code: 1006, reason: 'no welcome in time' };
        ws.terminate();
      }, this.config.connectTimeoutMs);
    } else {
      this.opened();
    }
  }

  /** Socket events (from the shared listeners); a socket that is no longer ours is ignored. */
  socketMessage(ws: WebSocket, raw: Buffer, isBinary: boolean): void {
    if (ws === this.ws) this.onFrame(raw, isBinary);
  }

  socketEvent(ws: WebSocket, e: { type: 'pong' } | { type: 'error'; err: Error } | { type: 'close'; code: number; reason: Buffer }): void {
    if (ws !== this.ws) return;
    switch (e.type) {
      case 'pong':
        this.missedPings = 0;
        this.rttMs = Math.round((performance.now() - this.pingSentAt) * 1000) / 1000;
        return;
      case 'error':
        this.lastError = { code: ErrorCode.Internal, message: e.err.message, at: new Date().toISOString() };
        return;
      case 'close':
        this.onClose(e.code, e.reason.toString('utf8'));
        return;
      default: {
        const never: never = e;
        void never;
      }
    }
  }

  private opened(): void {
    clearTimeout(this.welcomeTimer ?? undefined);
    this.welcomeTimer = null;
    this.attempts = 0;
    this.wasOpen = true;
    this.connectedSince = new Date().toISOString();
    this.move('open', this.protocol ? `connected (${this.protocol})` : 'connected');
    this.startTimers();
    if (this.config.kind === 'switchboard') {
      for (const topic of this.config.topics) {
        const id = this.nextId();
        this.request(id, this.encodeFrame({ type: 'subscribe', id, topic }), this.config.connectTimeoutMs).then(
          (r) => {
            if (!r.ok) this.lastError = { code: r.error?.code ?? ErrorCode.Internal, message: `subscribe ${topic}: ${r.error?.message ?? 'refused'}`, at: r.respondedAt };
          },
          (err: unknown) => this.deps.logger.warn('outgoing subscribe failed', { outgoing: this.name, topic, err: String(err) }),
        );
      }
    }
    for (const enc of this.queue.splice(0)) this.write(enc);
    this.runHook('onConnect', { type: 'connect' });
  }

  private startTimers(): void {
    clearInterval(this.pingTimer ?? undefined);
    clearInterval(this.idleTimer ?? undefined);
    this.pingTimer = null;
    this.idleTimer = null;
    this.missedPings = 0;
    const { pingInterval, pingsMissedThreshold, idleTimeoutMs } = this.config;
    if (pingInterval > 0) {
      this.pingTimer = setInterval(() => {
        const ws = this.ws;
        if (!ws) return;
        if (this.missedPings >= pingsMissedThreshold) {
          this.localReason = { code: 1006, reason: `${this.missedPings} pings unanswered` };
          ws.terminate();
          return;
        }
        this.missedPings++;
        this.pingSentAt = performance.now();
        ws.ping();
      }, pingInterval * 1000);
    }
    if (idleTimeoutMs > 0) {
      this.idleTimer = setInterval(() => {
        if (this.ws && Date.now() - this.lastInAt >= idleTimeoutMs) {
          this.localReason = { code: 1000, reason: `nothing received for ${idleTimeoutMs} ms` };
          this.ws.close(1000, 'idle');
        }
      }, Math.max(10, Math.floor(idleTimeoutMs / 4)));
    }
  }

  private closeLocal(code: number, reason: string, why: string): void {
    const ws = this.ws;
    if (!ws) return;
    this.move('closing', why);
    this.localReason = { code, reason };
    ws.close(code, clampReason(reason));
    this.closeTimer = setTimeout(() => ws.terminate(), CLOSE_TIMEOUT_MS);
  }

  private onClose(code: number, reason: string): void {
    const local = this.localReason;
    const initiator = local ? 'local' : code === 1006 ? 'none' : 'peer';
    this.ws = null;
    this.gen++;
    this.clearSocketTimers();
    const shown = local && code === 1006 ? { code, reason: local.reason } : { code, reason };
    this.lastClose = { ...shown, initiator, at: new Date().toISOString() };
    this.pending.failAll(ErrorCode.OutgoingClosed, `outgoing connection "${this.name}" closed (${code}) before the reply`);
    if (this.paused) this.paused = false;
    if (this.wasOpen) {
      this.wasOpen = false;
      this.runHook('onClose', { type: 'close', code: shown.code, reason: shown.reason });
    }
    const what = `${initiator === 'local' ? 'closed' : initiator === 'peer' ? 'peer closed' : 'connection lost'} ${shown.code}${shown.reason ? ` ${shown.reason}` : ''}`;
    if (this.after === 'stop') {
      this.dropQueue('stopped');
      this.move('stopped', what);
    } else if (this.after === 'reconnect') {
      this.after = 'retry';
      this.connect('reconnect requested');
    } else {
      this.afterDrop(what, initiator === 'peer' && FATAL_CLOSE_CODES.has(code));
    }
  }

  /** After a failed dial or a lost socket: back off and retry, or stop when the policy says so. */
  private afterDrop(why: string, fatal: boolean): void {
    this.attempts++;
    const r = this.config.autoReconnect;
    const giveUp = !this.config.active ? 'inactive'
      : fatal ? 'not retrying: the peer refused our credentials'
        : !r.enabled ? 'autoReconnect is off'
          : r.maxAttempts > 0 && this.attempts >= r.maxAttempts ? `not retrying: ${this.attempts} attempts failed (maxAttempts)` : null;
    if (giveUp) {
      this.dropQueue(giveUp);
      this.move('stopped', `${why}; ${giveUp}`);
      return;
    }
    const delay = fullJitterDelay(this.attempts - 1, { initialDelayMs: r.initialDelayMs, maxDelayMs: r.maxDelayMs }, this.deps.random);
    this.nextAttemptAt = new Date(Date.now() + delay).toISOString();
    this.move('backoff', `${why}; retry ${this.attempts} in ${delay} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect(`retry ${this.attempts}`);
    }, delay);
  }

  // ---- internals: frames

  private onFrame(raw: Buffer, isBinary: boolean): void {
    this.lastInAt = Date.now();
    this.framesIn++;
    this.bytesIn += raw.length;
    if (this.config.recentFrames > 0) this.ring.push(frameRecord('in', raw, isBinary, raw.length));
    this.deps.changed(this, false);
    if (this.config.kind === 'switchboard') {
      this.onSwitchboardFrame(raw, isBinary);
      return;
    }
    const { data, parseError } = decode(this.config.dataFormat, raw, isBinary);
    if (parseError) this.deps.logger.debug('outgoing frame is not JSON; passed on as text', { outgoing: this.name, error: parseError });
    const corr = this.config.correlation;
    if (corr && parseError === null && this.pending.size > 0) {
      const key = getPath(data, corr.replyPath);
      if (key !== undefined && this.pending.answer(JSON.stringify(key), true, data, undefined)) return;
    }
    this.runHook('onMessage', { type: 'message', data });
  }

  private onSwitchboardFrame(raw: Buffer, isBinary: boolean): void {
    let frame: ServerFrame;
    try {
      if (isBinary) throw new Error('binary frame');
      frame = ServerFrameSchema.parse(JSON.parse(raw.toString('utf8')));
    } catch (err) {
      this.lastError = { code: ErrorCode.InvalidFrame, message: `the peer sent a frame that is not of the client protocol: ${(err as Error).message.slice(0, 200)}`, at: new Date().toISOString() };
      return;
    }
    switch (frame.type) {
      case 'welcome':
        if (this.lifecycle.state === 'connecting') this.opened();
        return;
      case 'response':
        this.pending.answer(String(frame.inReplyTo), frame.ok, frame.data, frame.error);
        return;
      case 'request': {
        const id = frame.id;
        this.runHook('onMessage', { type: 'message', data: frame.data, requestId: id }, (result, error) => {
          const reply = error
            ? { type: 'response', inReplyTo: id, ok: false, error }
            : { type: 'response', inReplyTo: id, ok: true, ...(result !== undefined ? { data: result } : {}) };
          if (this.isOpen()) this.write(this.encodeFrame(reply));
        });
        return;
      }
      case 'message': {
        const { topic, seq } = frame;
        this.runHook('onMessage', { type: 'message', data: frame.data, topic, seq, publishedAt: frame.publishedAt }, () => {
          // Acknowledged once the hook returned (or failed: a failing hook must not wedge the subscription).
          if (this.isOpen()) this.write(this.encodeFrame({ type: 'ack', topic, seq }));
        });
        return;
      }
      case 'error':
        this.lastError = { code: frame.error.code, message: frame.error.message, at: new Date().toISOString() };
        if (frame.inReplyTo !== undefined) this.pending.answer(String(frame.inReplyTo), false, undefined, frame.error);
        return;
      default: {
        const never: never = frame;
        void never;
      }
    }
  }

  private request(key: string, enc: Encoded, timeoutMs: number): Promise<OutgoingInvokeResult> {
    try {
      this.checkSize(enc);
    } catch (err) {
      return Promise.reject(err);
    }
    if (!this.isOpen()) return Promise.reject(new SbError(ErrorCode.OutgoingNotConnected, `outgoing connection "${this.name}" is ${this.lifecycle.state}, not open`, { details: { state: this.lifecycle.state } }));
    return this.pending.start(key, timeoutMs, this.config.maxPendingInvokes, () => this.write(enc));
  }

  /**
   * Hooks run one after another (so a subscription's acks stay in order); past HOOK_BACKLOG
   * waiting calls the socket stops being read until the backlog drains.
   */
  private runHook(hook: 'onConnect' | 'onMessage' | 'onClose', event: Record<string, unknown> & { type: 'connect' | 'message' | 'close' }, done?: (result: unknown, error?: ErrorInfo) => void): void {
    const service = this.config[hook];
    if (!service) {
      done?.(undefined, hook === 'onMessage' && event.requestId !== undefined ? { code: ErrorCode.ServiceNotFound, message: `outgoing connection "${this.name}" has no onMessage hook` } : undefined);
      return;
    }
    this.hookDepth++;
    if (this.hookDepth >= HOOK_BACKLOG && this.ws && !this.paused) {
      this.paused = true;
      this.ws.pause();
    }
    const ws = this.ws;
    this.hookChain = this.hookChain.then(async () => {
      try {
        const result = await this.deps.hooks.run(service, this.name, event);
        done?.(result);
      } catch (err) {
        this.deps.logger.error('outgoing hook failed; the connection stays up', { outgoing: this.name, hook, service, err: err instanceof Error ? err.message : String(err) });
        done?.(undefined, { code: ErrorCode.ServiceFailed, message: err instanceof Error ? err.message : String(err) });
      } finally {
        this.hookDepth--;
        if (this.paused && this.hookDepth < HOOK_BACKLOG / 2) {
          this.paused = false;
          if (ws && ws === this.ws) ws.resume();
        }
      }
    });
  }

  // ---- internals: writing

  private isOpen(): boolean {
    return this.lifecycle.state === 'open' && this.ws !== null;
  }

  /** While dialling or waiting to retry, sends are held (up to sendQueueMax). */
  private queues(): boolean {
    const s = this.lifecycle.state;
    return s === 'connecting' || s === 'backoff' || (s === 'closing' && this.after === 'reconnect');
  }

  private checkSize(enc: Encoded): void {
    if (enc.bytes > this.config.maxMessageBytes) {
      throw new SbError(ErrorCode.PayloadTooLarge, `data: ${enc.bytes} bytes is more than maxMessageBytes (${this.config.maxMessageBytes}) of "${this.name}"`, { field: 'data', details: { bytes: enc.bytes, maxMessageBytes: this.config.maxMessageBytes } });
    }
  }

  private encodeFrame(frame: Record<string, unknown>): Encoded {
    return encode('json', frame);
  }

  private nextId(): string {
    return `o${++this.seq}`;
  }

  private write(enc: Encoded): void {
    this.writeRaw(enc);
    this.deps.changed(this, false);
  }

  private writeRaw(enc: Encoded): void {
    const ws = this.ws;
    if (!ws) return;
    ws.send(enc.payload, { binary: enc.binary });
    this.framesOut++;
    this.bytesOut += enc.bytes;
    if (this.config.recentFrames > 0) this.ring.push(frameRecord('out', enc.payload, enc.binary, enc.bytes));
  }

  private dropQueue(why: string): void {
    if (this.queue.length === 0) return;
    this.deps.logger.warn('outgoing messages dropped from the send queue', { outgoing: this.name, dropped: this.queue.length, why });
    this.queue.length = 0;
  }

  private requireSwitchboard(what: string): void {
    if (this.config.kind !== 'switchboard') throw new SbError(ErrorCode.Validation, `${what} needs a switchboard peer; "${this.name}" is ${this.config.kind}`, { field: 'kind' });
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.nextAttemptAt = null;
  }

  private clearSocketTimers(): void {
    for (const t of [this.welcomeTimer, this.closeTimer]) if (t) clearTimeout(t);
    for (const t of [this.pingTimer, this.idleTimer]) if (t) clearInterval(t);
    this.welcomeTimer = this.closeTimer = this.pingTimer = this.idleTimer = null;
  }
}
