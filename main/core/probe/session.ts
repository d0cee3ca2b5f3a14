import WebSocket, { type RawData } from 'ws';
import { dial, DialError, DialErrorCode, resolveDialOptions, type Dialed, type DialResponse } from '../../../common/node/dialer';
import { Lifecycle, type TransitionTable } from '../../../common/lifecycle';
import { fullJitterDelay } from '../../../common/backoff';
import type { ProbeLogEntry, ProbeLogRow, ProbeMessage, ProbeSessionConfig, ProbeSessionState, ProbeLogFilter } from '../../../protocol/console/probe';
import { ErrorCode } from '../../../protocol/errors';
import { ConsoleError } from '../contract/errors';
import { dialOptionsOf, handshakeEntries, redactHeaders, secretHeaderNames, type SessionSecrets } from './connect-options';
import { encodeMessage, switchboardAutoAnswer } from './frames';
import { LogStore, type LogStoreOptions, type NewLogEntry } from './log-store';
import { Pairing } from './pairing';
import { SessionTraffic, type RawHandshake } from './session-traffic';

/** Every legal move of a probe session; anything else is a bug and throws (common/lifecycle.ts). */
export const PROBE_SESSION_TRANSITIONS: TransitionTable<ProbeSessionState> = {
  idle: ['connecting'],
  connecting: ['open', 'closing', 'closed', 'reconnecting'],
  open: ['closing', 'closed', 'reconnecting'],
  closing: ['closed'],
  closed: ['connecting'],
  reconnecting: ['connecting', 'closed'],
};

export interface SessionOptions {
  /** Logged frame data is cut at this many bytes (the real size is kept). Default 1 MiB. */
  maxLoggedDataBytes?: number;
  /** After we send a close frame, terminate if the peer has not closed within this. Default 5000 ms. */
  closeTimeoutMs?: number;
  /** Handshakes whose unredacted request is kept for exports with secrets (oldest forgotten). Default 1000. */
  maxRawHandshakes?: number;
  /** Overrides of the log store options (tests and the bench use small windows). */
  log?: Partial<Omit<LogStoreOptions, 'dir'>>;
}

export interface SessionDeps {
  id: string;
  config: ProbeSessionConfig;
  createdAt: string;
  imported: boolean;
  logDir: string;
  loadSecrets(): Promise<SessionSecrets>;
  onState(from: ProbeSessionState, to: ProbeSessionState, at: string, reason?: string): void;
  onAppend(entry: ProbeLogEntry): void;
  options?: SessionOptions;
}

export class ProbeSession {
  readonly id: string;
  config: ProbeSessionConfig;
  readonly createdAt: string;
  readonly imported: boolean;
  readonly log: LogStore;
  protocol: string | null = null;
  extensions: string | null = null;
  lastError: string | null = null;
  reconnectAttempt = 0;

  private readonly life: Lifecycle<ProbeSessionState>;
  private pairing: Pairing;
  private readonly traffic: SessionTraffic;
  private ws: WebSocket | null = null;
  /** The dial in flight; aborting it cancels a connect. */
  private dialing: AbortController | null = null;
  private userClosed = false;
  private closeInitiator: 'client' | 'server' | null = null;
  private timers = new Set<NodeJS.Timeout>();
  private pingTimer: NodeJS.Timeout | null = null;
  private readonly closeTimeoutMs: number;

  constructor(private readonly deps: SessionDeps) {
    this.id = deps.id;
    this.config = deps.config;
    this.createdAt = deps.createdAt;
    this.imported = deps.imported;
    this.closeTimeoutMs = deps.options?.closeTimeoutMs ?? 5000;
    this.log = new LogStore({ ...deps.options?.log, maxEntries: deps.options?.log?.maxEntries ?? deps.config.limits.maxEntries, dir: deps.logDir });
    this.pairing = this.newPairing();
    this.traffic = new SessionTraffic({
      append: (e) => this.append(e),
      config: () => this.config,
      pairing: () => this.pairing,
      later: (ms, fn) => this.later(ms, fn),
      maxLoggedDataBytes: deps.options?.maxLoggedDataBytes ?? 1024 * 1024,
      maxRawHandshakes: deps.options?.maxRawHandshakes ?? 1000,
    });
    this.life = new Lifecycle<ProbeSessionState>(`probe session ${deps.id}`, PROBE_SESSION_TRANSITIONS, 'idle');
    this.life.onTransition((t) => {
      const entry = this.append({ kind: 'state', direction: 'local', from: t.from, to: t.to, ...(t.reason ? { reason: t.reason } : {}) });
      this.deps.onState(t.from, t.to, entry.at, t.reason || undefined);
    });
  }

