import { WebServerFrameSchema, type CallResult, type WebClientFrame } from '../../../protocol/console/contract';
import { ErrorCode } from '../../../protocol/errors';
import type { LinkStatus, Transport } from './transport';

export interface WebTransportOptions {
  /** ws://host/contract?token=… */
  url: string;
  /** First reconnect delay; doubles up to maxDelayMs, with full jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A call still unanswered after this long fails with SB_ERR_TIMEOUT (the core's own invoke timeout is shorter). */
  callTimeoutMs?: number;
  /** Injected for tests; defaults to the browser's WebSocket. */
  createSocket?: (url: string) => WebSocket;
}

export const WEB_TRANSPORT_DEFAULTS = { initialDelayMs: 250, maxDelayMs: 5000, callTimeoutMs: 90_000 } as const;

interface Pending {
  resolve: (r: CallResult) => void;
  timer: ReturnType<typeof setTimeout>;
  frame: string;
  sent: boolean;
}

/** WebSocket.OPEN, spelled out so this module loads where no WebSocket global exists (unit tests). */
const OPEN = 1;

const fail = (code: string, message: string): CallResult => ({ ok: false, error: { code, message } });

/**
 * The loopback web host transport: one WebSocket carrying WebClientFrame/WebServerFrame envelopes.
 * Calls made while the socket is down wait for it (up to callTimeoutMs); calls in flight when it
 * drops fail with SB_ERR_UNAVAILABLE, because we cannot know whether the core ran them.
 */
export function createWebTransport(options: WebTransportOptions): Transport & { close(): void } {
  const opts = { ...WEB_TRANSPORT_DEFAULTS, ...options };
  const createSocket = opts.createSocket ?? ((url: string) => new WebSocket(url));
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  const linkHandlers = new Set<(s: LinkStatus) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let attempt = 0;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let link: LinkStatus = { state: 'connecting' };

  const setLink = (next: LinkStatus) => {
    link = next;
    for (const h of linkHandlers) h(next);
  };

  const flushQueued = () => {
    for (const p of pending.values()) {
      if (!p.sent && socket?.readyState === OPEN) {
        socket.send(p.frame);
        p.sent = true;
      }
    }
  };

  const connect = () => {
    if (closed) return;
    const ws = createSocket(opts.url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setLink({ state: 'connected' });
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
    ws.onclose = (ev: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      for (const [id, p] of pending) {
        if (!p.sent) continue;
        pending.delete(id);
        clearTimeout(p.timer);
        p.resolve(fail(ErrorCode.Unavailable, 'the link to the console core dropped before it answered'));
      }
      if (closed) return;
      // 1008 = the host refused our token or origin: retrying cannot help.
      if (ev.code === 1008) {
        setLink({ state: 'failed', reason: ev.reason || 'the console host refused this page (bad or missing token)' });
        return;
      }
      const ceiling = Math.min(opts.maxDelayMs, opts.initialDelayMs * 2 ** attempt);
      attempt++;
      setLink({ state: 'reconnecting', reason: ev.reason || `link closed (${ev.code})` });
      retryTimer = setTimeout(connect, Math.random() * ceiling);
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
      return new Promise<CallResult>((resolve) => {
        const id = nextId++;
        const frame: WebClientFrame = { kind: 'call', id, method, input };
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve(fail(ErrorCode.Timeout, `${method}: no answer from the console core within ${opts.callTimeoutMs} ms`));
        }, opts.callTimeoutMs);
        const p: Pending = { resolve, timer, frame: JSON.stringify(frame), sent: false };
        pending.set(id, p);
        flushQueued();
      });
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      socket?.close(1000);
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.resolve(fail(ErrorCode.Unavailable, 'transport closed'));
      }
      pending.clear();
    },
  };
}

/** Reads `#token=…` from the page URL; the host put it there and we never persist it. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get('token');
}
