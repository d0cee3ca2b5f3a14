import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, DIAL_BODY_SNIPPET_BYTES, DialError, type Dialed, type DialRequestInfo } from '../../../../common/node/dialer';
import { makeTestCerts, startWss, type TestCerts } from '../../helpers/tls-certs';
import { startConnectProxy } from '../../helpers/connect-proxy';

let certs: TestCerts;
beforeAll(() => {
  certs = makeTestCerts();
});
afterAll(() => certs.remove());

/** A plain ws server on port 0 that records each upgrade request and greets right after the 101. */
async function startWs(opts: ConstructorParameters<typeof WebSocketServer>[0] = {}) {
  const requests: IncomingMessage[] = [];
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', ...opts });
  wss.on('connection', (ws, req) => {
    requests.push(req);
    // Sent in the same tick as the 101: a dialer that resolves late would lose it.
    ws.send('hello-first');
    ws.on('message', (d) => ws.send(`echo ${d.toString()}`));
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/path`,
    port,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}

const failure = async (p: Promise<unknown>): Promise<DialError> => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DialError);
  return err as DialError;
};

const nextMessage = (ws: WebSocket): Promise<string> => new Promise((r) => ws.once('message', (d) => r(d.toString())));

async function closeDialed(d: Dialed): Promise<void> {
  const closed = new Promise<void>((r) => d.ws.once('close', () => r()));
  // A paused socket never reads the server's close frame.
  d.ws.resume();
  d.ws.close(1000);
  await closed;
}

describe('dial: plain ws', () => {
  it('sends query, headers, subprotocols, origin and auth; hands the socket over paused so the first message is kept', async () => {
    const srv = await startWs({ handleProtocols: (p) => (p.has('v2') ? 'v2' : false) });
    try {
      const seen: DialRequestInfo[] = [];
      const d = await dial(
        { url: `${srv.url}?a=1`, query: [['b', 'x y'], ['b', '2']], headers: { 'X-Trace': 't-1' }, subprotocols: ['v1', 'v2'], origin: 'https://app.test', auth: { type: 'bearer', token: 'tok' } },
        { onRequest: (r) => seen.push(r) },
      );
      expect(d.protocol).toBe('v2');
      expect(d.response.status).toBe(101);
      expect(d.ws.isPaused).toBe(true);
      const req = srv.requests[0]!;
      expect(req.url).toBe('/path?a=1&b=x+y&b=2');
      expect(req.headers).toMatchObject({ 'x-trace': 't-1', origin: 'https://app.test', authorization: 'Bearer tok', 'sec-websocket-protocol': 'v1,v2' });
      expect(seen[0]).toMatchObject({ url: `${srv.url}?a=1&b=x+y&b=2`, subprotocols: ['v1', 'v2'] });
      expect(seen[0]!.headers).toMatchObject({ Authorization: 'Bearer tok', 'X-Trace': 't-1', Upgrade: 'websocket' });
      const first = nextMessage(d.ws);
      d.ws.resume();
      expect(await first).toBe('hello-first');
      await closeDialed(d);
    } finally {
      await srv.close();
    }
  });

  it('sends Basic and API-key auth', async () => {
    const srv = await startWs();
    try {
      await closeDialed(await dial({ url: srv.url, auth: { type: 'basic', username: 'u', password: 'p:w' } }));
      await closeDialed(await dial({ url: srv.url, auth: { type: 'api-key', header: 'X-API-Key', value: 'k-1' } }));
      expect(srv.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('u:p:w').toString('base64')}`);
      expect(srv.requests[1]!.headers['x-api-key']).toBe('k-1');
      expect(srv.requests[1]!.headers.authorization).toBeUndefined();
    } finally {
      await srv.close();
    }
  });

  it('reports a rejected upgrade with its status, headers and a bounded body snippet', async () => {
    const srv = await startWs({ verifyClient: (_i, cb) => cb(false, 401, 'no token here', { 'X-Why': 'missing' }) });
    const big: HttpServer = createHttpServer();
    big.on('upgrade', (_req, socket: Socket) => {
      const body = 'x'.repeat(10_000);
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    });
    await new Promise<void>((r) => big.listen(0, '127.0.0.1', () => r()));
    try {
      const e = await failure(dial({ url: srv.url }));
      expect(e.code).toBe('DIAL_HANDSHAKE_REJECTED');
      expect(e.stage).toBe('handshake');
      expect(e.message).toBe('handshake rejected: HTTP 401 Unauthorized');
      expect(e.response).toMatchObject({ status: 401, statusText: 'Unauthorized', body: 'no token here' });
      expect(e.response?.headers['x-why']).toBe('missing');
      const e2 = await failure(dial({ url: `ws://127.0.0.1:${(big.address() as AddressInfo).port}/` }));
      expect(e2.code).toBe('DIAL_HANDSHAKE_REJECTED');
      expect(e2.response?.status).toBe(403);
      expect(e2.response?.body).toBe('x'.repeat(DIAL_BODY_SNIPPET_BYTES));
    } finally {
      await srv.close();
      big.closeAllConnections();
      await new Promise<void>((r) => big.close(() => r()));
    }
  });

  it('reports a 101 that breaks the handshake rules as DIAL_HANDSHAKE_INVALID', async () => {
    const liar: HttpServer = createHttpServer();
    const upgraded = new Set<Socket>();
    liar.on('upgrade', (_req, socket: Socket) => upgraded.add(socket).add(socket) && socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: wrong\r\n\r\n'));
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', () => r()));
    try {
      const e = await failure(dial({ url: `ws://127.0.0.1:${(liar.address() as AddressInfo).port}/` }));
      expect(e.code).toBe('DIAL_HANDSHAKE_INVALID');
      expect(e.message).toContain('Sec-WebSocket-Accept');
    } finally {
      for (const s of upgraded) s.destroy();
      await new Promise<void>((r) => liar.close(() => r()));
    }
  });

  it('times out a handshake that is never answered, after handshakeTimeoutMs', async () => {
    const sockets = new Set<Socket>();
    const tcp: TcpServer = createTcpServer((s) => {
      sockets.add(s);
      s.resume();
    });
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
    try {
      const t0 = performance.now();
      const e = await failure(dial({ url: `ws://127.0.0.1:${(tcp.address() as AddressInfo).port}/`, handshakeTimeoutMs: 300 }));
      expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
      expect(e.code).toBe('DIAL_TIMEOUT');
      expect(e.stage).toBe('handshake');
      expect(e.message).toMatch(/handshake has timed out after 300 ms/);
      // The dialer let go of the socket it opened.
      await new Promise<void>((r) => setImmediate(r));
      const [s] = [...sockets];
      await new Promise<void>((r) => (s!.closed ? r() : s!.once('close', () => r())));
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => tcp.close(() => r()));
    }
  });

  it('reports refused connections and unknown hosts', async () => {
    const tcp: TcpServer = createTcpServer();
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
    const port = (tcp.address() as AddressInfo).port;
    await new Promise<void>((r) => tcp.close(() => r()));
    const refused = await failure(dial({ url: `ws://127.0.0.1:${port}/` }));
    expect(refused).toMatchObject({ code: 'DIAL_REFUSED', stage: 'connect', underlyingCode: 'ECONNREFUSED' });
    const dns = await failure(dial({ url: 'ws://no-such-host.invalid/', handshakeTimeoutMs: 8000 }));
    expect(dns.code).toBe('DIAL_DNS');
    expect(dns.message).toContain('no-such-host.invalid');
  });

  it('aborts when the signal fires, and rejects contradictory options before connecting', async () => {
    const sockets = new Set<Socket>();
    const tcp: TcpServer = createTcpServer((s) => {
      sockets.add(s);
      s.resume();
    });
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
    try {
      const ac = new AbortController();
      const p = dial({ url: `ws://127.0.0.1:${(tcp.address() as AddressInfo).port}/` }, { signal: ac.signal });
      await new Promise<void>((r) => tcp.once('connection', () => r()));
      ac.abort();
      expect((await failure(p)).code).toBe('DIAL_ABORTED');
      const bad = await failure(dial({ url: 'ws://127.0.0.1:1/', headers: { Authorization: 'x' }, auth: { type: 'bearer', token: 't' } }));
      expect(bad).toMatchObject({ code: 'DIAL_INVALID_OPTIONS', field: 'headers.Authorization' });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => tcp.close(() => r()));
    }
  });
});

