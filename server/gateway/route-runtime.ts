import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { dial, DialError, type DialTls } from '../../common/node/dialer';
import { ErrorCode, type ErrorInfo } from '../../protocol/errors';
import type { GatewayRouteConfig } from '../../protocol/gateway';
import type { Listener, Route } from '../channels/listener-pool';
import type { AdminEventInput } from '../event-bus';
import { Balancer, type Instance } from './balancer';
import { GatewaySession } from './gateway-session';
import { allowedOffer, forwardHeaders, invalidHandshake, offeredSubprotocols, refuseUpgrade, switchingProtocols, upstreamUrl } from './handshake';

export interface RouteDeps {
  node: string;
  closeTimeoutMs: number;
  trustedProxies: ReadonlySet<string>;
  nextId(): string;
  emit(e: AdminEventInput): void;
  /** The route's TLS with its private key opened (memory only). */
  tls(): DialTls | undefined;
}

const strip = (a: string): string => (a.startsWith('::ffff:') ? a.slice(7) : a);

/**
 * One gateway route while the server runs: its listener path (a prefix route of the pool), its
 * balancer, its live sessions and counters. It answers upgrades handshake-first: the upstream is
 * dialled before the client's upgrade is completed, so every refusal is an HTTP status with the
 * admin API's error body.
 */
export class RouteRuntime implements Route {
  readonly prefix = true;
  readonly sessions = new Map<string, GatewaySession>();
  readonly balancer: Balancer;
  listener: Listener | null = null;
  sessionsTotal = 0;
  readonly refused: Record<string, number> = {};
  private wss: WebSocketServer;
  private ticker: NodeJS.Timeout | null = null;
  /** The subprotocol the upstream chose, for ws's handleProtocols (one entry per upgrade in flight). */
  private readonly chosen = new WeakMap<IncomingMessage, string>();

  constructor(
    public config: GatewayRouteConfig,
    public createdAt: string,
    public updatedAt: string,
    private readonly deps: RouteDeps,
  ) {
    this.balancer = new Balancer({ policy: config.balance, failThreshold: config.failThreshold, coolDownMs: config.coolDownMs }, config.upstreams);
    this.wss = this.makeWss();
  }

  get name(): string {
    return this.config.name;
  }

  private makeWss(): WebSocketServer {
    return new WebSocketServer({
      noServer: true,
      maxPayload: this.config.maxMessageBytes,
      perMessageDeflate: false,
      clientTracking: false,
      // Pings and pongs travel end to end, like every other frame.
      autoPong: false,
      handleProtocols: (_offered, req) => this.chosen.get(req) || false,
    });
  }

  setConfig(next: GatewayRouteConfig): void {
    const rebuild = next.maxMessageBytes !== this.config.maxMessageBytes;
    this.config = next;
    this.balancer.options = { policy: next.balance, failThreshold: next.failThreshold, coolDownMs: next.coolDownMs };
    this.balancer.setStatic(next.upstreams);
    if (rebuild) this.wss = this.makeWss();
    if (this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
      this.arm();
    }
  }

