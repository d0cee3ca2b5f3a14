import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { z } from 'zod';
import { ErrorCode } from '../../protocol/errors';

/**
 * Limits of one kind of listener (channel ports, the admin port). Slowloris-style clients — many
 * sockets that send headers a byte at a time — are cut by the header timeout and bounded by the
 * connection caps; honest long-lived WebSockets are unaffected by the timeouts (they apply only
 * until the request or upgrade is complete).
 */
export const ListenerLimitsSchema = z.object({
  /** The request line and headers (of an HTTP request or a WebSocket upgrade) must arrive within this. */
  headersTimeoutMs: z.number().int().min(1000).max(300_000),
  /** A whole HTTP request (headers and body) must arrive within this; the handler's own time is not counted. */
  requestTimeoutMs: z.number().int().min(1000).max(600_000),
  /** Idle keep-alive HTTP sockets close after this. */
  keepAliveTimeoutMs: z.number().int().min(100).max(600_000),
  /** Open sockets per listener; past it a new socket gets 503 and is closed. */
  maxConnections: z.number().int().min(1).max(10_000_000),
  /**
   * Open sockets per remote address per listener; past it a new socket gets 429 and is closed. 0
   * turns the per-address cap off. Addresses in trustedProxies are exempt (every client behind a
   * proxy shares its address).
   */
  maxConnectionsPerIp: z.number().int().min(0).max(10_000_000),
}).strict();
export type ListenerLimits = z.infer<typeof ListenerLimitsSchema>;

export interface GuardStats {
  open: number;
  refusedTotal: number;
  refusedPerIp: number;
}

const strip = (a: string): string => (a.startsWith('::ffff:') ? a.slice(7) : a);

function refuse(socket: Socket, status: 429 | 503, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  const text = status === 429 ? 'Too Many Requests' : 'Service Unavailable';
  socket.on('error', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nRetry-After: 5\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  // A peer that does not read cannot hold the socket open.
  setTimeout(() => socket.destroy(), 2000).unref();
}

/**
 * Applies ListenerLimits to a node:http server: its timeouts, and the connection caps counted on
 * the 'connection' event (before any byte is parsed). Refusals answer with a real HTTP status and
 * the error body every Switchboard listener uses, never a silent drop.
 */
export class ConnectionGuard {
  private readonly perIp = new Map<string, number>();
  private open = 0;
  private refusedTotal = 0;
  private refusedPerIp = 0;
  private readonly exempt: Set<string>;
  /**
   * One 'close' listener for every socket of this listener (`this` is the socket, whose address
   * Node cached when it was counted): a `once` closure per socket costs four objects each.
   */
  private readonly onSocketClose: (this: Socket) => void;

  constructor(private readonly limits: ListenerLimits, exempt: readonly string[] = []) {
    this.exempt = new Set(exempt.map(strip));
    const release = (ip: string): void => this.release(ip);
    this.onSocketClose = function (this: Socket): void {
      release(strip(this.remoteAddress ?? ''));
    };
  }

  /** Node http server options matching the limits. */
  serverOptions(): { headersTimeout: number; requestTimeout: number; keepAliveTimeout: number; connectionsCheckingInterval: number } {
    const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = this.limits;
    return {
      headersTimeout: headersTimeoutMs,
      // Node requires requestTimeout >= headersTimeout (0 disables it, which we never want).
      requestTimeout: Math.max(requestTimeoutMs, headersTimeoutMs),
      keepAliveTimeout: keepAliveTimeoutMs,
      // How often Node checks those timeouts: a tenth of the shortest, so they fire close to on time.
      connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(headersTimeoutMs / 10))),
    };
  }

  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.onConnection(socket));
  }

  stats(): GuardStats {
    return { open: this.open, refusedTotal: this.refusedTotal, refusedPerIp: this.refusedPerIp };
  }

  private onConnection(socket: Socket): void {
    const ip = strip(socket.remoteAddress ?? '');
    if (this.open >= this.limits.maxConnections) {
      this.refusedTotal++;
      refuse(socket, 503, ErrorCode.TooManyConnections, `this listener holds its maximum of ${this.limits.maxConnections} connections`);
      return;
    }
    const cap = this.limits.maxConnectionsPerIp;
    const mine = this.perIp.get(ip) ?? 0;
    if (cap > 0 && !this.exempt.has(ip) && mine >= cap) {
      this.refusedPerIp++;
      refuse(socket, 429, ErrorCode.RateLimited, `${ip} already holds ${cap} connections to this listener`);
      return;
    }
    this.open++;
    this.perIp.set(ip, mine + 1);
    socket.on('close', this.onSocketClose);
  }

  private release(ip: string): void {
    this.open--;
    const n = (this.perIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, n);
  }
}