  get state(): ProbeSessionState {
    return this.life.state;
  }

  get stats() {
    return { ...this.log.stats, floodPauses: this.traffic.floodPauses, lastRttMs: this.traffic.lastRttMs };
  }

  /** The request of a handshake entry as it was sent (secrets included), while still remembered. */
  rawHandshake(index: number): RawHandshake | undefined {
    return this.traffic.rawHandshake(index);
  }

  /** Config changes apply from the next connect; pairing restarts only when its rule changed. */
  updateConfig(config: ProbeSessionConfig): void {
    const a = this.config.correlation;
    const b = config.correlation;
    this.config = config;
    if (a.preset !== b.preset || a.requestPath !== b.requestPath || a.replyPath !== b.replyPath) this.pairing = this.newPairing();
  }

  async open(): Promise<void> {
    if (this.imported) throw ConsoleError.of(ErrorCode.Conflict, 'an imported session is a read-only log', { field: 'sessionId' });
    if (!this.life.is('idle', 'closed')) throw ConsoleError.of(ErrorCode.Conflict, `session is ${this.state}`, { field: 'sessionId' });
    this.userClosed = false;
    this.reconnectAttempt = 0;
    await this.connect();
  }

  close(code: number, reason: string): void {
    switch (this.state) {
      case 'open':
        this.userClosed = true;
        this.closeInitiator = 'client';
        this.append({ kind: 'close', direction: 'out', code, reason, initiator: 'client' });
        this.life.to('closing', 'closed by user');
        this.ws?.close(code, reason);
        this.later(this.closeTimeoutMs, () => this.ws?.terminate());
        return;
      case 'connecting':
        this.userClosed = true;
        this.life.to('closing', 'cancelled by user');
        this.dialing?.abort();
        return;
      case 'reconnecting':
        this.userClosed = true;
        this.clearTimers();
        this.life.to('closed', 'reconnect cancelled by user');
        return;
      case 'idle':
      case 'closing':
      case 'closed':
        return;
    }
  }

  async send(message: ProbeMessage): Promise<number> {
    const ws = this.requireOpen();
    if (message.type === 'ping') return this.traffic.sendPing(ws, Buffer.from(message.payload));
    const enc = await encodeMessage(message);
    if (ws.readyState !== WebSocket.OPEN) throw ConsoleError.of(ErrorCode.ConnectionNotReady, 'session closed while preparing the message', { field: 'sessionId' });
    if (enc.opcode === 'text') {
      ws.send(enc.text);
      return this.traffic.logFrame('out', enc.text, false).index;
    }
    ws.send(enc.data, { binary: true });
    return this.traffic.logFrame('out', enc.data, true).index;
  }

  /** Re-sends logged frames; all indices are checked before anything is sent. */
  resend(indices: number[]): number[] {
    const ws = this.requireOpen();
    const payloads = [...indices].sort((a, b) => a - b).map((index, i) => {
      const e = this.log.get(index);
      const field = `indices.${i}`;
      if (!e) throw ConsoleError.of(ErrorCode.NotFound, `${field}: entry ${index} is not in the log`, { field });
      if (e.kind !== 'frame') throw ConsoleError.of(ErrorCode.Validation, `${field}: entry ${index} is a ${e.kind}, not a frame`, { field });
      if (e.truncated) throw ConsoleError.of(ErrorCode.Validation, `${field}: entry ${index} was truncated in the log and cannot be re-sent`, { field });
      return e.encoding === 'text' ? e.data : Buffer.from(e.data, 'base64');
    });
    return payloads.map((p) => {
      if (typeof p === 'string') {
        ws.send(p);
        return this.traffic.logFrame('out', p, false).index;
      }
      ws.send(p, { binary: true });
      return this.traffic.logFrame('out', p, true).index;
    });
  }

