import { z } from 'zod';

/**
 * WebSocket close codes used by Switchboard. Documented in docs/codes.md; never reuse a number.
 * 1xxx are RFC 6455 codes used with their standard meaning; 4xxx are Switchboard's own.
 */
export const CloseCode = {
  /** Normal closure, e.g. the client said goodbye. */
  Normal: 1000,
  /** Server shutting down, or the channel was deactivated or deleted. */
  GoingAway: 1001,
  /** A frame that is not valid JSON, not a known type, or not allowed in the current state. */
  InvalidMessage: 1008,
  /** A frame larger than the channel's maxMessageBytes. */
  MessageTooLarge: 1009,
  /** An unexpected server error. */
  InternalError: 1011,
  /** No valid hello within the channel's newTokenWaitTime. */
  LoginTimeout: 4001,
  /** The client missed pingsMissedThreshold consecutive pings. */
  PingsMissed: 4002,
  /** The hello carried credentials the channel's security definition rejected, or a client ID those credentials may not claim. */
  AuthFailed: 4003,
  /** Closed by an administrator through the admin API (the default code for a disconnect). */
  ClosedByAdmin: 4005,
  /** The session token expired: nothing was received from the client for tokenTtl seconds. */
  SessionExpired: 4008,
  /** The hello's client ID is already logged in and the channel's duplicateLogin policy is `reject`. */
  DuplicateLogin: 4010,
  /** A newer login of the same client ID took over (duplicateLogin `replace`). */
  Replaced: 4011,
  /** Too many failed logins from this address: the hello was refused before its credentials were checked. */
  LoginRateLimited: 4012,
  /**
   * The client does not read what the server sends: a frame that cannot wait (a response, a server
   * request, a ping) would take the connection's unsent bytes past the channel's maxBufferedBytesHard.
   */
  SlowConsumer: 4013,
  /** The client sent more than the channel's maxPingsPerSecond WebSocket pings in one second. */
  PingFlood: 4014,
  /** Gateway: no frame either way for the route's idleTimeoutMs; sent to both legs. */
  GatewayIdleTimeout: 4030,
  /** Gateway: the route was deleted, deactivated or moved; sent to both legs. */
  GatewayRouteRemoved: 4031,
  /** Gateway: sent to the upstream when the client's connection was lost without a Close frame. */
  GatewayClientLost: 4032,
  /** Admin live events (/admin/v1/events): the consumer fell behind (send buffer over maxEventBufferBytes); re-sync and reconnect. */
  EventsOverflow: 4029,
  /**
   * Console web host contract socket only (/contract): the page's access token is missing or is
   * not this host's (e.g. the host restarted with a new one). Open the URL the host printed.
   */
  ConsoleTokenRejected: 4401,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const closeCodeNames: Record<number, string> = Object.fromEntries(
  Object.entries(CloseCode).map(([name, code]) => [code, name]),
);

/** RFC 6455 caps a close reason at 123 UTF-8 bytes (125 minus the 2-byte code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Codes an application may send in a Close frame: 1000, 1001 and the application range. The other
 * 1xxx codes are the WebSocket implementation's own (1002 protocol error, 1009 too large, …); one
 * rule for the server, the console, the probe and the client library.
 */
export function isSendableCloseCode(code: number): boolean {
  return Number.isInteger(code) && (code === 1000 || code === 1001 || (code >= 3000 && code <= 4999));
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/** Cuts a close reason to the 123 UTF-8 bytes RFC 6455 allows, on a character boundary. */
export function clampReason(reason: string): string {
  if (utf8Length(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  let out = reason;
  while (utf8Length(out) > MAX_CLOSE_REASON_BYTES - 3) out = out.slice(0, -1);
  // A cut through a surrogate pair would leave half a character.
  if (/[\ud800-\udbff]$/.test(out)) out = out.slice(0, -1);
  return out + '...';
}

/** A close code a caller may choose (input schema). */
export const SendableCloseCodeSchema = z.number().int().refine(isSendableCloseCode, 'close code must be 1000, 1001 or 3000-4999');
/** A close reason a caller may choose (input schema). */
export const CloseReasonSchema = z.string().refine((r) => utf8Length(r) <= MAX_CLOSE_REASON_BYTES, `close reason must be at most ${MAX_CLOSE_REASON_BYTES} UTF-8 bytes`);
