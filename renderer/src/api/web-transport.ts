import { WebServerFrameSchema, type CallResult, type WebClientFrame } from '../../../protocol/console/contract';
import { ErrorCode } from '../../../protocol/errors';
import { CloseCode } from '../../../protocol/close-codes';
import { fullJitterDelay } from '../../../common/backoff';
import { Lifecycle, type TransitionTable } from '../../../common/lifecycle';
import type { LinkFailure, LinkState, LinkStatus, Transport } from './transport';

export interface WebTransportOptions {
  /** ws://host/contract?token=… */
  url: string;
  /** The token the URL carries ('' when the page had none), to tell "missing" from "invalid". */
  token?: string;
  /** First reconnect delay ceiling; doubles up to maxDelayMs, with full jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /**
   * A call made before the first connect waits this long for it; a call in flight this long fails
   * with SB_ERR_TIMEOUT (the core's own invoke timeout is shorter).
   */
  callTimeoutMs?: number;
  /** Injected for tests; defaults to the browser's WebSocket. */
  createSocket?: (url: string) => WebSocket;
  random?: () => number;
  now?: () => number;
}

export const WEB_TRANSPORT_DEFAULTS = { initialDelayMs: 250, maxDelayMs: 5000, callTimeoutMs: 90_000 } as const;

/** Every legal move of the link; anything else is a bug and throws. */
export const LINK_TRANSITIONS: TransitionTable<LinkState> = {
  connecting: ['connected', 'reconnecting', 'failed', 'closed'],
  connected: ['reconnecting', 'failed', 'closed'],
  // reconnecting → reconnecting: another attempt failed (new reason, new next retry).
  reconnecting: ['connected', 'reconnecting', 'failed', 'closed'],
  failed: ['closed'],
  closed: [],
};

interface Pending {
  resolve: (r: CallResult) => void;
  timer: ReturnType<typeof setTimeout>;
  frame: string;
  sent: boolean;
}

/** WebSocket.OPEN, spelled out so this module loads where no WebSocket global exists (unit tests). */
const OPEN = 1;

/** The console's own backend (web host / core) is gone: not the server's fault, not the client's. */
export const BACKEND_UNREACHABLE = 'console backend unreachable';

const fail = (code: string, message: string, details?: unknown): CallResult => ({ ok: false, error: { code, message, ...(details !== undefined ? { details } : {}) } });
const unreachable = (why: string): CallResult => fail(ErrorCode.Unavailable, `${BACKEND_UNREACHABLE}: ${why}`, { source: 'console-link' });

/**
 * The loopback web host transport: one WebSocket carrying WebClientFrame/WebServerFrame envelopes,
 * its link an explicit state machine (LINK_TRANSITIONS). Calls made before the first connect wait
 * for it; once the link has been lost, calls in flight and new calls fail at once with
 * SB_ERR_UNAVAILABLE "console backend unreachable" — we cannot know whether the core ran them,
 * and nobody should wait 90 s to learn the backend is gone. A 4401 close (token missing or not
 * this host's) fails the link for good.
 */
