/**
 * The WebSocket dialer: every outgoing WebSocket of Switchboard is opened here — the probe, the
 * client library, and next the server's outgoing connections and gateway legs.
 *
 *   const { ws, response, protocol } = await dial({ url, headers, subprotocols, auth, tls, proxy }, { signal });
 *   ws.on('message', …); ws.on('error', …); ws.on('close', …);
 *   ws.resume();   // the socket is handed over paused: nothing is read before your listeners exist
 *
 * Options (dial-options.ts) are plain data, merged over DIAL_DEFAULTS; contradictory or malformed
 * ones reject with DIAL_INVALID_OPTIONS before anything is sent. One timer (`handshakeTimeoutMs`)
 * covers DNS, TCP, the proxy CONNECT, TLS and the upgrade. Every failure is one DialError with a
 * stable code (protocol/dial-codes.ts, docs/codes.md), classified in dial-error.ts only. After the
 * promise settles the dialer holds nothing: the caller owns the socket.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { tunnelCreateConnection } from './connect-proxy';
import { classifyDialFailure, dialAborted, dialTimeout, DialError, handshakeRejected, type DialResponse, type DialStage } from './dial-error';
import { resolveDialOptions, type DialOptions } from './dial-options';

export { DialError, DialErrorCode, type DialResponse, type DialStage } from './dial-error';
export { DIAL_DEFAULTS, resolveDialOptions, type DialAuth, type DialOptions, type DialProxy, type DialTls } from './dial-options';

/** Bytes of a rejected upgrade's body kept in DialError.response.body. */
export const DIAL_BODY_SNIPPET_BYTES = 2048;

/** The upgrade request as it goes out (header values unredacted: redact before logging). */
export interface DialRequestInfo {
  /** The URL with `query` appended. */
  url: string;
  headers: Record<string, string | string[] | number>;
  subprotocols: string[];
}

export interface DialHooks {
  /** Rejects the dial with DIAL_ABORTED and tears the attempt down. */
  signal?: AbortSignal;
  /** Sees the upgrade request just before it is sent (for handshake logs). */
  onRequest?(req: DialRequestInfo): void;
}

export interface Dialed {
  /** Open and paused; call `ws.resume()` once your listeners are attached. */
  ws: WebSocket;
  url: string;
  /** The 101 response. */
  response: DialResponse;
  /** The subprotocol the server chose ('' when none). */
  protocol: string;
  extensions: string;
}

const responseOf = (res: IncomingMessage): DialResponse => ({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers });

export function dial(options: DialOptions, hooks: DialHooks = {}): Promise<Dialed> {
  return new Promise<Dialed>((resolve, reject) => {
    let r: ReturnType<typeof resolveDialOptions>;
    try {
      r = resolveDialOptions(options);
    } catch (err) {
      reject(err);
      return;
    }
    if (hooks.signal?.aborted) {
      reject(dialAborted('options'));
      return;
    }
    const { url, target, secure } = r;
    let stage: DialStage = r.proxy ? 'proxy' : 'connect';
    let upgraded = false;
    let upgrade: DialResponse | null = null;
    let rejected: DialResponse | null = null;
    let settled = false;
    let ws: WebSocket;
    const extras: ClientRequest[] = [];

    const teardown = (): void => {
      clearTimeout(timer);
      hooks.signal?.removeEventListener('abort', onAbort);
      ws.removeListener('error', onError);
      ws.removeListener('close', onClose);
      ws.removeListener('upgrade', onUpgrade);
      ws.removeListener('unexpected-response', onUnexpected);
      ws.removeListener('open', onOpen);
    };
    const fail = (err: DialError): void => {
      if (settled) return;
      settled = true;
      teardown();
      // ws may still report the abort we cause; nobody listens any more.
      ws.on('error', () => {});
      for (const req of extras) req.destroy();
      if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.terminate();
      reject(err);
    };

    const onAbort = (): void => fail(dialAborted(stage));
    const timer = setTimeout(() => {
      // A rejection whose body is still arriving is reported as the rejection it is.
      if (rejected) fail(handshakeRejected(target, rejected));
      else fail(dialTimeout(target, r.timeoutMs, stage));
    }, r.timeoutMs);
    const onError = (err: Error): void => fail(classifyDialFailure(err, { target, upgraded, viaProxy: false }));
    const onClose = (): void => fail(classifyDialFailure(new Error('the connection closed during the handshake'), { target, upgraded, viaProxy: false }));
    const onUpgrade = (res: IncomingMessage): void => {
      upgraded = true;
      upgrade = responseOf(res);
    };
    const onUnexpected = (_req: ClientRequest, res: IncomingMessage): void => {
      rejected = responseOf(res);
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (): void => {
        res.removeAllListeners('data');
        if (rejected) fail(handshakeRejected(target, { ...rejected, body: Buffer.concat(chunks).toString('utf8') }));
      };
      res.on('data', (chunk: Buffer) => {
        const room = DIAL_BODY_SNIPPET_BYTES - size;
        if (room > 0) chunks.push(chunk.subarray(0, room));
        size += chunk.length;
        if (size >= DIAL_BODY_SNIPPET_BYTES) done();
      });
      res.once('end', done);
      res.once('error', done);
      res.once('close', done);
    };
    const onOpen = (): void => {
      if (settled) return;
      settled = true;
      teardown();
      // Messages may already be buffered behind the 101: hold them until the caller listens.
      ws.pause();
      resolve({ ws, url: url.toString(), response: upgrade ?? { status: 101, statusText: 'Switching Protocols', headers: {} }, protocol: ws.protocol, extensions: ws.extensions });
    };

    const wsOptions: WebSocket.ClientOptions = {
      ...r.wsOptions,
      finishRequest: (req: ClientRequest) => {
        req.once('socket', (sock: Socket) => {
          const encrypted = 'encrypted' in sock;
          const connected = (): void => {
            if (stage === 'connect' || stage === 'proxy') stage = encrypted ? 'tls' : 'handshake';
          };
          if (sock.connecting) sock.once('connect', connected);
          else connected();
          if (encrypted) sock.once('secureConnect', () => (stage = 'handshake'));
        });
        try {
          if (hooks.onRequest) {
            // Names as they go on the wire (getHeaders() would lower-case them).
            const headers: DialRequestInfo['headers'] = {};
            for (const name of req.getRawHeaderNames()) headers[name] = req.getHeader(name) as string | string[] | number;
            hooks.onRequest({ url: url.toString(), headers, subprotocols: r.protocols });
          }
        } finally {
          req.end();
        }
      },
    };
    if (r.proxy) {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      (wsOptions as Record<string, unknown>).createConnection = tunnelCreateConnection({
        proxy: r.proxy.url,
        authorization: r.proxy.authorization,
        host,
        port: Number(url.port || (secure ? 443 : 80)),
        tls: r.tls,
        secure,
        track: (req) => extras.push(req),
      });
    }
    try {
      ws = new WebSocket(url, r.protocols, wsOptions);
    } catch (err) {
      clearTimeout(timer);
      // What ws or http refuses synchronously is an option problem (validated above, so rare).
      reject(new DialError('DIAL_INVALID_OPTIONS', `invalid options: ${(err as Error).message}`, { stage: 'options' }));
      return;
    }
    ws.on('error', onError);
    ws.on('close', onClose);
    ws.on('upgrade', onUpgrade);
    ws.on('unexpected-response', onUnexpected);
    ws.on('open', onOpen);
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
