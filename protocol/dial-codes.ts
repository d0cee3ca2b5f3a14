/**
 * Why an outgoing WebSocket could not be opened. The dialer (common/node/dialer.ts) fails with exactly
 * one of these; the probe logs them in its `error` entries and the client library emits them, so the
 * UI and callers can react to the kind of failure without parsing messages. Documented in
 * docs/codes.md; a code, once shipped, keeps its meaning.
 */
export const DialErrorCode = {
  /** The options contradict each other or are malformed; `field` names the option. Nothing was sent. */
  InvalidOptions: 'DIAL_INVALID_OPTIONS',
  /** The host name (of the server, or of the proxy) did not resolve. */
  Dns: 'DIAL_DNS',
  /** Nothing listens at the address (TCP RST on connect). */
  Refused: 'DIAL_REFUSED',
  /** The TCP connection failed or ended before the handshake finished (reset, unreachable, hang-up). */
  Network: 'DIAL_NETWORK',
  /** TLS failed: untrusted or expired certificate, wrong host name, a client certificate refused… */
  Tls: 'DIAL_TLS',
  /** `handshakeTimeoutMs` passed before the socket was open (DNS, connect, proxy, TLS and upgrade together). */
  Timeout: 'DIAL_TIMEOUT',
  /** The HTTP proxy answered CONNECT with something other than 2xx (e.g. 407, 403, 502). */
  ProxyRefused: 'DIAL_PROXY_REFUSED',
  /** The server answered the upgrade with an HTTP status other than 101 (status, headers, body snippet attached). */
  HandshakeRejected: 'DIAL_HANDSHAKE_REJECTED',
  /** The server answered 101 but broke the handshake rules (accept key, subprotocol, extensions). */
  HandshakeInvalid: 'DIAL_HANDSHAKE_INVALID',
  /** The caller aborted the dial (its AbortSignal fired). */
  Aborted: 'DIAL_ABORTED',
} as const;
export type DialErrorCode = (typeof DialErrorCode)[keyof typeof DialErrorCode];

/** Where a dial failed: resolving/connecting, at the proxy, in TLS, or in the HTTP upgrade. */
export type DialStage = 'options' | 'connect' | 'proxy' | 'tls' | 'handshake';