export function createWebTransport(options: WebTransportOptions): Transport & { close(): void } {
  const opts = { ...WEB_TRANSPORT_DEFAULTS, ...options };
  const createSocket = opts.createSocket ?? ((url: string) => new WebSocket(url));
  const now = opts.now ?? Date.now;
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  const linkHandlers = new Set<(s: LinkStatus) => void>();
  const pending = new Map<number, Pending>();
  const lifecycle = new Lifecycle<LinkState, string>('console link', LINK_TRANSITIONS, 'connecting', now);
  let nextId = 1;
  let socket: WebSocket | null = null;
  let attempt = 0;
  let everConnected = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let link: LinkStatus = { state: 'connecting' };

  const move = (to: LinkState, status: Omit<LinkStatus, 'state'>) => {
    lifecycle.to(to, status.reason ?? '');
    link = { state: to, ...status };
    for (const h of [...linkHandlers]) h(link);
  };

  const flushQueued = () => {
    for (const p of pending.values()) {
      if (!p.sent && socket?.readyState === OPEN) {
        socket.send(p.frame);
        p.sent = true;
      }
    }
  };

  const failAll = (result: CallResult) => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.resolve(result);
    }
    pending.clear();
  };

  const tokenFailure = (): LinkFailure => (everConnected ? 'token-expired' : opts.token === '' ? 'token-missing' : 'token-invalid');

  const connect = () => {
    if (lifecycle.is('closed', 'failed')) return;
    const ws = createSocket(opts.url);
    socket = ws;
    // Open is not enough: a page with a bad token is let in only to be closed with 4401. The link
    // is up when the host says `ready`.
    const linked = () => {
      attempt = 0;
      everConnected = true;
      move('connected', {});
      flushQueued();
    };
    ws.onmessage = (ev: MessageEvent) => {
      let json: unknown;
      try {
        json = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      const parsed = WebServerFrameSchema.safeParse(json);
      if (!parsed.success) return;
      const frame = parsed.data;
      switch (frame.kind) {
        case 'ready':
          if (socket === ws && !lifecycle.is('connected')) linked();
          return;
        case 'result': {
          const p = pending.get(frame.id);
          if (!p) return;
          pending.delete(frame.id);
          clearTimeout(p.timer);
          p.resolve(frame.result);
          return;
        }
        case 'event': {
          const set = handlers.get(frame.event);
          if (set) for (const h of [...set]) h(frame.payload);
          return;
        }
        default: {
          const never: never = frame;
          return never;
        }
      }
    };
    // A failed connect is followed by a close event, which is where the link reacts; the error itself
    // carries nothing more. Listening for it also keeps Node's `ws` (used by the tests) from throwing
    // it as an uncaught error and never emitting that close.
    ws.onerror = () => {};
    ws.onclose = (ev: { code: number; reason: string }) => {
      if (socket !== ws) return;
      socket = null;
      if (lifecycle.is('closed')) return;
      const downSince = link.downSince ?? now();
      // 4401: the host says this page's token is wrong; 1008: an older host's way of saying so.
      if (ev.code === CloseCode.ConsoleTokenRejected || ev.code === 1008) {
        const failure = tokenFailure();
        failAll(unreachable(failure === 'token-expired' ? 'the access token is no longer valid' : 'the access token is missing or invalid'));
        move('failed', { failure, reason: ev.reason || 'access token missing or invalid', ...(everConnected ? { downSince } : {}) });
        return;
      }
      const reason = ev.reason || (ev.code === 1006 ? 'connection lost' : `link closed (${ev.code})`);
      // Before the first connect, queued calls keep waiting (the page is still loading); after a
      // loss, nobody waits for a backend that is gone.
      if (everConnected) failAll(unreachable(reason));
      const delayMs = fullJitterDelay(attempt, { initialDelayMs: opts.initialDelayMs, maxDelayMs: opts.maxDelayMs }, opts.random);
      attempt++;
      move('reconnecting', {
        reason,
        downSince,
        nextRetryAt: now() + delayMs,
        attempts: attempt,
      });
      retryTimer = setTimeout(() => {
        retryTimer = null;
        connect();
      }, delayMs);
    };
  };

  connect();

  return {
    get link() {
      return link;
    },
    onLink(h) {
      linkHandlers.add(h);
      return () => linkHandlers.delete(h);
    },
    on(event, handler) {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      set.add(handler);
      return () => {
        set.delete(handler);
      };
    },
    call(method, input) {
      // Down after having been up (or refused): say so now rather than after callTimeoutMs.
      if (lifecycle.is('failed', 'closed') || (everConnected && !lifecycle.is('connected'))) {
        return Promise.resolve(unreachable(link.reason ?? 'not connected'));
      }
      return new Promise<CallResult>((resolve) => {
        const id = nextId++;
        const frame: WebClientFrame = { kind: 'call', id, method, input };
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve(fail(ErrorCode.Timeout, `${method}: no answer from the console core within ${opts.callTimeoutMs} ms`));
        }, opts.callTimeoutMs);
        pending.set(id, { resolve, timer, frame: JSON.stringify(frame), sent: false });
        flushQueued();
      });
    },
    close() {
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      if (!lifecycle.is('closed')) move('closed', { reason: 'transport closed' });
      const ws = socket;
      socket = null;
      ws?.close(1000);
      failAll(fail(ErrorCode.Unavailable, 'transport closed'));
      lifecycle.dispose();
    },
  };
}

/** Reads `#token=…` from the page URL; the host put it there and we never persist it. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get('token');
}
