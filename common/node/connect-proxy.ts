import { request as httpRequest, type ClientRequest } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { classifyDialFailure, proxyRefused } from './dial-error';

export interface TunnelOptions {
  proxy: URL;
  /** `Proxy-Authorization` value, or null. */
  authorization: string | null;
  /** The WebSocket server: host (IPv6 without brackets) and port. */
  host: string;
  port: number;
  /** wss: TLS runs inside the tunnel with these options. */
  tls: ConnectionOptions | null;
  secure: boolean;
  /** Called with the CONNECT request, so the dialer can destroy it on timeout or abort. */
  track(req: ClientRequest): void;
}

type Callback = (err: Error | null, socket?: Socket) => void;

/**
 * A `createConnection` for http(s).request that opens the socket through an HTTP CONNECT tunnel:
 * ws hands every option to the request, and an asynchronous createConnection lets the socket come
 * from the proxy. Failures come back as DialErrors with stage `proxy`.
 */
export function tunnelCreateConnection(t: TunnelOptions): (opts: unknown, cb: Callback) => undefined {
  return (_opts, cb) => {
    const authority = `${isIP(t.host) === 6 ? `[${t.host}]` : t.host}:${t.port}`;
    const req = httpRequest({
      host: t.proxy.hostname.replace(/^\[|\]$/g, ''),
      port: Number(t.proxy.port || 80),
      method: 'CONNECT',
      path: authority,
      headers: { Host: authority, ...(t.authorization ? { 'Proxy-Authorization': t.authorization } : {}) },
    });
    t.track(req);
    let done = false;
    const finish = (err: Error | null, socket?: Socket): void => {
      if (done) return;
      done = true;
      cb(err, socket);
    };
    req.once('connect', (res, socket) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        socket.destroy();
        finish(proxyRefused(authority, { status, statusText: res.statusMessage ?? '', headers: res.headers }));
        return;
      }
      if (!t.secure) return finish(null, socket);
      const servername = t.tls?.servername ?? (isIP(t.host) ? undefined : t.host);
      finish(null, tlsConnect({ ...(t.tls ?? {}), socket, ...(servername ? { servername } : {}) }));
    });
    // A proxy that answers CONNECT with a plain response (no tunnel) ends here too.
    req.once('response', (res) => {
      res.resume();
      finish(proxyRefused(authority, { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers }));
    });
    req.once('error', (err) => finish(classifyDialFailure(err, { target: `${t.proxy.host}`, upgraded: false, viaProxy: true })));
    req.end();
    return undefined;
  };
}
