import { z } from 'zod';
import { IsoTime } from '../time';

/**
 * The probe's session log: every entry typed, timestamped (UTC ISO ms) and carrying a direction.
 * `index` is the entry's position in the session's log since the session was created; it never
 * restarts (the log is never wiped on reconnect), so it is the stable handle the UI pages with.
 */

export const ProbeSessionState = z.enum(['idle', 'connecting', 'open', 'closing', 'closed', 'reconnecting']);
export type ProbeSessionState = z.infer<typeof ProbeSessionState>;

/** in = received from the peer, out = sent by us, local = something that happened in the console. */
export const ProbeDirection = z.enum(['in', 'out', 'local']);
export type ProbeDirection = z.infer<typeof ProbeDirection>;

export const ProbeLogKind = z.enum(['state', 'handshake-request', 'handshake-response', 'frame', 'ping', 'pong', 'close', 'error', 'reconnect', 'info']);
export type ProbeLogKind = z.infer<typeof ProbeLogKind>;

const Header = z.object({ name: z.string(), value: z.string() });

const base = { index: z.number().int().nonnegative(), at: IsoTime, direction: ProbeDirection };

/** Data of a frame/ping/pong as logged: text verbatim, binary as base64; cut at the log's maxLoggedDataBytes. */
const Payload = {
  size: z.number().int().nonnegative(),
  encoding: z.enum(['text', 'base64']),
  data: z.string(),
  /** True when `data` was cut at the log limit (`size` is still the real size). */
  truncated: z.boolean(),
};

export const ProbeLogEntrySchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('state'), from: ProbeSessionState, to: ProbeSessionState, reason: z.string().optional() }),
  z.object({
    ...base,
    kind: z.literal('handshake-request'),
    url: z.string(),
    /** Request headers as sent; Authorization and Proxy-Authorization values are redacted. */
    headers: z.array(Header),
    subprotocols: z.array(z.string()),
  }),
  z.object({
    ...base,
    kind: z.literal('handshake-response'),
    status: z.number().int(),
    statusText: z.string(),
    headers: z.array(Header),
    /** Negotiated subprotocol, or null when none was agreed. */
    protocol: z.string().nullable(),
    extensions: z.string().nullable(),
  }),
  z.object({
    ...base,
    kind: z.literal('frame'),
    opcode: z.enum(['text', 'binary']),
    ...Payload,
    /** Set when the session's helper is STOMP and the frame parsed as one. */
    stomp: z.object({ command: z.string(), headers: z.array(Header), body: z.string() }).optional(),
  }),
  z.object({ ...base, kind: z.literal('ping'), ...Payload }),
  /** `rttMs` is set when the pong answers a ping this session sent. */
  z.object({ ...base, kind: z.literal('pong'), ...Payload, rttMs: z.number().nonnegative().optional() }),
  z.object({
    ...base,
    kind: z.literal('close'),
    code: z.number().int(),
    reason: z.string(),
    /** Who started the closing handshake (or `network` when the TCP connection just ended). */
    initiator: z.enum(['client', 'server', 'network']),
  }),
  z.object({ ...base, kind: z.literal('error'), code: z.string(), message: z.string() }),
  /** A reconnect boundary: attempt number and the (jittered) delay waited before it. */
  z.object({ ...base, kind: z.literal('reconnect'), attempt: z.number().int().positive(), delayMs: z.number().int().nonnegative() }),
  z.object({ ...base, kind: z.literal('info'), message: z.string() }),
]);
export type ProbeLogEntry = z.infer<typeof ProbeLogEntrySchema>;

/** Request/reply pairing, attached to entries returned by queries (computed by the core). */
export const ProbePairSchema = z.object({
  role: z.enum(['request', 'reply']),
  /** Index of the other entry of the pair. */
  otherIndex: z.number().int().nonnegative(),
  latencyMs: z.number().nonnegative(),
  correlationId: z.string(),
});
export type ProbePair = z.infer<typeof ProbePairSchema>;

/** What queries return: the entry plus its pair, when paired. */
export const ProbeLogRowSchema = z.object({ entry: ProbeLogEntrySchema, pair: ProbePairSchema.optional() });
export type ProbeLogRow = z.infer<typeof ProbeLogRowSchema>;

/** Compact summary pushed in `probe.log` events (the UI queries for the full entry). */
export const ProbeLogSummarySchema = z.object({
  index: z.number().int().nonnegative(),
  at: IsoTime,
  direction: ProbeDirection,
  kind: ProbeLogKind,
  /** One line, at most 200 characters. */
  text: z.string(),
  size: z.number().int().nonnegative().optional(),
});
export type ProbeLogSummary = z.infer<typeof ProbeLogSummarySchema>;

export const ProbeLogFilterSchema = z.strictObject({
  /** Case-insensitive substring over the entry's text (payload, headers, reason, message). */
  text: z.string().max(1000).optional(),
  /** JavaScript regular expression source (no slashes), case-insensitive; invalid → validation error on `filter.regex`. */
  regex: z.string().max(1000).optional(),
  directions: z.array(ProbeDirection).optional(),
  kinds: z.array(ProbeLogKind).optional(),
});
export type ProbeLogFilter = z.infer<typeof ProbeLogFilterSchema>;

/** Counters of a session's log. Entries [firstIndex, nextIndex) are retained; `dropped` were cut by the cap. */
export const ProbeLogStatsSchema = z.object({
  firstIndex: z.number().int().nonnegative(),
  nextIndex: z.number().int().nonnegative(),
  /** Entries removed because the log exceeded maxEntries (shown to the user, never silent). */
  dropped: z.number().int().nonnegative(),
  /** Entries currently spilled to disk (still queryable). */
  spilled: z.number().int().nonnegative(),
  /** Times the flood guard paused reading from the socket (TCP backpressure; nothing is lost). */
  floodPauses: z.number().int().nonnegative(),
  /** RTT of the newest pong that answered one of our pings (kept by the core, whatever the log filter); null before the first. */
  lastRttMs: z.number().nonnegative().nullable(),
});
export type ProbeLogStats = z.infer<typeof ProbeLogStatsSchema>;
