import type { ConnectionOptions } from 'node:tls';
import type { ClientOptions } from 'ws';
import { invalidOption } from './dial-error';

/** HTTP-level authentication sent with the upgrade request. */
export type DialAuth =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  /** An API key in a header of its own, e.g. `X-API-Key`. */
  | { type: 'api-key'; header: string; value: string };

export type Pem = string | Buffer;

/** TLS for wss:// URLs (also through a proxy). PEM text or buffers; reading files is the caller's job. */
export interface DialTls {
  /** Trusted CA(s) instead of the system store. */
  ca?: Pem | Pem[];
  /** Client certificate and key for mTLS: both or neither. */
  cert?: Pem;
  key?: Pem;
  /** Passphrase of an encrypted `key`. */
  passphrase?: string;
  /** SNI / certificate name to check, when it differs from the URL's host. */
  servername?: string;
  /** Accept any server certificate. Callers must make this visible to their user. */
  insecure?: boolean;
}

/** An HTTP proxy reached with CONNECT (for ws:// and wss:// alike). */
export interface DialProxy {
  /** `http://host:port`. */
  url: string;
  username?: string;
  password?: string;
}

export interface DialOptions {
  /** `ws:` or `wss:`. Its own query string is kept; `query` is appended after it. */
  url: string;
  query?: Record<string, string> | ReadonlyArray<readonly [string, string]>;
  /** Extra request headers. Names the dialer owns (Upgrade, Sec-WebSocket-*, …) are refused. */
  headers?: Record<string, string>;
  /** Offered in preference order; the server's choice is `Dialed.protocol`. */
  subprotocols?: string[];
  auth?: DialAuth;
  origin?: string;
  tls?: DialTls;
  proxy?: DialProxy;
  /** Whole dial: DNS, TCP, proxy CONNECT, TLS and the upgrade. Default 10 000 ms. */
  handshakeTimeoutMs?: number;
  /** Largest incoming message; bigger ones close the socket with 1009. Default 100 MiB (ws's). */
  maxPayload?: number;
  /** Answer pings automatically. Default true (the probe turns it off to log its own pongs). */
  autoPong?: boolean;
  /** Offer permessage-deflate. Default true. */
  perMessageDeflate?: boolean;
}

export const DIAL_DEFAULTS = {
  handshakeTimeoutMs: 10_000,
  maxPayload: 100 * 1024 * 1024,
  autoPong: true,
  perMessageDeflate: true,
} as const;

/** Upper bound of handshakeTimeoutMs (10 minutes): longer is a typo, not a wish. */
export const DIAL_MAX_TIMEOUT_MS = 600_000;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE = /[\r\n\0]/;
/** Headers the WebSocket handshake itself sets; a caller's value would break it. */
const OWNED = new Set(['connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol']);

/** The TLS options the dialer passes on (to ws, or to the TLS socket inside a proxy tunnel). */
export type DialTlsOptions = Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'passphrase' | 'servername' | 'rejectUnauthorized'>;

/** What `new WebSocket(url, protocols, wsOptions)` needs, plus the pieces the dialer handles itself. */
export interface ResolvedDial {
  url: URL;
  /** host:port, for messages (never the query, which may hold secrets). */
  target: string;
  secure: boolean;
  protocols: string[];
  headers: Record<string, string>;
  tls: DialTlsOptions | null;
  proxy: { url: URL; authorization: string | null } | null;
  timeoutMs: number;
  wsOptions: ClientOptions;
}

const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

function checkHeader(field: string, name: string, value: string): void {
  if (!TOKEN.test(name)) throw invalidOption(field, 'not a valid HTTP header name');
  if (BAD_VALUE.test(value)) throw invalidOption(field, 'header values cannot contain CR, LF or NUL');
}

/**
 * Validates the options (contradictions throw DialError DIAL_INVALID_OPTIONS naming the option) and
 * merges them over DIAL_DEFAULTS. Pure apart from Buffer: nothing is opened.
 */
