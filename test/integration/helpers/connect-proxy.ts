import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';

export interface TestProxy {
  url: string;
  /** CONNECT targets asked for, in order. */
  targets: string[];
  /** Proxy-Authorization of each CONNECT ('' when absent). */
  auths: string[];
  close(): Promise<void>;
}

/**
 * A tiny HTTP CONNECT proxy on 127.0.0.1, port 0. With `requireAuth`, a CONNECT without that exact
 * Proxy-Authorization is answered 407; `refuse` answers every CONNECT with that status.
 */
export async function startConnectProxy(opts: { requireAuth?: string; refuse?: number } = {}): Promise<TestProxy> {
  const targets: string[] = [];
  const auths: string[] = [];
  const sockets = new Set<Socket>();
  const proxy: HttpServer = createHttpServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('error', () => client.destroy());
    targets.push(req.url ?? '');
    const auth = req.headers['proxy-authorization'] ?? '';
    auths.push(auth);
    if (opts.refuse) {
      client.end(`HTTP/1.1 ${opts.refuse} Refused\r\nX-Proxy: test\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (opts.requireAuth !== undefined && auth !== opts.requireAuth) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = splitHostPort(req.url ?? '');
    const upstream = netConnect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    targets,
    auths,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => r());
      }),
  };
}

function splitHostPort(authority: string): [string, number] {
  const m = /^\[(.+)\]:(\d+)$/.exec(authority) ?? /^([^:]+):(\d+)$/.exec(authority);
  return m ? [m[1]!, Number(m[2])] : [authority, 80];
}