describe('dial: TLS and mTLS', () => {
  it('fails on an untrusted certificate, trusts a given CA, and accepts anything when insecure', async () => {
    const srv = await startWss({ key: certs.pem('server.key'), cert: certs.pem('server.crt') });
    const self = await startWss({ key: certs.pem('self.key'), cert: certs.pem('self.crt') });
    try {
      const untrusted = await failure(dial({ url: srv.url }));
      expect(untrusted.code).toBe('DIAL_TLS');
      expect(untrusted.stage).toBe('tls');
      expect(untrusted.underlyingCode).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
      const ok = await dial({ url: srv.url, tls: { ca: certs.pem('ca.crt') } });
      const echo = nextMessage(ok.ws);
      ok.ws.resume();
      ok.ws.send('tls');
      expect(await echo).toBe('echo tls');
      await closeDialed(ok);
      const wrongName = await failure(dial({ url: srv.url, tls: { ca: certs.pem('ca.crt'), servername: 'elsewhere.test' } }));
      expect(wrongName.code).toBe('DIAL_TLS');
      expect(wrongName.underlyingCode).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
      expect((await failure(dial({ url: self.url }))).underlyingCode).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      await closeDialed(await dial({ url: self.url, tls: { insecure: true } }));
    } finally {
      await srv.close();
      await self.close();
    }
  });

  it('presents a client certificate (plain and passphrase-protected key) for mTLS', async () => {
    const srv = await startWss({ key: certs.pem('server.key'), cert: certs.pem('server.crt'), ca: certs.pem('ca.crt'), requestCert: true });
    try {
      const without = await failure(dial({ url: srv.url, tls: { ca: certs.pem('ca.crt') } }));
      // TLS 1.3: the server's "certificate required" alert arrives as the upgrade goes out.
      expect(without.code).toBe('DIAL_TLS');
      expect(without.message).toMatch(/certificate required \(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED\)$/);
      expect(srv.seenClients).toEqual([]);
      await closeDialed(await dial({ url: srv.url, tls: { ca: certs.pem('ca.crt'), cert: certs.pem('client.crt'), key: certs.pem('client.key') } }));
      await closeDialed(await dial({ url: srv.url, tls: { ca: certs.pem('ca.crt'), cert: certs.pem('client.crt'), key: certs.pem('client-enc.key'), passphrase: certs.passphrase } }));
      expect(srv.seenClients).toEqual(['probe-client', 'probe-client']);
      const wrongPass = await failure(dial({ url: srv.url, tls: { ca: certs.pem('ca.crt'), cert: certs.pem('client.crt'), key: certs.pem('client-enc.key'), passphrase: 'nope' } }));
      expect(wrongPass.code).toBe('DIAL_TLS');
    } finally {
      await srv.close();
    }
  });
});

