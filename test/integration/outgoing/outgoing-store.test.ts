import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../server/runtime';
import { makeTestCerts, startWss, type TestCerts, type TestWss } from '../helpers/tls-certs';
import { waitOutgoing } from './helpers';

let certs: TestCerts;
let wss: TestWss;
let dir: string;

beforeAll(async () => {
  certs = makeTestCerts();
  wss = await startWss({ key: certs.pem('server.key'), cert: certs.pem('server.crt'), ca: certs.pem('ca.crt'), requestCert: true });
  dir = mkdtempSync(join(tmpdir(), 'sb-outgoing-store-'));
});
afterAll(async () => {
  await wss.close();
  certs.remove();
  rmSync(dir, { recursive: true, force: true });
});

const start = (outgoing: unknown[] = []) => startServer({ name: 'store', dataDir: dir, logLevel: 'silent', admin: { enabled: false }, outgoing: outgoing as never });

describe('outgoing definitions in the store', () => {
  it('are seeded once from the config file, dial wss:// with mTLS, keep the client key sealed, and survive a restart', async () => {
    let server: RunningServer = await start([{
      name: 'secure', address: wss.url, dataFormat: 'text',
      tls: { ca: certs.pem('ca.crt'), cert: certs.pem('client.crt'), key: certs.pem('client.key') },
      security: { type: 'basic', username: 'u', password: 'seeded-password-secret' },
    }]);
    try {
      await waitOutgoing(server, 'secure', (o) => o.status.state === 'open');
      expect(wss.seenClients).toContain('probe-client');
      expect(await server.outgoing!.send('secure', 'hi')).toMatchObject({ queued: false });
      await expect.poll(async () => (await server.outgoing!.frames('secure')).some((f) => f.dir === 'in' && f.preview === 'echo hi')).toBe(true);
      await server.outgoing!.update('secure', { pingInterval: 7 });
    } finally {
      await server.close();
    }
    const db = readFileSync(join(dir, 'switchboard.db'));
    expect(db.includes('seeded-password-secret')).toBe(false);
    expect(db.includes(certs.pem('client.key').split('\n')[1]!)).toBe(false);

    // Second start: the file's list is ignored (the store wins), the patched value is kept.
    server = await start([]);
    try {
      const o = await waitOutgoing(server, 'secure', (x) => x.status.state === 'open');
      expect(o).toMatchObject({ pingInterval: 7, tls: { hasCa: true, hasClientCert: true, insecure: false }, security: { type: 'basic', username: 'u', hasSecret: true } });
      await server.outgoing!.remove('secure');
    } finally {
      await server.close();
    }
    server = await start([{ name: 'again', address: wss.url }]);
    try {
      expect(await server.outgoing!.list()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a wss:// peer with a certificate we do not trust fails with DIAL_TLS', async () => {
    const server = await startServer({ name: 'tls', dataDir: mkdtempSync(join(dir, 'x-')), logLevel: 'silent', admin: { enabled: false } });
    try {
      await server.outgoing!.create({ name: 'untrusted', address: wss.url, autoReconnect: { enabled: false } });
      const o = await waitOutgoing(server, 'untrusted', (x) => x.status.state === 'stopped');
      expect(o.status.lastError?.code).toBe('DIAL_TLS');
    } finally {
      await server.close();
    }
  });
});