export function resolveDialOptions(o: DialOptions): ResolvedDial {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw invalidOption('url', 'not a valid URL');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw invalidOption('url', `only ws: and wss: URLs are dialled, not ${url.protocol}`);
  if (url.hash) throw invalidOption('url', 'a WebSocket URL has no #fragment');
  if (url.username || url.password) throw invalidOption('url', 'credentials in the URL are not sent; use auth');
  const secure = url.protocol === 'wss:';
  if (o.query) for (const [name, value] of Array.isArray(o.query) ? o.query : Object.entries(o.query)) url.searchParams.append(name, value);

  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  const add = (field: string, name: string, value: string): void => {
    checkHeader(field, name, value);
    const lower = name.toLowerCase();
    if (OWNED.has(lower)) throw invalidOption(field, lower === 'sec-websocket-protocol' ? 'set subprotocols instead' : `${name} is set by the WebSocket handshake`);
    if (seen.has(lower)) throw invalidOption(field, `${name} is given twice`);
    seen.add(lower);
    headers[name] = value;
  };
  for (const [name, value] of Object.entries(o.headers ?? {})) add(`headers.${name}`, name, value);
  const auth = o.auth ?? { type: 'none' };
  switch (auth.type) {
    case 'none':
      break;
    case 'basic':
      if (auth.username.includes(':')) throw invalidOption('auth.username', 'a Basic user name cannot contain ":"');
      if (seen.has('authorization')) throw invalidOption('headers.Authorization', 'Authorization is also set by auth');
      add('auth', 'Authorization', basic(auth.username, auth.password));
      break;
    case 'bearer':
      if (seen.has('authorization')) throw invalidOption('headers.Authorization', 'Authorization is also set by auth');
      add('auth.token', 'Authorization', `Bearer ${auth.token}`);
      break;
    case 'api-key':
      if (seen.has(auth.header.toLowerCase())) throw invalidOption(`headers.${auth.header}`, `${auth.header} is also set by auth`);
      add('auth.header', auth.header, auth.value);
      break;
    default: {
      const never: never = auth;
      throw invalidOption('auth', `unknown auth type ${(never as { type: string }).type}`);
    }
  }
  if (o.origin !== undefined) {
    if (seen.has('origin')) throw invalidOption('headers.Origin', 'Origin is also set by origin');
    if (BAD_VALUE.test(o.origin)) throw invalidOption('origin', 'cannot contain CR, LF or NUL');
  }

  const protocols = o.subprotocols ?? [];
  const offered = new Set<string>();
  protocols.forEach((p, i) => {
    if (!TOKEN.test(p)) throw invalidOption(`subprotocols.${i}`, 'not a valid subprotocol token');
    if (offered.has(p)) throw invalidOption(`subprotocols.${i}`, `${p} is offered twice`);
    offered.add(p);
  });

  let tls: DialTlsOptions | null = null;
  if (o.tls) {
    const t = o.tls;
    const any = t.ca !== undefined || t.cert !== undefined || t.key !== undefined || t.passphrase !== undefined || t.servername !== undefined || t.insecure !== undefined;
    if (any && !secure) throw invalidOption('tls', 'TLS options need a wss: URL');
    if (t.key !== undefined && t.cert === undefined) throw invalidOption('tls.cert', 'a client key needs its certificate');
    if (t.cert !== undefined && t.key === undefined) throw invalidOption('tls.key', 'a client certificate needs its key');
    if (t.passphrase !== undefined && t.key === undefined) throw invalidOption('tls.passphrase', 'a passphrase needs a key');
    tls = {
      ...(t.ca !== undefined ? { ca: t.ca } : {}),
      ...(t.cert !== undefined ? { cert: t.cert } : {}),
      ...(t.key !== undefined ? { key: t.key } : {}),
      ...(t.passphrase !== undefined ? { passphrase: t.passphrase } : {}),
      ...(t.servername !== undefined ? { servername: t.servername } : {}),
      rejectUnauthorized: !t.insecure,
    };
  }

  let proxy: ResolvedDial['proxy'] = null;
  if (o.proxy) {
    let p: URL;
    try {
      p = new URL(o.proxy.url);
    } catch {
      throw invalidOption('proxy.url', 'not a valid URL');
    }
    if (p.protocol !== 'http:') throw invalidOption('proxy.url', 'only http:// proxies (HTTP CONNECT) are supported');
    if (p.username || p.password) throw invalidOption('proxy.url', 'put proxy credentials in proxy.username/password, not the URL');
    if (o.proxy.password !== undefined && o.proxy.username === undefined) throw invalidOption('proxy.password', 'a proxy password needs a user name');
    if (o.proxy.username?.includes(':')) throw invalidOption('proxy.username', 'a Basic user name cannot contain ":"');
    proxy = { url: p, authorization: o.proxy.username !== undefined ? basic(o.proxy.username, o.proxy.password ?? '') : null };
  }

  const timeoutMs = o.handshakeTimeoutMs ?? DIAL_DEFAULTS.handshakeTimeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > DIAL_MAX_TIMEOUT_MS) throw invalidOption('handshakeTimeoutMs', `a whole number of ms, 1–${DIAL_MAX_TIMEOUT_MS}`);
  const maxPayload = o.maxPayload ?? DIAL_DEFAULTS.maxPayload;
  if (!Number.isInteger(maxPayload) || maxPayload < 1) throw invalidOption('maxPayload', 'a positive whole number of bytes');

  const wsOptions: ClientOptions = {
    headers,
    maxPayload,
    autoPong: o.autoPong ?? DIAL_DEFAULTS.autoPong,
    perMessageDeflate: o.perMessageDeflate ?? DIAL_DEFAULTS.perMessageDeflate,
    // A redirect would carry our headers (credentials) to wherever it points: refuse, the 3xx is reported.
    followRedirects: false,
    ...(o.origin !== undefined ? { origin: o.origin } : {}),
    ...(tls ?? {}),
  };
  const host = url.hostname;
  const port = url.port || (secure ? '443' : '80');
  return { url, target: `${host}:${port}`, secure, protocols, headers, tls, proxy, timeoutMs, wsOptions };
}
