import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Harness, startWsServer } from './harness';

/** Certificates made with the openssl CLI for this run: a CA, a server cert it signed, a client cert, and a self-signed one. */
const dir = mkdtempSync(join(tmpdir(), 'probe-tls-'));
const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const pem = (f: string) => readFileSync(join(dir, f), 'utf8');

beforeAll(() => {
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Probe Test CA');
  ssl('req', ...EC, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext');
  ssl('req', ...EC, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=probe-client');
  ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '2');
  ssl('req', '-x509', ...EC, '-keyout', 'self.key', '-out', 'self.crt', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function startWss(opts: { key: string; cert: string; ca?: string; requestCert?: boolean }): Promise<{ url: string; seenClients: string[]; close(): Promise<void> }> {
  const server: HttpsServer = createHttpsServer({ ...opts, rejectUnauthorized: opts.requestCert ?? false });
  const wss = new WebSocketServer({ server });
  const seenClients: string[] = [];
  wss.on('connection', (ws, req) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const cn = peer?.subject?.CN;
    seenClients.push(Array.isArray(cn) ? cn.join(',') : (cn ?? ''));
    ws.on('message', (d) => ws.send(`echo ${d.toString()}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `wss://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    seenClients,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('probe TLS, mTLS and HTTP CONNECT proxy', () => {
  let hx: Harness;
  beforeEach(() => {
    hx = new Harness();
  });
  afterEach(async () => {
    await hx.close();
  });

  it('trusts a custom CA, and fails without it', async () => {
    const srv = await startWss({ key: pem('server.key'), cert: pem('server.crt') });
    try {
      const bad = await hx.create({ url: srv.url });
      await hx.h.probeOpen({ sessionId: bad.id });
      await hx.state(bad.id, 'closed');
      expect((await hx.h.probeGetSession({ sessionId: bad.id })).lastError).toMatch(/certificate/i);

      const good = await hx.create({ url: srv.url, tls: { ca: pem('ca.crt') } });
      expect(good.warnings).toEqual([]);
      await hx.h.probeOpen({ sessionId: good.id });
      await hx.state(good.id, 'open');
      await hx.h.probeSend({ sessionId: good.id, message: { type: 'text', data: 'tls' } });
      await hx.entry(good.id, (e) => e.kind === 'frame' && e.data === 'echo tls');
    } finally {
      await srv.close();
    }
  });

  it('ignores certificate errors when asked, with a visible warning', async () => {
    const srv = await startWss({ key: pem('self.key'), cert: pem('self.crt') });
    try {
      const s = await hx.create({ url: srv.url, tls: { ignoreCertErrors: true } });
      expect(s.warnings).toEqual(['insecure-tls']);
      await hx.h.probeOpen({ sessionId: s.id });
      await hx.state(s.id, 'open');
    } finally {
      await srv.close();
    }
  });

  it('presents a client certificate for mTLS; the key is stored as a secret, never shown', async () => {
    const srv = await startWss({ key: pem('server.key'), cert: pem('server.crt'), ca: pem('ca.crt'), requestCert: true });
    try {
      const without = await hx.create({ url: srv.url, tls: { ca: pem('ca.crt') } });
      await hx.h.probeOpen({ sessionId: without.id });
      await hx.state(without.id, 'closed');
      expect(srv.seenClients).toEqual([]);

      const s = await hx.create({ url: srv.url, tls: { caPath: join(dir, 'ca.crt'), certPath: join(dir, 'client.crt'), key: pem('client.key') } });
      expect(s.config.tls).toMatchObject({ hasKey: true, hasPassphrase: false });
      expect(JSON.stringify(s)).not.toContain('PRIVATE KEY');
      expect(readFileSync(join(hx.dataDir, 'probe', 'sessions.json'), 'utf8')).not.toContain('PRIVATE KEY');
      await hx.h.probeOpen({ sessionId: s.id });
      await hx.state(s.id, 'open');
      expect(srv.seenClients).toEqual(['probe-client']);
    } finally {
      await srv.close();
    }
  });

  it('tunnels ws:// and wss:// through an HTTP CONNECT proxy with proxy auth', async () => {
    const targets: string[] = [];
    const auths: string[] = [];
    const sockets = new Set<Socket>();
    const proxy: HttpServer = createHttpServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, client: Socket, head: Buffer) => {
      targets.push(req.url ?? '');
      auths.push(req.headers['proxy-authorization'] ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = netConnect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream).add(client);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const plain = await startWsServer();
    plain.wss.on('connection', (ws) => ws.send('via proxy'));
    const secure = await startWss({ key: pem('server.key'), cert: pem('server.crt') });
    try {
      const a = await hx.create({ url: plain.url, proxy: { url: proxyUrl, username: 'pu', password: 'pp' } });
      expect(a.config.proxy).toEqual({ url: proxyUrl, username: 'pu', hasPassword: true });
      await hx.h.probeOpen({ sessionId: a.id });
      await hx.entry(a.id, (e) => e.kind === 'frame' && e.data === 'via proxy');
      const b = await hx.create({ url: secure.url, proxy: { url: proxyUrl }, tls: { ca: pem('ca.crt') } });
      await hx.h.probeOpen({ sessionId: b.id });
      await hx.state(b.id, 'open');
      await hx.h.probeSend({ sessionId: b.id, message: { type: 'text', data: 'x' } });
      await hx.entry(b.id, (e) => e.kind === 'frame' && e.data === 'echo x');
      expect(targets).toEqual([new URL(plain.url).host, new URL(secure.url).host]);
      expect(auths[0]).toBe(`Basic ${Buffer.from('pu:pp').toString('base64')}`);
    } finally {
      await hx.service.dispose();
      for (const s of sockets) s.destroy();
      await plain.close();
      await secure.close();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});
