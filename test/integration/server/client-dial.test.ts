import { connect as netConnect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClientRequestError, SwitchboardClient } from '../../../client/switchboard-client';
import { DialError } from '../../../common/node/dialer';
import { makeTestCerts, type TestCerts } from '../helpers/tls-certs';
import { startConnectProxy } from '../helpers/connect-proxy';
import { channel, startTestServer, type TestServer } from './helpers';

/**
 * The client library opens its socket with the shared dialer: through a real CONNECT proxy, and
 * through a real TLS terminator (openssl-made certificates) in front of a real Switchboard server.
 */
let certs: TestCerts;
beforeAll(() => {
  certs = makeTestCerts();
});
afterAll(() => certs.remove());

/** TLS on 127.0.0.1:0 forwarding plain TCP to `port`; records each client certificate's CN. */
async function startTlsFront(port: number, opts: { requestCert?: boolean } = {}) {
  const sockets = new Set<Socket>();
  const clientCns: string[] = [];
  const front = createTlsServer({ key: certs.pem('server.key'), cert: certs.pem('server.crt'), ca: certs.pem('ca.crt'), requestCert: opts.requestCert ?? false, rejectUnauthorized: opts.requestCert ?? false }, (tls: TLSSocket) => {
    const cn = tls.getPeerCertificate()?.subject?.CN;
    clientCns.push(Array.isArray(cn) ? cn.join(',') : (cn ?? ''));
    const up = netConnect(port, '127.0.0.1');
    sockets.add(tls).add(up);
    tls.pipe(up).pipe(tls);
    up.on('error', () => tls.destroy());
    tls.on('error', () => up.destroy());
  });
  front.on('tlsClientError', () => {});
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
  return {
    port: (front.address() as AddressInfo).port,
    clientCns,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        front.close(() => r());
      }),
  };
}

describe('client library: dial options (proxy, TLS, mTLS, failures)', () => {
  let t: TestServer;
  let url: URL;
  beforeEach(async () => {
    t = await startTestServer({ channels: [channel('main')], security: [], closeTimeoutMs: 500 });
    url = new URL(t.server.channelUrl('main'));
  });
  afterEach(() => t.stop());

  it('connects through an HTTP CONNECT proxy with proxy auth', async () => {
    const auth = `Basic ${Buffer.from('cu:cp').toString('base64')}`;
    const proxy = await startConnectProxy({ requireAuth: auth });
    const c = new SwitchboardClient({ url: url.toString(), clientId: 'via-proxy', reconnect: false, proxy: { url: proxy.url, username: 'cu', password: 'cp' }, headers: { 'X-Trace': 'client-1' }, query: { tenant: 't1' } });
    try {
      const w = await c.connect();
      expect(w.clientId).toBe('via-proxy');
      expect(proxy.targets).toEqual([url.host]);
      expect(proxy.auths).toEqual([auth]);
      expect(await c.request({ ping: 1 })).toEqual({ ping: 1 });
    } finally {
      await c.close();
      await proxy.close();
    }
  });

  it('speaks wss:// with a custom CA and presents a client certificate; an untrusted server fails with DIAL_TLS', async () => {
    const front = await startTlsFront(Number(url.port));
    const mutual = await startTlsFront(Number(url.port), { requestCert: true });
    const wss = (port: number) => `wss://127.0.0.1:${port}${url.pathname}`;
    try {
      const untrusted = new SwitchboardClient({ url: wss(front.port), clientId: 'tls-0', reconnect: false });
      const seen: DialError[] = [];
      untrusted.on('dialError', (e) => seen.push(e));
      const err = await untrusted.connect().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DialError);
      expect((err as DialError).code).toBe('DIAL_TLS');
      expect(seen.map((e) => e.code)).toEqual(['DIAL_TLS']);
      expect(untrusted.state).toBe('disconnected');

      const trusted = new SwitchboardClient({ url: wss(front.port), clientId: 'tls-1', reconnect: false, tls: { ca: certs.pem('ca.crt') } });
      expect((await trusted.connect()).clientId).toBe('tls-1');
      await trusted.close();

      const withCert = new SwitchboardClient({ url: wss(mutual.port), clientId: 'tls-2', reconnect: false, tls: { ca: certs.pem('ca.crt'), cert: certs.pem('client.crt'), key: certs.pem('client-enc.key'), passphrase: certs.passphrase } });
      expect((await withCert.connect()).clientId).toBe('tls-2');
      await withCert.close();
      expect(mutual.clientCns).toEqual(['probe-client']);
    } finally {
      await front.close();
      await mutual.close();
    }
  });

  it('rejects connect() with the dial failure (refused, contradictory options), and close() cancels a hanging connect', async () => {
    const tcp: TcpServer = createTcpServer();
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
    const freePort = (tcp.address() as AddressInfo).port;
    await new Promise<void>((r) => tcp.close(() => r()));
    const refused = new SwitchboardClient({ url: `ws://127.0.0.1:${freePort}/main`, clientId: 'x', reconnect: false });
    expect(await refused.connect().catch((e: unknown) => (e as DialError).code)).toBe('DIAL_REFUSED');

    // Reconnect is on, but options the dialer refuses would be refused again: no retry.
    const contradictory = new SwitchboardClient({ url: url.toString(), clientId: 'y', headers: { Authorization: 'a' }, auth: { type: 'bearer', token: 'b' } });
    expect(await contradictory.connect().catch((e: unknown) => (e as DialError).field)).toBe('headers.Authorization');
    expect(contradictory.state).toBe('disconnected');

    const sockets = new Set<Socket>();
    const hang: TcpServer = createTcpServer((s) => {
      sockets.add(s);
      s.resume();
    });
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    try {
      const c = new SwitchboardClient({ url: `ws://127.0.0.1:${(hang.address() as AddressInfo).port}/main`, clientId: 'z', handshakeTimeoutMs: 60_000 });
      const connecting = c.connect();
      await new Promise<void>((r) => hang.once('connection', () => r()));
      expect(c.state).toBe('connecting');
      await c.close();
      expect(c.state).toBe('disconnected');
      await expect(connecting).rejects.toBeInstanceOf(ClientRequestError);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => hang.close(() => r()));
    }
  });
});
