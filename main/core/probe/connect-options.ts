import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { ClientOptions } from 'ws';
import type { ProbeSessionConfig } from '../../../protocol/console/probe';
import { ErrorCode } from '../../../protocol/errors';
import { ConsoleError } from '../contract/errors';

/** Secret values of a session, resolved from the secret store just before connecting. */
export interface SessionSecrets {
  authSecret?: string;
  tlsKey?: string;
  tlsPassphrase?: string;
  proxyPassword?: string;
}

export interface BuiltConnect {
  url: string;
  protocols: string[];
  options: ClientOptions;
}

const readPem = (path: string, field: string): Buffer => {
  try {
    return readFileSync(path);
  } catch (err) {
    throw ConsoleError.of(ErrorCode.Validation, `${field}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { field });
  }
};

/** Turns a saved config + its secrets into the arguments of `new WebSocket(url, protocols, options)`. */
export function buildConnect(config: ProbeSessionConfig, secrets: SessionSecrets): BuiltConnect {
  const url = new URL(config.url);
  for (const q of config.query) url.searchParams.append(q.name, q.value);
  const headers: Record<string, string> = {};
  for (const h of config.headers) headers[h.name] = h.value;
  switch (config.auth.type) {
    case 'none':
      break;
    case 'basic':
      headers['Authorization'] = `Basic ${Buffer.from(`${config.auth.username}:${secrets.authSecret ?? ''}`).toString('base64')}`;
      break;
    case 'bearer':
      headers['Authorization'] = `Bearer ${secrets.authSecret ?? ''}`;
      break;
  }
  const options: ClientOptions = {
    headers,
    handshakeTimeout: config.handshakeTimeoutMs,
    maxPayload: config.limits.maxMessageBytes,
    // We answer pings ourselves so the pong is logged.
    autoPong: false,
    followRedirects: false,
  };
  if (config.origin) options.origin = config.origin;
  const tls: ConnectionOptions = {};
  if (config.tls) {
    const t = config.tls;
    if (t.ca) tls.ca = t.ca;
    else if (t.caPath) tls.ca = readPem(t.caPath, 'config.tls.caPath');
    if (t.cert) tls.cert = t.cert;
    else if (t.certPath) tls.cert = readPem(t.certPath, 'config.tls.certPath');
    if (secrets.tlsKey) tls.key = secrets.tlsKey;
    else if (t.keyPath) tls.key = readPem(t.keyPath, 'config.tls.keyPath');
    if (secrets.tlsPassphrase) tls.passphrase = secrets.tlsPassphrase;
    if (t.servername) tls.servername = t.servername;
    tls.rejectUnauthorized = !t.ignoreCertErrors;
    Object.assign(options, tls);
  }
  if (config.proxy) {
    const proxy = new URL(config.proxy.url);
    const auth = config.proxy.username !== undefined ? `Basic ${Buffer.from(`${config.proxy.username}:${secrets.proxyPassword ?? ''}`).toString('base64')}` : undefined;
    const secure = url.protocol === 'wss:';
    // ws hands every option to http(s).request; an async createConnection lets the socket come from a CONNECT tunnel.
    (options as Record<string, unknown>).createConnection = (
      opts: { host?: string; hostname?: string; port?: number | string; servername?: string },
      cb: (err: Error | null, socket?: Socket) => void,
    ): undefined => {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const port = Number(url.port || (secure ? 443 : 80));
      const target = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
      const req = httpRequest({
        host: proxy.hostname,
        port: Number(proxy.port || 80),
        method: 'CONNECT',
        path: target,
        headers: { Host: target, ...(auth ? { 'Proxy-Authorization': auth } : {}) },
      });
      const timer = setTimeout(() => req.destroy(new Error(`proxy CONNECT timed out after ${config.handshakeTimeoutMs} ms`)), config.handshakeTimeoutMs);
      req.once('connect', (res, socket) => {
        clearTimeout(timer);
        if (res.statusCode !== 200) {
          socket.destroy();
          cb(new Error(`proxy CONNECT failed: ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
          return;
        }
        if (!secure) return cb(null, socket);
        const servername = tls.servername ?? (isIP(host) ? undefined : host);
        const tlsSocket = tlsConnect({ ...tls, socket, ...(servername ? { servername } : {}) });
        cb(null, tlsSocket);
      });
      req.once('error', (err) => {
        clearTimeout(timer);
        cb(err);
      });
      req.end();
      void opts;
      return undefined;
    };
  }
  return { url: url.toString(), protocols: config.subprotocols, options };
}

/** Header values that must never reach the renderer. */
export function redactHeaders(headers: Record<string, unknown>): { name: string; value: string }[] {
  return Object.entries(headers).map(([name, v]) => {
    const value = Array.isArray(v) ? v.join(', ') : String(v);
    if (/^(proxy-)?authorization$/i.test(name)) return { name, value: value.replace(/^(\S+)\s.*$/, '$1 ••••') };
    return { name, value };
  });
}
