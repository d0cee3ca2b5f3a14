import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

export interface SeenUpgrade {
  url: string;
  headers: IncomingMessage['headers'];
  protocol: string;
}

/** A ws echo upstream on port 0 that records each upgrade; `refuse` answers upgrades with an HTTP status instead. */
export class EchoUpstream {
  readonly seen: SeenUpgrade[] = [];
  readonly sockets = new Set<WebSocket>();
  /** Open upstream sockets by the request path they were opened with. */
  readonly byPath = new Map<string, WebSocket>();
  readonly closes: { code: number; reason: string }[] = [];
  refuse: number | null = null;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private closeWaiters: ((c: { code: number; reason: string }) => void)[] = [];
  private connWaiters: ((ws: WebSocket) => void)[] = [];

  constructor() {
    this.http = createServer();
    this.wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => [...p][0] ?? false, perMessageDeflate: false });
    this.http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (this.refuse) {
        const body = 'nope';
        socket.end(`HTTP/1.1 ${this.refuse} Refused\r\nWWW-Authenticate: Basic realm="up"\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.seen.push({ url: req.url ?? '', headers: req.headers, protocol: ws.protocol });
        this.sockets.add(ws);
        this.byPath.set(req.url ?? '', ws);
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
        ws.on('close', (code, reason) => {
          this.sockets.delete(ws);
          if (this.byPath.get(req.url ?? '') === ws) this.byPath.delete(req.url ?? '');
          const c = { code, reason: reason.toString() };
          this.closes.push(c);
          for (const w of this.closeWaiters.splice(0)) w(c);
        });
        for (const w of this.connWaiters.splice(0)) w(ws);
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.http.listen(0, '127.0.0.1', r));
    return this;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  nextClose(): Promise<{ code: number; reason: string }> {
    return new Promise((r) => this.closeWaiters.push(r));
  }

  nextConnection(): Promise<WebSocket> {
    return new Promise((r) => this.connWaiters.push(r));
  }

  /** Cuts every upstream connection without a Close frame, as a crashed process would. */
  kill(): void {
    for (const ws of this.sockets) (ws as unknown as { _socket: Socket })._socket.destroy();
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
  }
}

export interface ClientResult {
  ws: WebSocket;
  protocol: string;
}

/** Opens a client; resolves when open, rejects with {status, body} on an HTTP refusal. */
export function openClient(url: string, protocols: string[] = ['v12.stomp'], opts: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { perMessageDeflate: false, ...opts });
    // Messages may arrive in the same packet as the 101: queue them from the start.
    const inbox = new Inbox();
    inboxes.set(ws, inbox);
    ws.on('message', (data: Buffer, isBinary: boolean) => inbox.push({ data, isBinary }));
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body: JSON.parse(body || '{}') as unknown, headers: res.headers })));
    });
    ws.once('error', (err) => reject(err));
  });
}

interface Msg { data: Buffer; isBinary: boolean }
class Inbox {
  private readonly queue: Msg[] = [];
  private readonly waiting: ((m: Msg) => void)[] = [];
  push(m: Msg): void {
    const w = this.waiting.shift();
    if (w) w(m);
    else this.queue.push(m);
  }
  next(): Promise<Msg> {
    const m = this.queue.shift();
    return m ? Promise.resolve(m) : new Promise((r) => this.waiting.push(r));
  }
}
const inboxes = new WeakMap<WebSocket, Inbox>();

/** The next message of a client opened with openClient (none is missed, even one sent with the 101). */
export const nextMessage = (ws: WebSocket): Promise<Msg> => inboxes.get(ws)!.next();

export const closed = (ws: WebSocket): Promise<{ code: number; reason: string; at: number }> =>
  new Promise((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString(), at: Date.now() })));
