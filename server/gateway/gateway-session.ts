import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { Lifecycle, type TransitionTable } from '../../common/lifecycle';
import { CloseCode } from '../../protocol/close-codes';
import type { GatewayMode, GatewaySession as GatewaySessionInfo, LegState } from '../../protocol/gateway';
import type { Instance } from './balancer';
import { closeFrame, FrameCursor } from './raw-frames';

const LEG_TABLE: TransitionTable<LegState> = {
  connecting: ['open', 'closed'],
  open: ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

/** Reasons a leg closes with when its peer vanished without a Close frame (docs/codes.md). */
export const UPSTREAM_LOST_REASON = 'gateway: upstream connection lost';
export const CLIENT_LOST_REASON = 'gateway: client connection lost';

/** One side of a routed session: its lifecycle and counters. */
class Leg {
  readonly life: Lifecycle<LegState>;
  frames = 0;
  bytes = 0;
  paused = false;
  closeCode: number | null = null;
  closeReason: string | null = null;
  constructor(name: string) {
    this.life = new Lifecycle<LegState>(name, LEG_TABLE, 'connecting');
  }
}

/** ws refuses to send 1004–1006 and 1015 (they only describe what happened locally). */
const wsSendable = (code: number): boolean => (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);

/**
 * The close to forward for a close received on the other leg: the same code and reason when it
 * can be sent; no code for 1005 (none was given); `lost` when the peer vanished (1006/1015).
 */
export function forwardedClose(code: number, reason: string, lost: readonly [number, string]): [number, string] | [] {
  if (code === 1005) return [];
  if (code === 1006 || code === 1015) return [lost[0], lost[1]];
  if (wsSendable(code)) return [code, reason];
  return [CloseCode.InternalError, reason];
}

const socketOf = (ws: WebSocket): Socket => (ws as unknown as { _socket: Socket })._socket;

export interface SessionInit {
  id: string;
  node: string;
  route: string;
  mode: GatewayMode;
  clientAddress: string;
  clientPort: number;
  forwardedFor: string | null;
  path: string;
  upstreamUrl: string;
  instance: Instance;
  maxBufferedBytes: number;
  closeTimeoutMs: number;
  /** Called once, when both legs are closed: the owner forgets the session. */
  onGone(s: GatewaySession): void;
}

/**
 * A routed session: the client leg (we are its server) and the upstream leg (we are its client),
 * each a Lifecycle. It exists from the moment the upstream is dialled (state `dialing`) until both
 * legs are closed, then it releases everything and tells its owner — nothing is kept afterwards.
 */
export class GatewaySession {
  readonly client = new Leg('gateway client leg');
  readonly upstream = new Leg('gateway upstream leg');
  readonly openedAt = Date.now();
  lastActivity = this.openedAt;
  subprotocol = '';
  private clientWs: WebSocket | null = null;
  private upstreamWs: WebSocket | null = null;
  private clientSock: Socket | null = null;
  private upstreamSock: Socket | null = null;
  private toClient: FrameCursor | null = null;
  private toUpstream: FrameCursor | null = null;
  private killTimer: NodeJS.Timeout | null = null;
  private gone = false;
  /** Both legs were open once (a refused upgrade never is). */
  opened = false;
  private waiters: (() => void)[] | null = null;
  /** Set while the upstream is being dialled: cancels the dial. */
  abortDial: (() => void) | null = null;

  constructor(readonly init: SessionInit) {
    init.instance.sessions++;
    init.instance.sessionsTotal++;
  }

  get id(): string {
    return this.init.id;
  }

  get state(): 'dialing' | 'open' | 'closing' | 'closed' {
    if (this.gone) return 'closed';
    if (this.upstream.life.is('connecting') || this.client.life.is('connecting')) return 'dialing';
    if (this.client.life.is('open') && this.upstream.life.is('open')) return 'open';
    return 'closing';
  }

  /** The dial failed or the client left during it: nothing was accepted, nothing stays. */
  abandon(reason: string): void {
    this.client.life.tryTo('closed', reason);
    this.upstream.life.tryTo('closed', reason);
    this.finish();
  }

  // ---- frames mode: both legs are ws sockets; messages are parsed, counted and re-sent.

  startFrames(client: WebSocket, upstream: WebSocket): void {
    this.clientWs = client;
    this.upstreamWs = upstream;
    this.subprotocol = upstream.protocol;
    this.opened = true;
    this.client.life.to('open', 'client upgrade completed');
    this.upstream.life.to('open', 'upstream handshake completed');
    this.pump(client, this.client, upstream);
    this.pump(upstream, this.upstream, client);
    client.on('close', (code: number, reason: Buffer) => this.onFramesClose(this.client, code, reason.toString(), upstream, [CloseCode.GatewayClientLost, CLIENT_LOST_REASON]));
    upstream.on('close', (code: number, reason: Buffer) => this.onFramesClose(this.upstream, code, reason.toString(), client, [CloseCode.InternalError, UPSTREAM_LOST_REASON]));
    // 'close' follows every 'error'; the error itself only says why.
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    upstream.resume();
  }

  private pump(from: WebSocket, fromLeg: Leg, to: WebSocket): void {
    const max = this.init.maxBufferedBytes;
    const resume = (): void => {
      if (to.readyState === WebSocket.OPEN && to.bufferedAmount > max) {
        socketOf(to).once('drain', resume);
        return;
      }
      fromLeg.paused = false;
      if (from.readyState === WebSocket.OPEN) from.resume();
    };
    from.on('message', (data: Buffer, isBinary: boolean) => {
      fromLeg.frames++;
      fromLeg.bytes += data.length;
      this.lastActivity = Date.now();
      if (to.readyState !== WebSocket.OPEN) return;
      to.send(data, { binary: isBinary });
      // Backpressure: stop reading this side until the other side's send buffer is under the bound.
      if (!fromLeg.paused && to.bufferedAmount > max) {
        fromLeg.paused = true;
        from.pause();
        socketOf(to).once('drain', resume);
      }
    });
    from.on('ping', (data: Buffer) => {
      this.lastActivity = Date.now();
      if (to.readyState === WebSocket.OPEN) to.ping(data);
    });
    from.on('pong', (data: Buffer) => {
      this.lastActivity = Date.now();
      if (to.readyState === WebSocket.OPEN) to.pong(data);
    });
  }

  private onFramesClose(leg: Leg, code: number, reason: string, other: WebSocket, lost: readonly [number, string]): void {
    leg.closeCode = code;
    leg.closeReason = reason;
    leg.life.tryTo('closed', `closed with ${code}`);
    const otherLeg = leg === this.client ? this.upstream : this.client;
    if (other.readyState === WebSocket.OPEN) {
      const args = forwardedClose(code, reason, lost);
      otherLeg.life.tryTo('closing', `peer closed with ${code}`);
      if (otherLeg.closeCode === null && args.length) {
        otherLeg.closeCode = args[0];
        otherLeg.closeReason = args[1];
      }
      if (args.length) other.close(args[0], args[1]);
      else other.close();
      this.armKill();
    } else if (other.readyState === WebSocket.CLOSED) {
      otherLeg.life.tryTo('closed', 'closed');
    }
    if (this.client.life.is('closed') && this.upstream.life.is('closed')) this.finish();
  }

  // ---- raw mode: after both handshakes the sockets are piped; only frame boundaries are followed.

  startRaw(client: Socket, head: Buffer, upstream: WebSocket, protocol: string): void {
    const up = socketOf(upstream);
    // ws hands the socket over paused with its listeners on it: from here on the bytes are ours.
    for (const ev of ['data', 'end', 'close', 'error', 'drain', 'timeout']) up.removeAllListeners(ev);
    up.setTimeout(0);
    this.clientSock = client;
    this.upstreamSock = up;
    this.subprotocol = protocol;
    this.opened = true;
    this.toClient = new FrameCursor();
    this.toUpstream = new FrameCursor();
    this.client.life.to('open', 'client upgrade completed');
    this.upstream.life.to('open', 'upstream handshake completed');
    client.setNoDelay(true);
    up.setNoDelay(true);
    client.on('error', () => undefined);
    up.on('error', () => undefined);
    const toUp = this.toUpstream;
    const toCl = this.toClient;
    client.on('data', (chunk: Buffer) => {
      this.client.bytes += chunk.length;
      this.lastActivity = Date.now();
      toUp.feed(chunk);
    });
    up.on('data', (chunk: Buffer) => {
      this.upstream.bytes += chunk.length;
      this.lastActivity = Date.now();
      toCl.feed(chunk);
    });
    if (head.length > 0) {
      toUp.feed(head);
      up.write(head);
    }
    // Ends are ours to forward: a peer gone without its Close frame gets one written for it first.
    client.pipe(up, { end: false });
    up.pipe(client, { end: false });
    client.once('end', () => this.onRawEnd(this.client, toUp, up, [CloseCode.GatewayClientLost, CLIENT_LOST_REASON], true));
    up.once('end', () => this.onRawEnd(this.upstream, toCl, client, [CloseCode.InternalError, UPSTREAM_LOST_REASON], false));
    client.once('close', () => this.onRawClose(this.client, toUp, up, [CloseCode.GatewayClientLost, CLIENT_LOST_REASON], true));
    up.once('close', () => this.onRawClose(this.upstream, toCl, client, [CloseCode.InternalError, UPSTREAM_LOST_REASON], false));
    up.resume();
  }

  private onRawEnd(leg: Leg, sent: FrameCursor, other: Socket, lost: readonly [number, string], otherIsUpstream: boolean): void {
    if (other.destroyed || !other.writable) return;
    const otherLeg = leg === this.client ? this.upstream : this.client;
    otherLeg.life.tryTo('closing', 'peer closed');
    if (leg.closeCode === null && sent.sawClose) leg.closeCode = otherLeg.closeCode;
    // Only between frames: a Close frame inside another frame would corrupt the stream.
    if (!sent.sawClose && sent.atBoundary) {
      otherLeg.closeCode = lost[0];
      otherLeg.closeReason = lost[1];
      other.write(closeFrame(lost[0], lost[1], otherIsUpstream));
    }
    other.end();
    // Unpiped streams pause: keep reading so the peer's reply and FIN are seen (and discarded).
    other.resume();
    this.armKill();
  }

  private onRawClose(leg: Leg, sent: FrameCursor, other: Socket, lost: readonly [number, string], otherIsUpstream: boolean): void {
    leg.life.tryTo('closed', sent.sawClose ? 'closed' : 'connection lost');
    // A reset (no FIN) skips 'end'.
    this.onRawEnd(leg, sent, other, lost, otherIsUpstream);
    // The pipe from `other` unpiped (and paused it) as this side closed: read on to see its FIN.
    if (!other.destroyed) other.resume();
    if (other.destroyed) (leg === this.client ? this.upstream : this.client).life.tryTo('closed', 'closed');
    if (this.client.life.is('closed') && this.upstream.life.is('closed')) this.finish();
  }

  // ---- both modes

  /** Resolves once both legs are closed and everything is released. */
  whenGone(): Promise<void> {
    if (this.gone) return Promise.resolve();
    return new Promise((resolve) => (this.waiters ??= []).push(resolve));
  }

  /** Closes both legs with one code and reason (admin disconnect, idle timeout, route removed, shutdown). */
  close(code: number, reason: string): void {
    if (this.gone) return;
    if (this.abortDial) {
      this.abortDial();
      return;
    }
    for (const leg of [this.client, this.upstream]) {
      if (leg.life.is('open')) {
        leg.closeCode = code;
        leg.closeReason = reason;
        leg.life.to('closing', reason);
      }
    }
    if (this.clientWs && this.upstreamWs) {
      if (this.clientWs.readyState === WebSocket.OPEN) this.clientWs.close(code, reason);
      if (this.upstreamWs.readyState === WebSocket.OPEN) this.upstreamWs.close(code, reason);
    } else if (this.clientSock && this.upstreamSock) {
      const c = this.clientSock;
      const u = this.upstreamSock;
      c.unpipe(u);
      u.unpipe(c);
      if (this.toClient!.atBoundary && this.toUpstream!.atBoundary) {
        if (!this.toClient!.sawClose) c.write(closeFrame(code, reason, false));
        if (!this.toUpstream!.sawClose) u.write(closeFrame(code, reason, true));
        // The upstream (a server) closes TCP after its reply; a client waits for us to.
        c.end();
        u.end();
        c.resume();
        u.resume();
      } else {
        // In the middle of a frame a Close frame would corrupt it: cut both connections instead.
        c.destroy();
        u.destroy();
      }
    }
    this.armKill();
  }

  /** A peer that never completes the close handshake is cut after closeTimeoutMs. */
  private armKill(): void {
    if (this.killTimer || this.gone) return;
    this.killTimer = setTimeout(() => {
      this.clientWs?.terminate();
      this.upstreamWs?.terminate();
      this.clientSock?.destroy();
      this.upstreamSock?.destroy();
    }, this.init.closeTimeoutMs);
    this.killTimer.unref();
  }

  private finish(): void {
    if (this.gone) return;
    this.gone = true;
    if (this.killTimer) clearTimeout(this.killTimer);
    this.killTimer = null;
    this.init.instance.sessions--;
    this.client.life.dispose();
    this.upstream.life.dispose();
    this.clientWs = this.upstreamWs = null;
    this.clientSock = this.upstreamSock = null;
    this.init.onGone(this);
    const w = this.waiters;
    this.waiters = null;
    if (w) for (const resolve of w) resolve();
  }

  private buffered(leg: Leg): number {
    if (leg === this.client) return this.clientWs?.bufferedAmount ?? this.clientSock?.writableLength ?? 0;
    return this.upstreamWs?.bufferedAmount ?? this.upstreamSock?.writableLength ?? 0;
  }

  toPublic(): GatewaySessionInfo {
    const leg = (l: Leg) => ({
      state: l.life.state,
      framesIn: this.init.mode === 'frames' ? l.frames : (l === this.client ? this.toUpstream : this.toClient)?.messages ?? 0,
      bytesIn: l.bytes,
      bufferedBytes: this.buffered(l),
      paused: l.paused,
      closeCode: l.closeCode,
      closeReason: l.closeReason,
    });
    const i = this.init;
    return {
      id: i.id,
      node: i.node,
      route: i.route,
      mode: i.mode,
      clientAddress: i.clientAddress,
      clientPort: i.clientPort,
      forwardedFor: i.forwardedFor,
      path: i.path,
      upstreamUrl: i.upstreamUrl,
      instance: i.instance.url,
      subprotocol: this.subprotocol,
      openedAt: new Date(this.openedAt).toISOString(),
      lastActivityAt: new Date(this.lastActivity).toISOString(),
      state: this.state,
      client: leg(this.client),
      upstream: leg(this.upstream),
    };
  }
}