  query(q: { filter: ProbeLogFilter; offset: number; limit: number; anchorIndex?: number }): { rows: ProbeLogRow[]; offset: number; matched: number } {
    const page = this.log.query(q);
    return { rows: page.entries.map((entry) => ({ entry, ...(this.pairing.pairOf(entry.index) ? { pair: this.pairing.pairOf(entry.index)! } : {}) })), offset: page.offset, matched: page.matched };
  }

  /** Appends an imported entry as-is (new index, original time), pairing it like a live one. */
  importEntry(e: ProbeLogEntry): void {
    const { index: _index, ...rest } = e;
    const entry = this.log.append(rest as NewLogEntry);
    if (entry.kind === 'frame' && entry.encoding === 'text') this.pairing.observe(entry.index, entry.direction, Date.parse(entry.at), entry.data);
  }

  async dispose(): Promise<void> {
    this.userClosed = true;
    this.clearTimers();
    this.dialing?.abort();
    this.dialing = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
    }
    this.life.dispose();
    this.log.dispose();
  }

  private newPairing(): Pairing {
    const c = this.config.correlation;
    return new Pairing({ requestPath: c.requestPath, replyPath: c.replyPath, mode: c.preset === 'jsonrpc' ? 'jsonrpc' : 'paths' });
  }

  private requireOpen(): WebSocket {
    if (this.state !== 'open' || !this.ws || this.ws.readyState !== WebSocket.OPEN) throw ConsoleError.of(ErrorCode.ConnectionNotReady, `session is ${this.state}, not open`, { field: 'sessionId' });
    return this.ws;
  }

  private append(e: NewLogEntry): ProbeLogEntry {
    const entry = this.log.append(e);
    this.deps.onAppend(entry);
    return entry;
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  /** Secrets and options are resolved before `connecting`: a bad option fails the call, not the log. */
  private async connect(): Promise<void> {
    const config = this.config;
    const options = dialOptionsOf(config, await this.deps.loadSecrets());
    try {
      resolveDialOptions(options);
    } catch (err) {
      if (!(err instanceof DialError)) throw err;
      throw ConsoleError.of(ErrorCode.Validation, `config.${err.message}`, { field: `config.${err.field ?? 'url'}` });
    }
    this.life.to('connecting', this.reconnectAttempt ? `attempt ${this.reconnectAttempt}` : '');
    this.closeInitiator = null;
    this.traffic.resetPings();
    const attempt = new AbortController();
    this.dialing = attempt;
    dial(options, {
      signal: attempt.signal,
      onRequest: (req) => {
        const h = handshakeEntries(req, config);
        const entry = this.append({ kind: 'handshake-request', direction: 'out', url: h.logged.url, headers: h.logged.headers, subprotocols: req.subprotocols });
        this.traffic.rememberHandshake(entry.index, h.raw);
      },
    }).then(
      (d) => this.onDialed(attempt, d),
      (err: unknown) => this.onDialFailed(attempt, err),
    );
  }

  private logResponse(res: DialResponse, protocol: string | null, extensions: string | null): void {
    this.append({ kind: 'handshake-response', direction: 'in', status: res.status, statusText: res.statusText, headers: redactHeaders(res.headers, secretHeaderNames(this.config)), protocol, extensions });
  }

  private onDialed(attempt: AbortController, d: Dialed): void {
    if (this.dialing !== attempt) {
      d.ws.terminate();
      return;
    }
    this.dialing = null;
    const ws = d.ws;
    this.ws = ws;
    this.logResponse(d.response, d.protocol || null, d.extensions || null);
    this.protocol = d.protocol || null;
    this.extensions = d.extensions || null;
    this.reconnectAttempt = 0;
    this.lastError = null;
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(ws, data, isBinary));
    ws.on('ping', (data: Buffer) => this.traffic.onPing(ws, data));
    ws.on('pong', (data: Buffer) => this.traffic.onPong(data));
    ws.on('error', (err: Error & { code?: string }) => {
      this.lastError = err.message;
      this.append({ kind: 'error', direction: 'local', code: err.code ?? 'ERROR', message: err.message });
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        // ws answers an oversized message with a 1009 close frame and stops reading.
        this.closeInitiator = 'client';
        this.append({ kind: 'close', direction: 'out', code: 1009, reason: `message over limits.maxMessageBytes (${this.config.limits.maxMessageBytes})`, initiator: 'client' });
      }
    });
    ws.on('close', (code: number, reasonBuf: Buffer) => this.onClose(ws, code, reasonBuf.toString('utf8')));
    this.life.to('open', '');
    if (this.config.ping.intervalMs > 0) {
      this.pingTimer = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) this.traffic.sendPing(ws, Buffer.from(this.config.ping.payload));
      }, this.config.ping.intervalMs);
    }
    ws.resume();
  }

  private onDialFailed(attempt: AbortController, err: unknown): void {
    if (this.dialing !== attempt) return;
    this.dialing = null;
    const e = err instanceof DialError ? err : null;
    if (e?.code !== DialErrorCode.Aborted) {
      if (e?.response && e.code === DialErrorCode.HandshakeRejected) this.logResponse(e.response, null, null);
      this.lastError = err instanceof Error ? err.message : String(err);
      this.append({ kind: 'error', direction: 'local', code: e?.code ?? 'CONNECT_FAILED', message: this.lastError });
    }
    this.afterClose(1006);
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = null;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    const initiator = this.closeInitiator ?? (code === 1006 ? 'network' : 'server');
    this.append({ kind: 'close', direction: initiator === 'client' && code === 1006 ? 'local' : 'in', code, reason, initiator });
    this.afterClose(code);
  }

  /** After the socket (or the attempt) is gone: closed for good, or a reconnect per the config. */
  private afterClose(code: number): void {
    if (this.userClosed || this.state === 'closing') {
      this.clearTimers();
      this.life.tryTo('closed', this.userClosed ? 'closed by user' : `closed ${code}`);
      return;
    }
    const r = this.config.reconnect;
    if (r.enabled && (r.maxAttempts === 0 || this.reconnectAttempt < r.maxAttempts)) {
      const delayMs = fullJitterDelay(this.reconnectAttempt, { initialDelayMs: r.initialDelayMs, maxDelayMs: Math.max(r.maxDelayMs, r.initialDelayMs) });
      this.reconnectAttempt++;
      this.life.to('reconnecting', this.lastError ?? `closed ${code}`);
      this.append({ kind: 'reconnect', direction: 'local', attempt: this.reconnectAttempt, delayMs });
      this.later(delayMs, () => {
        if (this.state !== 'reconnecting') return;
        this.connect().catch((err: unknown) => {
          this.lastError = err instanceof Error ? err.message : String(err);
          this.append({ kind: 'error', direction: 'local', code: 'CONNECT_FAILED', message: this.lastError });
          this.life.tryTo('closed', this.lastError);
        });
      });
      return;
    }
    this.life.to('closed', this.lastError ?? `closed ${code}`);
  }

  private onMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    this.traffic.floodGuard(ws);
    if (isBinary) {
      this.traffic.logFrame('in', buf, true);
      return;
    }
    const text = buf.toString('utf8');
    this.traffic.logFrame('in', text, false);
    const helper = this.config.helper;
    if (helper.type !== 'switchboard' || !helper.autoAnswer || ws.readyState !== WebSocket.OPEN) return;
    const answer = switchboardAutoAnswer(text, helper.answer);
    if (answer === null) return;
    ws.send(answer);
    this.traffic.logFrame('out', answer, false);
  }
}
