import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { AdminClient } from '../../../../main/core/clusters/admin-client';
import { AdminApiError } from '../../../../main/core/contract/errors';
import { AdminStreamClient } from '../../../../main/core/clusters/admin-stream';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasOpenssl)('admin client over TLS (self-signed server)', () => {
  let dir: string;
  let server: https.Server;
  let wss: WebSocketServer;
  let url: string;
  let caFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-tls-'));
    caFile = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', caFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    server = https.createServer({ key: await readFile(join(dir, 'key.pem')), cert: await readFile(caFile) }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'op', role: 'operator' }));
    });
    wss = new WebSocketServer({ server, path: '/admin/v1/events' });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    wss?.close();
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an untrusted certificate by default, saying what to do', async () => {
    const c = new AdminClient({ baseUrl: url, token: null });
    const err = (await c.call('server.whoami', {}).catch((e: unknown) => e)) as AdminApiError;
    c.close();
    expect(err).toBeInstanceOf(AdminApiError);
    expect(err.info.message).toMatch(/self-signed/);
  });

  it('trusts it through a CA file, with verification on', async () => {
    const c = new AdminClient({ baseUrl: url, token: null, tls: { caFile, allowSelfSigned: false } });
    expect(await c.call('server.whoami', {})).toEqual({ token: 'op', role: 'operator' });
    c.close();
  });

  it('accepts it when allow-self-signed is on, for HTTP and the events stream alike', async () => {
    const c = new AdminClient({ baseUrl: url, token: null, tls: { allowSelfSigned: true } });
    expect((await c.call('server.whoami', {})).role).toBe('operator');
    const stream = new AdminStreamClient({ url: c.eventsUrl(), connectOptions: () => c.wsOptions() });
    const connected = new Promise<void>((r) => stream.on('state', (s) => s.to === 'connected' && r()));
    stream.start();
    await connected;
    expect(c.eventsUrl()).toMatch(/^wss:/);
    await stream.stop();
    c.close();
  });
});
