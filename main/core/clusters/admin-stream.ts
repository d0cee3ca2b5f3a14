import type http from 'node:http';
import WebSocket from 'ws';
import { AdminEventFrameSchema, type AdminEventFrame } from '../../../protocol/admin-events';
import { BACKOFF_DEFAULTS, fullJitterDelay, type BackoffOptions } from '../../../common/backoff';
import { describeNetError } from './admin-client';
import { Emitter } from '../../../common/emitter';
import { Lifecycle } from '../../../common/lifecycle';

export type StreamState = 'disconnected' | 'connecting' | 'connected' | 'closing';

/** Every legal move of the stream; anything else is a bug and throws. */
export const STREAM_TRANSITIONS: Readonly<Record<StreamState, readonly StreamState[]>> = {
  disconnected: ['connecting'],
  connecting: ['connected', 'disconnected', 'closing'],
  connected: ['disconnected', 'closing'],
  closing: ['disconnected'],
};

export type StreamFailureKind = 'auth' | 'network' | 'protocol' | 'dropped';
export interface StreamFailure {
  kind: StreamFailureKind;
  message: string;
  /** HTTP status of a refused upgrade. */
  status?: number;
}

export interface StreamEvents extends Record<string, unknown> {
  state: { from: StreamState; to: StreamState };
  frame: AdminEventFrame;
  failure: StreamFailure;
  /** A retry is scheduled. */
  retry: { attempt: number; delayMs: number; at: string };
  rtt: number;
}

export interface AdminStreamOptions {
  /** ws(s)://host:port/admin/v1/events */
  url: string;
  /** Headers (Authorization) and agent (TLS trust) shared with the admin HTTP client. */
  connectOptions: () => { headers: Record<string, string>; agent: http.Agent };
  /** Upgrade must complete within this. Default 10 000 ms. */
  handshakeTimeoutMs?: number;
  /** Ping interval for liveness and RTT. Default 15 000 ms. */
  pingIntervalMs?: number;
  /** No pong within this → the socket is considered dead. Default 10 000 ms. */
  pongTimeoutMs?: number;
  /** Largest accepted frame. Default 64 MiB. */
  maxFrameBytes?: number;
  backoff?: BackoffOptions;
  random?: () => number;
}

export const EVENT_STREAM_DEFAULTS = { handshakeTimeoutMs: 10_000, pingIntervalMs: 15_000, pongTimeoutMs: 10_000, maxFrameBytes: 64 * 1024 * 1024 } as const;

/**
 * The admin events WebSocket of one server as an explicit state machine
 * (disconnected → connecting → connected → closing). Reconnects with full-jitter backoff and a cap
 * while wanted, except after an auth failure (401/403), which needs a new token, not patience.
 */
export class AdminStreamClient extends Emitter<StreamEvents> {
  private readonly life = new Lifecycle<StreamState>('admin event stream', STREAM_TRANSITIONS, 'disconnected');
  private ws: WebSocket | null = null;
  private wanted = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private pongTimer: NodeJS.Timeout | null = null;
  private pingSentAt = 0;
  /** Why the current socket is going away, when we know better than its close code. */
  private failure: StreamFailure | null = null;
  private closed: Promise<void> | null = null;
  private readonly opts: Required<Omit<AdminStreamOptions, 'connectOptions' | 'url'>> & Pick<AdminStreamOptions, 'connectOptions' | 'url'>;

  constructor(opts: AdminStreamOptions) {
    super();
    this.opts = { ...EVENT_STREAM_DEFAULTS, backoff: BACKOFF_DEFAULTS, random: Math.random, ...opts };
  }

  get state(): StreamState {
    return this.life.state;
  }

  /** Consecutive failed attempts since the last ready frame. */
  get failedAttempts(): number {
    return this.attempt;
  }

  start(): void {
    this.wanted = true;
    if (this.life.state === 'disconnected' && !this.retryTimer) this.connect();
  }

  /**
   * Connects now instead of waiting for the scheduled retry; also restarts a stream that gave up
   * after an auth failure. No-op while a socket is open or opening; while one is closing, the
   * new one opens as soon as it is closed.
   */
  retryNow(): void {
    this.wanted = true;
    if (this.life.state !== 'disconnected') return;
    this.clearRetry();
    this.connect();
  }