describe('dial: HTTP CONNECT proxy', () => {
  it('tunnels ws:// and wss:// with proxy auth; the target never sees the proxy credentials', async () => {
    const auth = `Basic ${Buffer.from('pu:pp').toString('base64')}`;
    const proxy = await startConnectProxy({ requireAuth: auth });
    const plain = await startWs();
    const secure = await startWss({ key: certs.pem('server.key'), cert: certs.pem('server.crt') });
    try {
      const a = await dial({ url: plain.url, proxy: { url: proxy.url, username: 'pu', password: 'pp' } });
      const first = nextMessage(a.ws);
      a.ws.resume();
      expect(await first).toBe('hello-first');
      await closeDialed(a);
      expect(plain.requests[0]!.headers['proxy-authorization']).toBeUndefined();
      const b = await dial({ url: secure.url, proxy: { url: proxy.url, username: 'pu', password: 'pp' }, tls: { ca: certs.pem('ca.crt') } });
      const echo = nextMessage(b.ws);
      b.ws.resume();
      b.ws.send('x');
      expect(await echo).toBe('echo x');
      await closeDialed(b);
      expect(proxy.targets).toEqual([`127.0.0.1:${plain.port}`, `127.0.0.1:${secure.port}`]);
      expect(proxy.auths).toEqual([auth, auth]);
    } finally {
      await proxy.close();
      await plain.close();
      await secure.close();
    }
  });

  it('reports a proxy that refuses (407, 403) and one that is not there', async () => {
    const needsAuth = await startConnectProxy({ requireAuth: 'Basic x' });
    const forbidding = await startConnectProxy({ refuse: 403 });
    try {
      const e = await failure(dial({ url: 'ws://127.0.0.1:9/', proxy: { url: needsAuth.url } }));
      expect(e).toMatchObject({ code: 'DIAL_PROXY_REFUSED', stage: 'proxy' });
      expect(e.response?.status).toBe(407);
      expect(e.message).toContain('proxy authentication required');
      const f = await failure(dial({ url: 'wss://127.0.0.1:9/', proxy: { url: forbidding.url } }));
      expect(f.code).toBe('DIAL_PROXY_REFUSED');
      expect(f.response).toMatchObject({ status: 403 });
      expect(f.response?.headers['x-proxy']).toBe('test');
    } finally {
      await needsAuth.close();
      await forbidding.close();
    }
    const gone = await failure(dial({ url: 'ws://127.0.0.1:9/', proxy: { url: needsAuth.url } }));
    expect(gone).toMatchObject({ code: 'DIAL_REFUSED', stage: 'proxy' });
  });
});
