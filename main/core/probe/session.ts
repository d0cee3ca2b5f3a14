import WebSocket, { type RawData } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { ProbeLogEntry, ProbeLogRow, ProbeMessage, ProbeSessionConfig, ProbeSessionState, ProbeLogFilter } from '../../../protocol/console/probe';
import { ErrorCode } from '../../../protocol/errors';
import { fullJitterDelay } from '../../../common/backoff';
import { ConsoleError } from '../contract/errors';
import { buildConnect, redactHeaders, type SessionSecrets } from './connect-options';
import { encodeMessage, parseStompFrame, switchboardAutoAnswer } from './frames';
import { LogStore, type LogStoreOptions, type NewLogEntry } from './log-store';
import { Pairing } from './pairing';

/** Allowed transitions; anything else is a bug and throws. */
const TRANSITIONS: Record<ProbeSessionState, readonly ProbeSessionState[]> = {
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
  state: ProbeSessionState = 'idle';
  protocol: string | null = null;
  extensions: string | null = null;
  lastError: string | null = null;
  reconnectAttempt = 0;
  floodPauses = 0;

  private pairing: Pairing;
  private ws: WebSocket | null = null;
  private userClosed = false;
  private handshakeFailure: string | null = null;
  private closeInitiator: 'client' | 'server' | null = null;
  private pendingPings: { hex: string; atMs: number }[] = [];
  private floodWindowStart = 0;
  private floodCount = 0;
  private timers = new Set<NodeJS.Timeout>();
  private pingTimer: NodeJS.Timeout | null = null;
  private readonly maxLogged: number;
  private readonly closeTimeoutMs: number;

  constructor(private readonly deps: SessionDeps) {
    this.id = deps.id;
    this.config = deps.config;
    this.createdAt = deps.createdAt;
    this.imported = deps.imported;
    this.maxLogged = deps.options?.maxLoggedDataBytes ?? 1024 * 1024;
    this.closeTimeoutMs = deps.options?.closeTimeoutMs ?? 5000;
    this.log = new LogStore({ ...deps.options?.log, maxEntries: deps.options?.log?.maxEntries ?? deps.config.limits.maxEntries, dir: deps.logDir });
    this.pairing = this.newPairing();
  }

  get stats() {
    return { ...this.log.stats, floodPauses: this.floodPauses };
  }

  /** Config changes apply from the next connect; pairing restarts only when its paths changed. */
  updateConfig(config: ProbeSessionConfig): void {
    const before = this.config.correlation;
    this.config = config;
    if (before.requestPath !== config.correlation.requestPath || before.replyPath !== config.correlation.replyPath) this.pairing = this.newPairing();
  }

  async open(): Promise<void> {
    if (this.imported) throw ConsoleError.of(ErrorCode.Conflict, 'an imported session is a read-only log', { field: 'sessionId' });
    if (this.state !== 'idle' && this.state !== 'closed') throw ConsoleError.of(ErrorCode.Conflict, `session is ${this.state}`, { field: 'sessionId' });
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
        this.transition('closing', 'closed by user');
        this.ws?.close(code, reason);
        this.later(this.closeTimeoutMs, () => this.ws?.terminate());
        return;
      case 'connecting':
        this.userClosed = true;
        this.transition('closing', 'cancelled by user');
        this.ws?.terminate();
        return;
      case 'reconnecting':
        this.userClosed = true;
        this.clearTimers();
        this.transition('closed', 'reconnect cancelled by user');
        return;
      case 'idle':
      case 'closing':
      case 'closed':
        return;
    }
  }

  async send(message: ProbeMessage): Promise<number> {
    const ws = this.requireOpen();
    if (message.type === 'ping') return this.sendPing(ws, Buffer.from(message.payload));
    const enc = await encodeMessage(message);
    if (ws.readyState !== WebSocket.OPEN) throw ConsoleError.of(ErrorCode.ConnectionNotReady, 'session closed while preparing the message', { field: 'sessionId' });
    if (enc.opcode === 'text') {
      ws.send(enc.text);
      return this.logFrame('out', enc.text, false).index;
    }
    ws.send(enc.data, { binary: true });
    return this.logFrame('out', enc.data, true).index;
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
        return this.logFrame('out', p, false).index;
      }
      ws.send(p, { binary: true });
      return this.logFrame('out', p, true).index;
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
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
    }
    this.log.dispose();
  }

  private newPairing(): Pairing {
    return new Pairing({ requestPath: this.config.correlation.requestPath, replyPath: this.config.correlation.replyPath });
  }

  private requireOpen(): WebSocket {
    if (this.state !== 'open' || !this.ws || this.ws.readyState !== WebSocket.OPEN) throw ConsoleError.of(ErrorCode.ConnectionNotReady, `session is ${this.state}, not open`, { field: 'sessionId' });
    return this.ws;
  }

  private transition(to: ProbeSessionState, reason?: string): void {
    const from = this.state;
    if (!TRANSITIONS[from].includes(to)) throw new Error(`probe session ${this.id}: illegal transition ${from} → ${to}`);
    this.state = to;
    const entry = this.append({ kind: 'state', direction: 'local', from, to, ...(reason ? { reason } : {}) });
    this.deps.onState(from, to, entry.at, reason);
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

  private async connect(): Promise<void> {
    const secrets = await this.deps.loadSecrets();
    const built = buildConnect(this.config, secrets);
    this.transition('connecting', this.reconnectAttempt ? `attempt ${this.reconnectAttempt}` : undefined);
    this.handshakeFailure = null;
    this.closeInitiator = null;
    this.pendingPings = [];
    const ws = new WebSocket(built.url, built.protocols, {
      ...built.options,
      finishRequest: (req) => {
        this.append({ kind: 'handshake-request', direction: 'out', url: built.url, headers: redactHeaders(req.getHeaders()), subprotocols: built.protocols });
        req.end();
      },
    });
    this.ws = ws;
    ws.on('upgrade', (res: IncomingMessage) => this.logResponse(res));
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      this.logResponse(res);
      this.handshakeFailure = `handshake rejected: HTTP ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trim();
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      this.protocol = ws.protocol || null;
      this.extensions = ws.extensions || null;
      this.reconnectAttempt = 0;
      this.lastError = null;
      this.transition('open');
      if (this.config.ping.intervalMs > 0) {
        this.pingTimer = setInterval(() => {
          if (ws.readyState === WebSocket.OPEN) this.sendPing(ws, Buffer.from(this.config.ping.payload));
        }, this.config.ping.intervalMs);
      }
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(ws, data, isBinary));
    ws.on('ping', (data: Buffer) => {
      this.logPayload('ping', 'in', data);
      if (ws.readyState === WebSocket.OPEN) {
        ws.pong(data);
        this.logPayload('pong', 'out', data);
      }
    });
    ws.on('pong', (data: Buffer) => {
      const hex = data.toString('hex');
      const i = this.pendingPings.findIndex((p) => p.hex === hex);
      const rttMs = i === -1 ? undefined : Date.now() - this.pendingPings[i]!.atMs;
      if (i !== -1) this.pendingPings.splice(0, i + 1);
      this.logPayload('pong', 'in', data, rttMs);
    });
    ws.on('error', (err: Error & { code?: string }) => {
      const message = this.handshakeFailure ?? err.message;
      this.lastError = message;
      this.append({ kind: 'error', direction: 'local', code: this.handshakeFailure ? 'HANDSHAKE_REJECTED' : (err.code ?? 'ERROR'), message });
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        // ws answers an oversized message with a 1009 close frame and stops reading.
        this.closeInitiator = 'client';
        this.append({ kind: 'close', direction: 'out', code: 1009, reason: `message over limits.maxMessageBytes (${this.config.limits.maxMessageBytes})`, initiator: 'client' });
      }
    });
    ws.on('close', (code: number, reasonBuf: Buffer) => this.onClose(ws, code, reasonBuf.toString('utf8')));
  }

  private logResponse(res: IncomingMessage): void {
    const proto = res.headers['sec-websocket-protocol'];
    const ext = res.headers['sec-websocket-extensions'];
    this.append({
      kind: 'handshake-response',
      direction: 'in',
      status: res.statusCode ?? 0,
      statusText: res.statusMessage ?? '',
      headers: redactHeaders(res.headers),
      protocol: typeof proto === 'string' ? proto : null,
      extensions: typeof ext === 'string' ? ext : null,
    });
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = null;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    const wasOpen = this.state === 'open' || this.state === 'closing';
    if (wasOpen || code !== 1006) {
      const initiator = this.closeInitiator ?? (code === 1006 ? 'network' : 'server');
      this.append({ kind: 'close', direction: initiator === 'client' && code === 1006 ? 'local' : 'in', code, reason, initiator });
    }
    if (this.userClosed || this.state === 'closing') {
      this.clearTimers();
      if (this.state !== 'closed') this.transition('closed', this.userClosed ? 'closed by user' : `closed ${code}`);
      return;
    }
    const r = this.config.reconnect;
    if (r.enabled && (r.maxAttempts === 0 || this.reconnectAttempt < r.maxAttempts)) {
      const delayMs = fullJitterDelay(this.reconnectAttempt, { initialDelayMs: r.initialDelayMs, maxDelayMs: Math.max(r.maxDelayMs, r.initialDelayMs) });
      this.reconnectAttempt++;
      this.transition('reconnecting', this.lastError ?? `closed ${code}`);
      this.append({ kind: 'reconnect', direction: 'local', attempt: this.reconnectAttempt, delayMs });
      this.later(delayMs, () => {
        if (this.state !== 'reconnecting') return;
        this.connect().catch((err: unknown) => {
          this.lastError = err instanceof Error ? err.message : String(err);
          this.append({ kind: 'error', direction: 'local', code: 'CONNECT_FAILED', message: this.lastError });
          if (this.state === 'reconnecting') this.transition('closed', this.lastError);
        });
      });
      return;
    }
    this.transition('closed', this.lastError ?? `closed ${code}`);
  }

  private onMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    this.floodGuard(ws);
    if (isBinary) {
      this.logFrame('in', buf, true);
      return;
    }
    const text = buf.toString('utf8');
    this.logFrame('in', text, false);
    const helper = this.config.helper;
    if (helper.type !== 'switchboard' || !helper.autoAnswer || ws.readyState !== WebSocket.OPEN) return;
    const answer = switchboardAutoAnswer(text, helper.answer);
    if (answer === null) return;
    ws.send(answer);
    this.logFrame('out', answer, false);
  }

  /** More than limits.floodMessagesPerSecond in the current second: stop reading until it ends. */
  private floodGuard(ws: WebSocket): void {
    const now = Date.now();
    if (now - this.floodWindowStart >= 1000) {
      this.floodWindowStart = now;
      this.floodCount = 0;
    }
    if (++this.floodCount <= this.config.limits.floodMessagesPerSecond || ws.isPaused) return;
    ws.pause();
    this.floodPauses++;
    const waitMs = Math.max(50, 1000 - (now - this.floodWindowStart));
    this.append({ kind: 'info', direction: 'local', message: `flood guard: over ${this.config.limits.floodMessagesPerSecond} messages/s, reading paused for ${waitMs} ms` });
    this.later(waitMs, () => {
      if (ws.readyState === WebSocket.OPEN) ws.resume();
    });
  }

  private logFrame(direction: 'in' | 'out', data: string | Buffer, binary: boolean): ProbeLogEntry {
    if (!binary && typeof data === 'string') {
      const size = Buffer.byteLength(data);
      const truncated = size > this.maxLogged;
      const text = truncated ? Buffer.from(data).subarray(0, this.maxLogged).toString('utf8') : data;
      const stomp = this.config.helper.type === 'stomp' ? parseStompFrame(text) : null;
      const entry = this.append({ kind: 'frame', direction, opcode: 'text', size, encoding: 'text', data: text, truncated, ...(stomp ? { stomp } : {}) });
      if (this.config.correlation.enabled && !truncated) this.pairing.observe(entry.index, direction, Date.parse(entry.at), text);
      return entry;
    }
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const truncated = buf.length > this.maxLogged;
    return this.append({ kind: 'frame', direction, opcode: 'binary', size: buf.length, encoding: 'base64', data: (truncated ? buf.subarray(0, this.maxLogged) : buf).toString('base64'), truncated });
  }

  private logPayload(kind: 'ping' | 'pong', direction: 'in' | 'out', data: Buffer, rttMs?: number): ProbeLogEntry {
    const printable = /^[\x20-\x7e]*$/.test(data.toString('latin1'));
    const base = { direction, size: data.length, encoding: printable ? ('text' as const) : ('base64' as const), data: printable ? data.toString('latin1') : data.toString('base64'), truncated: false };
    return kind === 'ping' ? this.append({ kind, ...base }) : this.append({ kind, ...base, ...(rttMs !== undefined ? { rttMs } : {}) });
  }

  private sendPing(ws: WebSocket, payload: Buffer): number {
    this.pendingPings.push({ hex: payload.toString('hex'), atMs: Date.now() });
    if (this.pendingPings.length > 1000) this.pendingPings.shift();
    ws.ping(payload);
    return this.logPayload('ping', 'out', payload).index;
  }
}
