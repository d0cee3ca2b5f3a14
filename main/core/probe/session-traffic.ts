import WebSocket from 'ws';
import type { ProbeLogEntry, ProbeSessionConfig } from '../../../protocol/console/probe';
import { parseStompFrame } from './frames';
import type { NewLogEntry } from './log-store';
import type { Pairing } from './pairing';

/** A handshake request as it went out, secrets included: never logged, only offered to exports that ask. */
export interface RawHandshake {
  url: string;
  headers: { name: string; value: string }[];
}

export interface TrafficDeps {
  append(e: NewLogEntry): ProbeLogEntry;
  config(): ProbeSessionConfig;
  pairing(): Pairing;
  later(ms: number, fn: () => void): void;
  maxLoggedDataBytes: number;
  maxRawHandshakes: number;
}

/** Pings we sent and still expect a pong for (oldest dropped past this). */
const MAX_PENDING_PINGS = 1000;

/**
 * What one session logs about its open socket: frames (cut at maxLoggedDataBytes, paired),
 * pings/pongs with RTT, the flood guard, and the unredacted handshakes kept for exports.
 */
export class SessionTraffic {
  floodPauses = 0;
  /** RTT of the newest pong answering one of our pings; kept here so no view depends on the log filter. */
  lastRttMs: number | null = null;
  private pendingPings: { hex: string; atMs: number }[] = [];
  private floodWindowStart = 0;
  private floodCount = 0;
  private readonly raw = new Map<number, RawHandshake>();

  constructor(private readonly d: TrafficDeps) {}

  resetPings(): void {
    this.pendingPings = [];
  }

  rememberHandshake(index: number, raw: RawHandshake): void {
    this.raw.set(index, raw);
    if (this.raw.size > this.d.maxRawHandshakes) this.raw.delete(this.raw.keys().next().value!);
  }

  rawHandshake(index: number): RawHandshake | undefined {
    return this.raw.get(index);
  }

  logFrame(direction: 'in' | 'out', data: string | Buffer, binary: boolean): ProbeLogEntry {
    const config = this.d.config();
    const max = this.d.maxLoggedDataBytes;
    if (!binary && typeof data === 'string') {
      const size = Buffer.byteLength(data);
      const truncated = size > max;
      const text = truncated ? Buffer.from(data).subarray(0, max).toString('utf8') : data;
      const stomp = config.helper.type === 'stomp' ? parseStompFrame(text) : null;
      const entry = this.d.append({ kind: 'frame', direction, opcode: 'text', size, encoding: 'text', data: text, truncated, ...(stomp ? { stomp } : {}) });
      if (config.correlation.enabled && !truncated) this.d.pairing().observe(entry.index, direction, Date.parse(entry.at), text);
      return entry;
    }
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const truncated = buf.length > max;
    return this.d.append({ kind: 'frame', direction, opcode: 'binary', size: buf.length, encoding: 'base64', data: (truncated ? buf.subarray(0, max) : buf).toString('base64'), truncated });
  }

  sendPing(ws: WebSocket, payload: Buffer): number {
    this.pendingPings.push({ hex: payload.toString('hex'), atMs: Date.now() });
    if (this.pendingPings.length > MAX_PENDING_PINGS) this.pendingPings.shift();
    ws.ping(payload);
    return this.logPayload('ping', 'out', payload).index;
  }

  onPing(ws: WebSocket, data: Buffer): void {
    this.logPayload('ping', 'in', data);
    if (ws.readyState === WebSocket.OPEN) {
      ws.pong(data);
      this.logPayload('pong', 'out', data);
    }
  }

  onPong(data: Buffer): void {
    const hex = data.toString('hex');
    const i = this.pendingPings.findIndex((p) => p.hex === hex);
    const rttMs = i === -1 ? undefined : Date.now() - this.pendingPings[i]!.atMs;
    if (i !== -1) this.pendingPings.splice(0, i + 1);
    if (rttMs !== undefined) this.lastRttMs = rttMs;
    this.logPayload('pong', 'in', data, rttMs);
  }

  /** More than limits.floodMessagesPerSecond in the current second: stop reading until it ends. */
  floodGuard(ws: WebSocket): void {
    const limit = this.d.config().limits.floodMessagesPerSecond;
    const now = Date.now();
    if (now - this.floodWindowStart >= 1000) {
      this.floodWindowStart = now;
      this.floodCount = 0;
    }
    if (++this.floodCount <= limit || ws.isPaused) return;
    ws.pause();
    this.floodPauses++;
    const waitMs = Math.max(50, 1000 - (now - this.floodWindowStart));
    this.d.append({ kind: 'info', direction: 'local', message: `flood guard: over ${limit} messages/s, reading paused for ${waitMs} ms` });
    this.d.later(waitMs, () => {
      if (ws.readyState === WebSocket.OPEN) ws.resume();
    });
  }

  private logPayload(kind: 'ping' | 'pong', direction: 'in' | 'out', data: Buffer, rttMs?: number): ProbeLogEntry {
    const printable = /^[\x20-\x7e]*$/.test(data.toString('latin1'));
    const base = { direction, size: data.length, encoding: printable ? ('text' as const) : ('base64' as const), data: printable ? data.toString('latin1') : data.toString('base64'), truncated: false };
    return kind === 'ping' ? this.d.append({ kind, ...base }) : this.d.append({ kind, ...base, ...(rttMs !== undefined ? { rttMs } : {}) });
  }
}
