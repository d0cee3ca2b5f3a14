import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorInfo } from '../../protocol/errors';
import { rawErrorResponse } from '../admin/http-errors';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const KEY = /^[+/0-9A-Za-z]{22}==$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Headers that describe one hop, never forwarded (RFC 9110 §7.6.1), plus the ones the upstream
 * handshake sets itself. Everything else — Authorization and Cookie included — is end to end.
 */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding',
  'upgrade', 'host', 'content-length', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol',
]);

/** Why the client's own upgrade request is not a WebSocket handshake (ws's checks, before anything is dialled). */
export function invalidHandshake(req: IncomingMessage): string | null {
  if (req.method !== 'GET') return 'a WebSocket upgrade uses GET';
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return 'Upgrade: websocket is missing';
  if (!KEY.test(req.headers['sec-websocket-key'] ?? '')) return 'Sec-WebSocket-Key is missing or malformed';
  if (req.headers['sec-websocket-version'] !== '13') return 'Sec-WebSocket-Version must be 13';
  const protocols = req.headers['sec-websocket-protocol'];
  // ws refuses a malformed list only after we would have dialled: check it first, by its rule.
  if (protocols !== undefined && !protocols.split(',').every((p) => TOKEN.test(p.trim()))) return 'Sec-WebSocket-Protocol is not a comma-separated list of tokens';
  return null;
}

export function offeredSubprotocols(req: IncomingMessage): string[] {
  const h = req.headers['sec-websocket-protocol'];
  if (!h) return [];
  return h.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * The client's offer filtered by the route's allow-list, in the client's order; null when the
 * client must be refused (it offered only disallowed ones, or none while the route requires one).
 */
export function allowedOffer(offered: readonly string[], allowed: readonly string[]): string[] | null {
  if (allowed.length === 0) return offered.length === 0 ? [] : null;
  const ok = offered.filter((p) => allowed.includes(p));
  return ok.length > 0 ? ok : null;
}

/**
 * Request headers for the upstream: end-to-end ones of the client's request minus the deny list;
 * repeated headers joined as HTTP allows (Cookie with "; "). X-Forwarded-For gets the client's
 * address appended.
 */
export function forwardHeaders(req: IncomingMessage, deny: readonly string[], clientAddress: string): Record<string, string> {
  const denied = new Set(deny.map((d) => d.toLowerCase()));
  // Connection may name further hop-by-hop headers of this request.
  for (const n of (req.headers.connection ?? '').split(',')) denied.add(n.trim().toLowerCase());
  const out = new Map<string, { name: string; values: string[] }>();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || denied.has(lower) || lower === 'x-forwarded-for') continue;
    const had = out.get(lower);
    if (had) had.values.push(raw[i + 1]!);
    else out.set(lower, { name, values: [raw[i + 1]!] });
  }
  const headers: Record<string, string> = {};
  for (const [lower, { name, values }] of out) headers[name] = values.join(lower === 'cookie' ? '; ' : ', ');
  if (!denied.has('x-forwarded-for')) {
    const prior = req.headers['x-forwarded-for'];
    headers['X-Forwarded-For'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${clientAddress}` : clientAddress;
  }
  return headers;
}

/** The 101 answer for raw mode, where the gateway completes the client's handshake itself. */
export function switchingProtocols(req: IncomingMessage, protocol: string): string {
  const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}${WS_GUID}`).digest('base64');
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`];
  if (protocol) lines.push(`Sec-WebSocket-Protocol: ${protocol}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Answers an upgrade with an HTTP error and the admin API's error body, then closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, info: ErrorInfo, extra: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  socket.end(rawErrorResponse(status, info, extra));
  // A peer that does not read cannot hold the socket open.
  setTimeout(() => socket.destroy(), 2000).unref();
}

/** The upstream URL for a client path: base + the rest after the route's prefix + the client's query. */
export function upstreamUrl(base: string, prefix: string, requestUrl: string): { url: string; display: string } {
  const req = new URL(requestUrl, 'http://gateway.invalid');
  const rest = prefix === '/' ? req.pathname : req.pathname.slice(prefix.length);
  const u = new URL(base);
  const basePath = u.pathname.endsWith('/') ? u.pathname.slice(0, -1) : u.pathname;
  u.pathname = `${basePath}${rest}` || '/';
  const display = u.toString();
  u.search = req.search;
  return { url: u.toString(), display };
}

/** Whether a request path falls under a route prefix (segment-wise: /a matches /a and /a/b, not /ab). */
export function underPrefix(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}
