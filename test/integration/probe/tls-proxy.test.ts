import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Harness, startWsServer } from './harness';
import { makeTestCerts, startWss, type TestCerts } from '../helpers/tls-certs';
import { startConnectProxy } from '../helpers/connect-proxy';

/** Certificates made with the openssl CLI for this run (test/integration/helpers/tls-certs.ts). */
let certs: TestCerts;
const pem = (f: Parameters<TestCerts['pem']>[0]) => certs.pem(f);
beforeAll(() => {
  certs = makeTestCerts();
});
afterAll(() => certs.remove());

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
      await hx.h['probe.open']({ sessionId: bad.id });
      await hx.state(bad.id, 'closed');
      expect((await hx.h['probe.getSession']({ sessionId: bad.id })).lastError).toMatch(/certificate/i);

      const good = await hx.create({ url: srv.url, tls: { ca: pem('ca.crt') } });
      expect(good.warnings).toEqual([]);
      await hx.h['probe.open']({ sessionId: good.id });
      await hx.state(good.id, 'open');
      await hx.h['probe.send']({ sessionId: good.id, message: { type: 'text', data: 'tls' } });
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
      await hx.h['probe.open']({ sessionId: s.id });
      await hx.state(s.id, 'open');
    } finally {
      await srv.close();
    }
  });

  it('presents a client certificate for mTLS; the key is stored as a secret, never shown', async () => {
    const srv = await startWss({ key: pem('server.key'), cert: pem('server.crt'), ca: pem('ca.crt'), requestCert: true });
    try {
      const without = await hx.create({ url: srv.url, tls: { ca: pem('ca.crt') } });
      await hx.h['probe.open']({ sessionId: without.id });
      await hx.state(without.id, 'closed');
      expect(srv.seenClients).toEqual([]);

      const s = await hx.create({ url: srv.url, tls: { caPath: certs.path('ca.crt'), certPath: certs.path('client.crt'), key: pem('client.key') } });
      expect(s.config.tls).toMatchObject({ hasKey: true, hasPassphrase: false });
      expect(JSON.stringify(s)).not.toContain('PRIVATE KEY');
      expect(readFileSync(join(hx.dataDir, 'probe', 'sessions.json'), 'utf8')).not.toContain('PRIVATE KEY');
      await hx.h['probe.open']({ sessionId: s.id });
      await hx.state(s.id, 'open');
      expect(srv.seenClients).toEqual(['probe-client']);
    } finally {
      await srv.close();
    }
  });

  it('tunnels ws:// and wss:// through an HTTP CONNECT proxy with proxy auth', async () => {
    const auth = `Basic ${Buffer.from('pu:pp').toString('base64')}`;
    const proxy = await startConnectProxy({ requireAuth: auth });
    const plain = await startWsServer();
    plain.wss.on('connection', (ws) => ws.send('via proxy'));
    const secure = await startWss({ key: pem('server.key'), cert: pem('server.crt') });
    try {
      const a = await hx.create({ url: plain.url, proxy: { url: proxy.url, username: 'pu', password: 'pp' } });
      expect(a.config.proxy).toEqual({ url: proxy.url, username: 'pu', hasPassword: true });
      await hx.h['probe.open']({ sessionId: a.id });
      await hx.entry(a.id, (e) => e.kind === 'frame' && e.data === 'via proxy');
      const b = await hx.create({ url: secure.url, proxy: { url: proxy.url, username: 'pu', password: 'pp' }, tls: { ca: pem('ca.crt') } });
      await hx.h['probe.open']({ sessionId: b.id });
      await hx.state(b.id, 'open');
      await hx.h['probe.send']({ sessionId: b.id, message: { type: 'text', data: 'x' } });
      await hx.entry(b.id, (e) => e.kind === 'frame' && e.data === 'echo x');
      expect(proxy.targets).toEqual([new URL(plain.url).host, new URL(secure.url).host]);
      expect(proxy.auths).toEqual([auth, auth]);

      // Without the proxy password: 407, logged with the dialer's code.
      const c = await hx.create({ url: plain.url, proxy: { url: proxy.url, username: 'pu' } });
      await hx.h['probe.open']({ sessionId: c.id });
      await hx.state(c.id, 'closed');
      const err = (await hx.entries(c.id)).find((e) => e.kind === 'error');
      expect(err).toMatchObject({ code: 'DIAL_PROXY_REFUSED' });
      expect(err?.kind === 'error' && err.message).toContain('407');
    } finally {
      await hx.service.dispose();
      await proxy.close();
      await plain.close();
      await secure.close();
    }
  });
});
