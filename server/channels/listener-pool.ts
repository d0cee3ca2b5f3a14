import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';
import { ConnectionGuard, type GuardStats, type ListenerLimits } from '../net/connection-guard';

/**
 * Defaults of `channelListeners`: the header timeout cuts slowloris sockets; the caps bound file
 * descriptors and memory however many sockets one address opens. An upgraded WebSocket stays
 * counted until it closes; the timeouts stop applying once the upgrade is complete.
 */
export const CHANNEL_LISTENER_DEFAULTS: ListenerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 1000,
  maxConnections: 100_000,
  maxConnectionsPerIp: 1000,
};

/** A parsed channel address. */
export interface ChannelTarget {
  host: string;
  port: number;
  path: string;
}

export function parseAddress(address: string): ChannelTarget {
  const u = new URL(address);
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { host, port: Number(u.port), path: u.pathname || '/' };
}

/** Whatever handles upgrades for one path (a channel). */
export interface Route {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Serves every path under its own (segment-wise) when no route has the exact path (gateway routes). */
  readonly prefix?: boolean;
}

export class Listener {
  readonly routes = new Map<string, Route>();
  boundPort = 0;
  constructor(
    readonly host: string,
    readonly server: Server,
    private readonly guard: ConnectionGuard,
  ) {}

  stats(): GuardStats {
    return this.guard.stats();
  }

  /** The exact route for a path, else the longest prefix route above it. */
  lookup(path: string): Route | undefined {
    const exact = this.routes.get(path);
    if (exact) return exact;
    let best: Route | undefined;
    let bestLen = -1;
    for (const [p, r] of this.routes) {
      if (!r.prefix || p.length <= bestLen) continue;
      if (p === '/' || path.startsWith(`${p}/`)) {
        best = r;
        bestLen = p.length;
      }
    }
    return best;
  }
}

/** Shared (not a closure per socket): an upgrade socket that errors before ws takes it over is dropped. */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

/** An upgrade refused with a real status and the error body every Switchboard listener uses. */
function rejectUpgrade(socket: Duplex, status: 400 | 404, code: string, message: string, field: string): void {
  const body = JSON.stringify({ error: { code, message, field } });
  const text = status === 400 ? 'Bad Request' : 'Not Found';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/**
 * One node http server per host:port, shared by every channel on that port; WebSocket upgrades are
 * routed by path. A listener closes when its last route leaves, so its port refuses connections.
 */
export class ListenerPool {
  /** Keyed by `host|boundPort`. */
  private readonly listeners = new Map<string, Listener>();

  constructor(
    private readonly limits: ListenerLimits = CHANNEL_LISTENER_DEFAULTS,
    /** Addresses exempt from maxConnectionsPerIp (trusted proxies carry many clients). */
    private readonly exempt: readonly string[] = [],
  ) {}

  /** Attaches a route; binds a new listener when none serves host:port (port 0: always a new one). */
  async attach(target: ChannelTarget, route: Route): Promise<Listener> {
    const existing = target.port !== 0 ? this.listeners.get(`${target.host}|${target.port}`) : undefined;
    if (existing) {
      if (existing.routes.has(target.path)) throw new SbError(ErrorCode.ChannelAddressInUse, `ws://${target.host}:${target.port}${target.path} is already served by another channel`, { field: 'address' });
      existing.routes.set(target.path, route);
      return existing;
    }
    const guard = new ConnectionGuard(this.limits, this.exempt);
    const server = createServer(guard.serverOptions(), (_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
      res.end('Switchboard channel: connect with a WebSocket client\n');
    });
    guard.attach(server);
    const listener = new Listener(target.host, server, guard);
    listener.routes.set(target.path, route);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', destroyOnError);
      const url = req.url ?? '/';
      let path: string;
      try {
        // Only origin-form targets (`/path?query`): `//host:port/…` would parse as another authority.
        if (!url.startsWith('/') || url.startsWith('//')) throw new Error('not origin-form');
        path = new URL(url, 'http://x').pathname;
      } catch {
        return rejectUpgrade(socket, 400, ErrorCode.BadRequest, 'malformed request URL: expected /path', 'url');
      }
      const r = listener.lookup(path);
      if (!r) return rejectUpgrade(socket, 404, ErrorCode.NotFound, `no channel or gateway route serves ${path}`, 'url');
      r.handleUpgrade(req, socket, head);
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        server.off('listening', onListening);
        const field = { field: 'address' };
        if (err.code === 'EADDRINUSE') reject(new SbError(ErrorCode.ChannelAddressInUse, `${target.host}:${target.port} is already in use by another process`, field));
        else reject(new SbError(ErrorCode.Validation, `address: cannot listen on ${target.host}:${target.port}: ${err.message}`, field));
      };
      const onListening = (): void => {
        server.off('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(target.port, target.host);
    });
    const addr = server.address();
    listener.boundPort = typeof addr === 'object' && addr ? addr.port : target.port;
    const key = `${target.host}|${listener.boundPort}`;
    // Two concurrent binds of the same fixed port: the OS lets only one succeed, so this key is free.
    this.listeners.set(key, listener);
    server.on('error', () => undefined);
    return listener;
  }

  /** Removes a route; the listener closes (refusing new connections) when it has none left. */
  async detach(listener: Listener, path: string, route: Route): Promise<void> {
    if (listener.routes.get(path) === route) listener.routes.delete(path);
    if (listener.routes.size > 0) return;
    this.listeners.delete(`${listener.host}|${listener.boundPort}`);
    // close() unbinds the port at once (new connections are refused) and drops idle HTTP sockets.
    // Upgraded sockets belong to their sessions, which close them with a Close frame.
    listener.server.close();
  }

  /** The listener serving host:port, if any (for conflict checks against bound ports). */
  find(host: string, port: number): Listener | undefined {
    return this.listeners.get(`${host}|${port}`);
  }
}
