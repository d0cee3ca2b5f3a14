import { readFileSync } from 'node:fs';
import type { DialOptions, DialRequestInfo } from '../../../common/node/dialer';
import { isSensitiveHeader, isSensitiveQuery, REDACTED, redactHeaderValue, type ProbeSessionConfig } from '../../../protocol/console/probe';
import { ErrorCode } from '../../../protocol/errors';
import { ConsoleError } from '../contract/errors';

/** Secret values of a session, resolved from the secret store just before connecting. */
export interface SessionSecrets {
  authSecret?: string;
  tlsKey?: string;
  tlsPassphrase?: string;
  proxyPassword?: string;
  /** Values of secret headers (by lower-cased name) and secret query parameters (by name). */
  params?: StoredParams;
}

export interface StoredParams {
  headers: Record<string, string>;
  query: Record<string, string>;
}

const readPem = (path: string, field: string): Buffer => {
  try {
    return readFileSync(path);
  } catch (err) {
    throw ConsoleError.of(ErrorCode.Validation, `${field}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { field });
  }
};

const missing = (field: string, what: string): ConsoleError =>
  ConsoleError.of(ErrorCode.Validation, `${field}: no stored value for ${what}; edit the session and enter one`, { field });

/**
 * A saved config + its secrets as the dialer's plain options (common/node/dialer.ts): the probe's
 * own fields (file paths, secret entries) are resolved here and named in errors the probe's way.
 */
export function dialOptionsOf(config: ProbeSessionConfig, secrets: SessionSecrets): DialOptions {
  const params = secrets.params ?? { headers: {}, query: {} };
  const query: [string, string][] = config.query.map((q, i) => {
    if (!q.secret) return [q.name, q.value ?? ''];
    const v = params.query[q.name];
    if (v === undefined) throw missing(`config.query.${i}.value`, `secret query parameter ${q.name}`);
    return [q.name, v];
  });
  const headers: Record<string, string> = {};
  config.headers.forEach((h, i) => {
    const v = h.secret ? params.headers[h.name.toLowerCase()] : h.value;
    if (v === undefined) throw missing(`config.headers.${i}.value`, `secret header ${h.name}`);
    headers[h.name] = v;
  });
  const a = config.auth;
  const auth: DialOptions['auth'] =
    a.type === 'basic' ? { type: 'basic', username: a.username, password: secrets.authSecret ?? '' }
    : a.type === 'bearer' ? { type: 'bearer', token: secrets.authSecret ?? '' }
    : a.type === 'api-key' ? { type: 'api-key', header: a.header, value: secrets.authSecret ?? '' }
    : { type: 'none' };
  const out: DialOptions = {
    url: config.url,
    query,
    headers,
    subprotocols: config.subprotocols,
    auth,
    handshakeTimeoutMs: config.handshakeTimeoutMs,
    maxPayload: config.limits.maxMessageBytes,
    // We answer pings ourselves so the pong is logged.
    autoPong: false,
    ...(config.origin ? { origin: config.origin } : {}),
  };
  // TLS settings only mean something for wss:// (the form may keep them while the URL is ws://).
  if (config.tls && config.url.startsWith('wss:')) {
    const t = config.tls;
    const cert = t.cert ?? (t.certPath ? readPem(t.certPath, 'config.tls.certPath') : undefined);
    const key = secrets.tlsKey ?? (t.keyPath ? readPem(t.keyPath, 'config.tls.keyPath') : undefined);
    out.tls = {
      ...(t.ca ? { ca: t.ca } : t.caPath ? { ca: readPem(t.caPath, 'config.tls.caPath') } : {}),
      ...(cert !== undefined ? { cert } : {}),
      ...(key !== undefined ? { key } : {}),
      ...(secrets.tlsPassphrase && key !== undefined ? { passphrase: secrets.tlsPassphrase } : {}),
      ...(t.servername ? { servername: t.servername } : {}),
      insecure: t.ignoreCertErrors,
    };
  }
  if (config.proxy) {
    out.proxy = {
      url: config.proxy.url,
      ...(config.proxy.username !== undefined ? { username: config.proxy.username, password: secrets.proxyPassword ?? '' } : {}),
    };
  }
  return out;
}

/** Names (lower-cased) whose values the log must not show: secret entries, auth headers, credential-like names. */
export function secretHeaderNames(config: ProbeSessionConfig): Set<string> {
  const names = new Set(config.headers.filter((h) => h.secret).map((h) => h.name.toLowerCase()));
  names.add('authorization').add('proxy-authorization');
  if (config.auth.type === 'api-key') names.add(config.auth.header.toLowerCase());
  return names;
}

/** Header values that must never reach the renderer. */
export function redactHeaders(headers: Record<string, unknown>, secretNames: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization'])): { name: string; value: string }[] {
  return Object.entries(headers).map(([name, v]) => {
    const value = Array.isArray(v) ? v.join(', ') : String(v);
    const lower = name.toLowerCase();
    return secretNames.has(lower) || isSensitiveHeader(lower) ? { name, value: redactHeaderValue(value) } : { name, value };
  });
}

/** The URL with the values of secret (or credential-like) query parameters replaced, as the log shows it. */
export function redactUrl(url: string, secretQuery: ReadonlySet<string>): string {
  const u = new URL(url);
  if (!u.search || ![...u.searchParams.keys()].some((n) => secretQuery.has(n) || isSensitiveQuery(n))) return url;
  const parts = [...u.searchParams].map(([n, v]) => `${encodeURIComponent(n)}=${secretQuery.has(n) || isSensitiveQuery(n) ? REDACTED : encodeURIComponent(v)}`);
  return `${u.origin}${u.pathname}?${parts.join('&')}`;
}

/** A handshake request twice: as logged (redacted) and as sent (kept only in memory, for exports that ask for secrets). */
export function handshakeEntries(req: DialRequestInfo, config: ProbeSessionConfig): { logged: { url: string; headers: { name: string; value: string }[] }; raw: { url: string; headers: { name: string; value: string }[] } } {
  const secretQuery = new Set(config.query.filter((q) => q.secret).map((q) => q.name));
  return {
    logged: { url: redactUrl(req.url, secretQuery), headers: redactHeaders(req.headers, secretHeaderNames(config)) },
    raw: { url: req.url, headers: Object.entries(req.headers).map(([name, v]) => ({ name, value: Array.isArray(v) ? v.join(', ') : String(v) })) },
  };
}