  private refuse(socket: Duplex, status: number, info: ErrorInfo, extra?: Record<string, string>): void {
    this.refused[String(status)] = (this.refused[String(status)] ?? 0) + 1;
    refuseUpgrade(socket, status, info, extra);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const cfg = this.config;
    const bad = invalidHandshake(req);
    if (bad) return this.refuse(socket, 400, { code: ErrorCode.BadRequest, message: bad });
    const offer = allowedOffer(offeredSubprotocols(req), cfg.subprotocols);
    if (!offer) {
      const message = cfg.subprotocols.length ? `offer one of the subprotocols ${cfg.subprotocols.join(', ')} (Sec-WebSocket-Protocol)` : 'this route passes no subprotocol; offer none';
      return this.refuse(socket, 400, { code: ErrorCode.GatewaySubprotocol, message, field: 'sec-websocket-protocol' });
    }
    const inst = this.balancer.pick();
    if (!inst) return this.refuse(socket, 503, { code: ErrorCode.GatewayNoInstance, message: `route "${cfg.name}" has no healthy upstream instance` }, { 'Retry-After': String(Math.ceil(cfg.coolDownMs / 1000)) });

    const sock = socket as Socket;
    const peer = strip(sock.remoteAddress ?? '');
    const xff = req.headers['x-forwarded-for'];
    const { url, display } = upstreamUrl(inst.url, cfg.path, req.url ?? '/');
    const session = new GatewaySession({
      id: this.deps.nextId(),
      node: this.deps.node,
      route: cfg.name,
      mode: cfg.mode,
      clientAddress: peer,
      clientPort: sock.remotePort ?? 0,
      forwardedFor: this.deps.trustedProxies.has(peer) && typeof xff === 'string' ? xff : null,
      path: new URL(req.url ?? '/', 'http://x').pathname,
      upstreamUrl: display,
      instance: inst,
      maxBufferedBytes: cfg.maxBufferedBytes,
      closeTimeoutMs: this.deps.closeTimeoutMs,
      onGone: (s) => this.forget(s),
    });
    this.sessions.set(session.id, session);
    this.sessionsTotal++;
    this.arm();

    const abort = new AbortController();
    const clientLeft = (): void => abort.abort();
    sock.once('close', clientLeft);
    let cancelled = false;
    session.abortDial = () => {
      cancelled = true;
      abort.abort();
    };
    const tls = this.deps.tls();
    dial({
      url,
      headers: forwardHeaders(req, cfg.denyHeaders, peer),
      subprotocols: offer,
      handshakeTimeoutMs: cfg.connectTimeoutMs,
      maxPayload: cfg.maxMessageBytes,
      autoPong: false,
      perMessageDeflate: false,
      ...(tls ? { tls } : {}),
    }, { signal: abort.signal }).then((d) => {
      sock.off('close', clientLeft);
      session.abortDial = null;
      this.balancer.succeeded(inst);
      if (sock.destroyed || !sock.writable) {
        d.ws.terminate();
        session.abandon('the client left during the dial');
        return;
      }
      if (cfg.mode === 'raw') {
        sock.write(switchingProtocols(req, d.protocol));
        session.startRaw(sock, head, d.ws, d.protocol);
        this.deps.emit({ type: 'gateway.session.opened', session: session.toPublic() });
      } else {
        this.chosen.set(req, d.protocol);
        // ws answers a handshake it refuses itself and never calls back: the upstream must not stay.
        const refused = (): void => {
          d.ws.terminate();
          session.abandon('the client upgrade failed');
        };
        sock.once('close', refused);
        this.wss.handleUpgrade(req, sock, head, (client: WebSocket) => {
          sock.off('close', refused);
          session.startFrames(client, d.ws);
          this.deps.emit({ type: 'gateway.session.opened', session: session.toPublic() });
        });
      }
    }, (err: unknown) => {
      sock.off('close', clientLeft);
      session.abortDial = null;
      session.abandon('the upstream dial failed');
      if (cancelled) return this.refuse(socket, 503, { code: ErrorCode.Unavailable, message: 'the session was closed while the upstream was being dialled' });
      this.dialFailed(err, inst, socket);
    });
  }

  /** Maps a failed dial onto the client's HTTP answer (docs/gateway.md lists them). */
  private dialFailed(err: unknown, inst: Instance, socket: Duplex): void {
    const e = err instanceof DialError ? err : new DialError('DIAL_NETWORK', String(err), { stage: 'connect' });
    if (e.code === 'DIAL_ABORTED') return;
    const details = { dialCode: e.code, instance: inst.url };
    if (e.code === 'DIAL_TIMEOUT') {
      this.balancer.failed(inst);
      return this.refuse(socket, 504, { code: ErrorCode.GatewayUpstreamTimeout, message: `the upstream did not complete its handshake within ${this.config.connectTimeoutMs} ms`, details });
    }
    if (e.code === 'DIAL_HANDSHAKE_REJECTED' && e.response) {
      const st = e.response.status;
      if (st >= 500) this.balancer.failed(inst);
      const status = st >= 400 && st < 500 ? st : 502;
      const extra: Record<string, string> = {};
      const auth = e.response.headers['www-authenticate'];
      if (typeof auth === 'string' && !/[\r\n]/.test(auth)) extra['WWW-Authenticate'] = auth;
      return this.refuse(socket, status, { code: ErrorCode.GatewayUpstreamRejected, message: `the upstream refused the upgrade with HTTP ${st}`, details: { ...details, upstreamStatus: st } }, extra);
    }
    this.balancer.failed(inst);
    this.refuse(socket, 502, { code: ErrorCode.GatewayUpstreamUnreachable, message: `the upstream could not be reached: ${e.message}`, details });
  }

  private forget(s: GatewaySession): void {
    this.sessions.delete(s.id);
    if (s.opened) {
      const leg = (l: GatewaySession['client']) => ({ code: l.closeCode, reason: l.closeReason });
      this.deps.emit({ type: 'gateway.session.closed', id: s.id, route: this.name, client: leg(s.client), upstream: leg(s.upstream) });
    }
    if (this.sessions.size === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  /** One idle check per route (not a timer per session); it runs only while sessions exist. */
  private arm(): void {
    if (this.ticker) return;
    const every = Math.max(50, Math.min(1000, Math.floor(this.config.idleTimeoutMs / 4)));
    this.ticker = setInterval(() => this.tick(), every);
    this.ticker.unref();
  }

  private tick(now = Date.now()): void {
    const limit = this.config.idleTimeoutMs;
    for (const s of this.sessions.values()) {
      if (s.state === 'open' && now - s.lastActivity >= limit) s.close(4030, `gateway: idle for ${limit} ms`);
    }
  }

  /** Closes every session (or those given) on both legs and resolves when they are gone or cut. */
  async closeSessions(code: number, reason: string, only: readonly GatewaySession[] = [...this.sessions.values()]): Promise<number> {
    for (const s of only) s.close(code, reason);
    await Promise.all(only.map((s) => s.whenGone()));
    return only.length;
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }
}
