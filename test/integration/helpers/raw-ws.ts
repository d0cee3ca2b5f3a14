import { randomBytes } from 'node:crypto';
import net from 'node:net';

/**
 * A WebSocket client written on a bare TCP socket, for tests that must do what a well-behaved
 * library will not: stop reading (pause the socket), send malformed or unfinished frames, flood
 * pings. It parses what the server sends (server frames are unmasked) and records the Close frame.
 */
export interface RawFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface FrameOptions {
  fin?: boolean;
  /** Clients must mask; false sends an unmasked frame (a protocol error). */
  mask?: boolean;
  rsv?: number;
  /** Declared payload length, when it should differ from the payload (a lie). */
  length?: number;
}

export function encodeFrame(opcode: number, payload: Buffer, o: FrameOptions = {}): Buffer {
  const fin = o.fin ?? true;
  const mask = o.mask ?? true;
  const len = o.length ?? payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | ((o.rsv ?? 0) << 4) | (opcode & 0x0f)];
  const m = mask ? 0x80 : 0;
  if (len < 126) head.push(m | len);
  else if (len < 65536) head.push(m | 126, len >> 8, len & 0xff);
  else {
    head.push(m | 127);
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(len));
    head.push(...b);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= key[i & 3]!;
  return Buffer.concat([Buffer.from(head), key, body]);
}

export class RawWs {
  /** Frames received (text payloads of message frames are kept only when `keep` is on). */
  readonly frames: RawFrame[] = [];
  bytesIn = 0;
  textFrames = 0;
  keep = true;
  close: CloseInfo | null = null;
  /** Resolves when the TCP socket is gone; `close` is null if no Close frame came first. */
  readonly ended: Promise<CloseInfo | null>;
  private buf: Buffer = Buffer.alloc(0);
  private waiters: { pred: (f: RawFrame) => boolean; resolve: (f: RawFrame) => void }[] = [];

  private constructor(readonly socket: net.Socket, rest: Buffer) {
    this.ended = new Promise((resolve) => socket.once('close', () => resolve(this.close)));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    if (rest.length) this.onData(rest);
  }

  /** Opens the TCP socket and completes the upgrade (rejects with the HTTP status line otherwise). */
  static connect(url: string): Promise<RawWs> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(u.port), u.hostname);
      socket.on('error', () => undefined);
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!/^HTTP\/1\.1 101 /.test(status)) {
          socket.destroy();
          return reject(new Error(status));
        }
        resolve(new RawWs(socket, head.subarray(end + 4)));
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error('closed during the upgrade')));
      socket.once('connect', () => {
        socket.write(`GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      });
    });
  }

  sendFrame(opcode: number, payload: Buffer | string, o?: FrameOptions): void {
    if (this.socket.writable) this.socket.write(encodeFrame(opcode, Buffer.isBuffer(payload) ? payload : Buffer.from(payload), o));
  }

  sendText(text: string): void {
    this.sendFrame(1, text);
  }

  sendJson(frame: unknown): void {
    this.sendText(JSON.stringify(frame));
  }

  writeRaw(bytes: Buffer): void {
    if (this.socket.writable) this.socket.write(bytes);
  }

  /** Stops reading: the kernel buffers fill and the server's writes queue behind them. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** The next frame matching `pred` (already received or still to come). */
  next(pred: (f: RawFrame) => boolean): Promise<RawFrame> {
    const found = this.frames.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  nextJson(type: string): Promise<Record<string, unknown>> {
    return this.next((f) => f.opcode === 1 && (JSON.parse(f.payload.toString()) as { type: string }).type === type).then((f) => JSON.parse(f.payload.toString()) as Record<string, unknown>);
  }

  /** Sends hello and resolves with the welcome. */
  async hello(clientId: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    this.sendJson({ type: 'hello', clientId, ...extra });
    return this.nextJson('welcome');
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const f = this.parseOne();
      if (!f) return;
      if (f.opcode === 8) {
        this.close = { code: f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005, reason: f.payload.subarray(2).toString() };
        // Answer the Close and end, as a client does.
        this.sendFrame(8, f.payload.subarray(0, 2));
        this.socket.end();
      }
      if (f.opcode === 1) this.textFrames++;
      if (this.keep || f.opcode !== 1) this.frames.push(f);
      const hit = this.waiters.filter((w) => w.pred(f));
      this.waiters = this.waiters.filter((w) => !hit.includes(w));
      for (const w of hit) w.resolve(f);
    }
  }

  private parseOne(): RawFrame | null {
    const b = this.buf;
    if (b.length < 2) return null;
    let len = b[1]! & 0x7f;
    let off = 2;
    if (len === 126) {
      if (b.length < 4) return null;
      len = b.readUInt16BE(2);
      off = 4;
    } else if (len === 127) {
      if (b.length < 10) return null;
      len = Number(b.readBigUInt64BE(2));
      off = 10;
    }
    if (b.length < off + len) return null;
    const f = { fin: (b[0]! & 0x80) !== 0, opcode: b[0]! & 0x0f, payload: Buffer.from(b.subarray(off, off + len)) };
    this.buf = b.subarray(off + len);
    return f;
  }
}

/** Sends raw bytes to a listener and resolves with everything it answered before closing. */
export function rawHttp(port: number, bytes: string | Buffer, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    const done = (): void => {
      clearTimeout(timer);
      resolve(out);
    };
    const timer = setTimeout(() => {
      socket.destroy();
    }, timeoutMs);
    socket.on('error', () => undefined);
    socket.on('data', (c: Buffer) => (out += c.toString('latin1')));
    socket.once('close', done);
    socket.once('connect', () => socket.write(bytes));
  });
}