  /** Drops the socket (if any) and reconnects after a backoff delay — e.g. after a failed re-sync. */
  restart(reason: string): void {
    if (!this.wanted) return;
    if (this.ws && (this.life.state === 'connected' || this.life.state === 'connecting')) {
      this.failure = { kind: 'protocol', message: reason };
      this.ws.terminate();
    }
  }

  /** Stops for good (until start()); resolves once the socket is released. */
  async stop(): Promise<void> {
    this.wanted = false;
    this.clearRetry();
    if (this.ws && (this.life.state === 'connected' || this.life.state === 'connecting')) {
      this.transition('closing');
      const ws = this.ws;
      this.closed ??= new Promise((resolve) => ws.once('close', () => resolve()));
      // A clean close when we can; a stuck peer is not allowed to hold us up.
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'console closed');
      else ws.terminate();
      const t = setTimeout(() => ws.terminate(), 2000);
      await this.closed;
      clearTimeout(t);
    } else if (this.closed) {
      await this.closed;
    }
  }

  private transition(to: StreamState, reason = ''): void {
    const t = this.life.to(to, reason);
    this.emit('state', { from: t.from, to: t.to });
  }


  private connect(): void {
    this.transition('connecting');
    const { headers, agent } = this.opts.connectOptions();
    const ws = new WebSocket(this.opts.url, { headers, agent, handshakeTimeout: this.opts.handshakeTimeoutMs, maxPayload: this.opts.maxFrameBytes, perMessageDeflate: false });
    this.ws = ws;
    this.failure = null;
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));

    ws.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      this.failure = status === 401 || status === 403
        ? { kind: 'auth', status, message: status === 401 ? 'token rejected (401)' : 'token not allowed to stream events (403)' }
        : { kind: 'network', status, message: `events upgrade refused: HTTP ${status}` };
      res.resume();
      ws.terminate();
    });
    ws.on('error', (err) => {
      this.failure ??= { kind: 'network', message: describeNetError(err) };
    });
    ws.on('open', () => {
      if (this.life.state !== 'connecting') return;
      this.transition('connected');
      this.startPing(ws);
    });
    ws.on('pong', () => {
      if (this.pongTimer) clearTimeout(this.pongTimer);
      this.pongTimer = null;
      this.emit('rtt', performance.now() - this.pingSentAt);
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let frame: AdminEventFrame;
      try {
        const parsed = AdminEventFrameSchema.safeParse(JSON.parse(String(data)));
        if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid frame');
        frame = parsed.data;
      } catch (err) {
        // A frame we cannot read means a hole in the event sequence: start over and re-sync.
        this.failure = { kind: 'protocol', message: `bad event frame: ${(err as Error).message}` };
        ws.terminate();
        return;
      }
      if (frame.type === 'ready') this.attempt = 0;
      this.emit('frame', frame);
    });
    ws.on('close', (code, reason) => {
      this.stopPing();
      this.ws = null;
      const wasClosing = this.life.state === 'closing';
      this.transition('disconnected');
      // A retryNow() that came in while we were closing wants a fresh socket, not silence.
      if (wasClosing) {
        if (this.wanted && !this.retryTimer) this.connect();
        return;
      }
      if (!this.wanted) return;
      const f: StreamFailure = this.failure ?? { kind: 'dropped', message: `stream closed (${code}${reason.length ? ` ${String(reason)}` : ''})` };
      this.emit('failure', f);
      if (f.kind === 'auth') {
        this.wanted = false;
        return;
      }
      this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    const delayMs = fullJitterDelay(this.attempt, this.opts.backoff, this.opts.random);
    this.attempt += 1;
    const at = new Date(Date.now() + delayMs).toISOString();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.wanted && this.life.state === 'disconnected') this.connect();
    }, delayMs);
    this.emit('retry', { attempt: this.attempt, delayMs, at });
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Pings right away (for a first RTT) and then every pingIntervalMs. */
  private startPing(ws: WebSocket): void {
    const ping = () => {
      if (ws.readyState !== WebSocket.OPEN || this.pongTimer) return;
      this.pingSentAt = performance.now();
      ws.ping();
      this.pongTimer = setTimeout(() => {
        this.pongTimer = null;
        ws.terminate();
      }, this.opts.pongTimeoutMs);
    };
    ping();
    this.pingTimer = setInterval(ping, this.opts.pingIntervalMs);
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pingTimer = null;
    this.pongTimer = null;
  }
}

