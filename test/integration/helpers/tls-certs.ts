import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';

/**
 * Certificates made with the openssl CLI for one test run: a CA, a server certificate it signed
 * (for 127.0.0.1 and localhost), a client certificate it signed (CN probe-client, plus an
 * encrypted copy of its key), and a self-signed server certificate.
 */
export interface TestCerts {
  dir: string;
  pem(file: 'ca.crt' | 'server.key' | 'server.crt' | 'client.key' | 'client.crt' | 'client-enc.key' | 'self.key' | 'self.crt'): string;
  path(file: string): string;
  /** Passphrase of client-enc.key. */
  passphrase: string;
  remove(): void;
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'sb-tls-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Switchboard Test CA');
  ssl('req', ...EC, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext');
  ssl('req', ...EC, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=probe-client');
  ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '2');
  const passphrase = 'test-pass-1';
  ssl('pkcs8', '-topk8', '-in', 'client.key', '-out', 'client-enc.key', '-v2', 'aes-256-cbc', '-passout', `pass:${passphrase}`);
  ssl('req', '-x509', ...EC, '-keyout', 'self.key', '-out', 'self.crt', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
  return {
    dir,
    pem: (f) => readFileSync(join(dir, f), 'utf8'),
    path: (f) => join(dir, f),
    passphrase,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TestWss {
  url: string;
  port: number;
  /** CN of each client certificate seen (empty string when none was presented). */
  seenClients: string[];
  wss: WebSocketServer;
  close(): Promise<void>;
}

/** A wss:// echo server ("echo <text>") on 127.0.0.1, port 0; `requestCert` makes it demand a client cert signed by `ca`. */
export async function startWss(opts: { key: string; cert: string; ca?: string; requestCert?: boolean }): Promise<TestWss> {
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
  const port = (server.address() as AddressInfo).port;
  return {
    url: `wss://127.0.0.1:${port}/`,
    port,
    seenClients,
    wss,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
