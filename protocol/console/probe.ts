import { z } from 'zod';
import { CloseReasonSchema, SendableCloseCodeSchema, utf8Length } from '../close-codes';
import { IsoTime } from '../time';
import { defineCalls, defineEvents } from './define';
import {
  ProbeLogFilterSchema,
  ProbeLogRowSchema,
  ProbeLogStatsSchema,
  ProbeLogSummarySchema,
  ProbeSessionState,
} from './probe-log';

export * from './probe-log';

/**
 * Ad hoc outgoing WebSocket sessions (the probe). Sockets live in the console core; the renderer
 * only holds ids and pages through logs. Secrets (auth password/token, TLS key + passphrase, proxy
 * password) go in through these calls and never come back: views carry `has…` flags instead.
 * Convention for secret fields on save: omitted = keep the stored value, '' = clear it.
 */

const utf8Bytes = utf8Length;

const isJson = (s: string): boolean => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

export const ProbeId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'ids are letters, digits, _ and -');

/** ws: or wss: only; anything else is a validation error on the url field. */
export const ProbeUrl = z
  .string()
  .min(1, 'a URL is required')
  .max(8192)
  .refine((s) => URL.canParse(s), 'not a valid URL')
  .refine((s) => !URL.canParse(s) || ['ws:', 'wss:'].includes(new URL(s).protocol), 'only ws: and wss: URLs are allowed');

const NameValue = z.object({ name: z.string().min(1).max(256), value: z.string().max(8192) });
const HeaderName = z.string().min(1).max(256).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name');

export const ProbeAuthInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('basic'), username: z.string().max(256), password: z.string().max(1024).optional() }),
  z.object({ type: z.literal('bearer'), token: z.string().max(16384).optional() }),
]);
export const ProbeAuthView = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('basic'), username: z.string(), hasPassword: z.boolean() }),
  z.object({ type: z.literal('bearer'), hasToken: z.boolean() }),
]);

/** PEM text or a file path for each of CA / cert; the client key is a secret (PEM text) or a path. */
const TlsCommon = {
  ca: z.string().max(262144).optional(),
  caPath: z.string().max(4096).optional(),
  cert: z.string().max(262144).optional(),
  certPath: z.string().max(4096).optional(),
  keyPath: z.string().max(4096).optional(),
  /** Accept any server certificate. The session view then carries the `insecure-tls` warning. */
  ignoreCertErrors: z.boolean().default(false),
  servername: z.string().max(253).optional(),
};
export const ProbeTlsInput = z.object({ ...TlsCommon, key: z.string().max(262144).optional(), passphrase: z.string().max(1024).optional() });
export const ProbeTlsView = z.object({ ...TlsCommon, hasKey: z.boolean(), hasPassphrase: z.boolean() });

const ProxyUrl = z
  .string()
  .refine((s) => URL.canParse(s) && new URL(s).protocol === 'http:', 'proxy must be an http:// URL (HTTP CONNECT)');
export const ProbeProxyInput = z.object({ url: ProxyUrl, username: z.string().max(256).optional(), password: z.string().max(1024).optional() });
export const ProbeProxyView = z.object({ url: z.string(), username: z.string().optional(), hasPassword: z.boolean() });

export const ProbeReconnect = z.object({
  enabled: z.boolean().default(false),
  /** Base of the full-jitter backoff: delay = random(0, min(maxDelayMs, initialDelayMs·2^attempt)). */
  initialDelayMs: z.number().int().min(10).max(600_000).default(500),
  maxDelayMs: z.number().int().min(10).max(3_600_000).default(30_000),
  /** 0 = unlimited. */
  maxAttempts: z.number().int().min(0).max(1_000_000).default(0),
});

export const ProbePing = z.object({
  /** 0 disables periodic pings. */
  intervalMs: z.number().int().min(0).max(3_600_000).default(0),
  payload: z.string().max(125).default(''),
});

/** How requests and replies are paired: a dotted JSON path on each side (defaults: Switchboard's id ↔ inReplyTo). */
export const ProbeCorrelation = z.object({
  enabled: z.boolean().default(true),
  requestPath: z.string().min(1).max(256).default('id'),
  replyPath: z.string().min(1).max(256).default('inReplyTo'),
});

export const ProbeHelper = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  /** Switchboard protocol: optionally auto-answer server `request` frames with `answer` (JSON text). */
  z.object({ type: z.literal('switchboard'), autoAnswer: z.boolean().default(false), answer: z.string().max(65536).refine(isJson, 'answer must be valid JSON').default('{"ok":true}') }),
  /** STOMP over WebSocket: incoming frames are parsed into command/headers/body in the log text. */
  z.object({ type: z.literal('stomp') }),
]);

export const ProbeLimits = z.object({
  /** Incoming message limit; a bigger one closes the socket with 1009. */
  maxMessageBytes: z.number().int().min(1).max(1024 * 1024 * 1024).default(16 * 1024 * 1024),
  /** Log retention cap; beyond it the oldest entries are dropped and counted. */
  maxEntries: z.number().int().min(1000).max(5_000_000).default(1_000_000),
  /** Flood guard: more incoming messages than this per second pauses reading for a moment. */
  floodMessagesPerSecond: z.number().int().min(10).max(10_000_000).default(50_000),
});

const ConfigCommon = {
  name: z.string().min(1).max(200),
  url: ProbeUrl,
  query: z.array(NameValue).max(100).default([]),
  headers: z.array(z.object({ name: HeaderName, value: z.string().max(8192) })).max(100).default([]),
  subprotocols: z.array(z.string().min(1).max(256).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid subprotocol token')).max(32).default([]),
  origin: z.string().max(2048).optional(),
  handshakeTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  reconnect: ProbeReconnect.default({ enabled: false, initialDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 0 }),
  ping: ProbePing.default({ intervalMs: 0, payload: '' }),
  correlation: ProbeCorrelation.default({ enabled: true, requestPath: 'id', replyPath: 'inReplyTo' }),
  helper: ProbeHelper.default({ type: 'none' }),
  limits: ProbeLimits.default({ maxMessageBytes: 16 * 1024 * 1024, maxEntries: 1_000_000, floodMessagesPerSecond: 50_000 }),
};

export const ProbeSessionConfigInput = z.object({
  ...ConfigCommon,
  auth: ProbeAuthInput.default({ type: 'none' }),
  tls: ProbeTlsInput.optional(),
  proxy: ProbeProxyInput.optional(),
});
export type ProbeSessionConfigInput = z.input<typeof ProbeSessionConfigInput>;
export type ProbeSessionConfig = z.output<typeof ProbeSessionConfigInput>;

export const ProbeSessionConfigView = z.object({
  ...ConfigCommon,
  auth: ProbeAuthView,
  tls: ProbeTlsView.optional(),
  proxy: ProbeProxyView.optional(),
});
export type ProbeSessionConfigView = z.output<typeof ProbeSessionConfigView>;

export const ProbeSessionView = z.object({
  id: ProbeId,
  config: ProbeSessionConfigView,
  state: ProbeSessionState,
  /** Subprotocol the server agreed to, from the last successful handshake. */
  protocol: z.string().nullable(),
  extensions: z.string().nullable(),
  /** Visible warnings, e.g. `insecure-tls` when certificate errors are ignored. */
  warnings: z.array(z.enum(['insecure-tls'])),
  reconnectAttempt: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  /** True for sessions created by an import: a log to read, not a socket to open. */
  imported: z.boolean(),
  stats: ProbeLogStatsSchema,
  createdAt: IsoTime,
});
export type ProbeSessionView = z.infer<typeof ProbeSessionView>;

/** Binary payloads: hex (whitespace allowed) or base64 text, or a file read by the core. */
export const ProbeBinarySource = z.discriminatedUnion('encoding', [
  z.object({ encoding: z.literal('hex'), data: z.string().max(64 * 1024 * 1024).regex(/^(?:\s*[0-9a-fA-F]{2})*\s*$/, 'malformed hex: expected pairs of hex digits') }),
  z.object({ encoding: z.literal('base64'), data: z.string().max(96 * 1024 * 1024).regex(/^[A-Za-z0-9+/\s]*={0,2}\s*$/, 'malformed base64') }),
  z.object({ encoding: z.literal('file'), path: z.string().min(1).max(4096) }),
]);

export const ProbeSwitchboardFrame = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hello'), clientId: z.string().min(1).max(256), clientName: z.string().max(256).optional(), username: z.string().optional(), password: z.string().optional(), apiKey: z.string().optional(), token: z.string().optional() }),
  /** `id` is generated when omitted; `data` is JSON text. */
  z.object({ kind: z.literal('request'), id: z.string().max(128).optional(), data: z.string().refine(isJson, 'data must be valid JSON').default('null') }),
  z.object({ kind: z.literal('subscribe'), id: z.string().max(128).optional(), topic: z.string().min(1).max(200) }),
  z.object({ kind: z.literal('unsubscribe'), id: z.string().max(128).optional(), topic: z.string().min(1).max(200) }),
  z.object({ kind: z.literal('publish'), id: z.string().max(128).optional(), topic: z.string().min(1).max(200), data: z.string().refine(isJson, 'data must be valid JSON').default('null') }),
  z.object({ kind: z.literal('ack'), topic: z.string().min(1).max(200), seq: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('response'), inReplyTo: z.string().min(1).max(128), ok: z.boolean().default(true), data: z.string().refine(isJson, 'data must be valid JSON').default('null') }),
]);

const StompHeaders = z.array(NameValue).max(100).default([]);
export const ProbeStompFrame = z.discriminatedUnion('command', [
  z.object({ command: z.literal('CONNECT'), host: z.string().max(256).default('/'), login: z.string().max(256).optional(), passcode: z.string().max(1024).optional(), heartBeat: z.string().regex(/^\d+,\d+$/).default('0,0'), headers: StompHeaders }),
  z.object({ command: z.literal('SUBSCRIBE'), destination: z.string().min(1).max(1024), id: z.string().min(1).max(256), ack: z.enum(['auto', 'client', 'client-individual']).default('auto'), headers: StompHeaders }),
  z.object({ command: z.literal('UNSUBSCRIBE'), id: z.string().min(1).max(256), headers: StompHeaders }),
  z.object({ command: z.literal('SEND'), destination: z.string().min(1).max(1024), body: z.string().max(16 * 1024 * 1024).default(''), contentType: z.string().max(256).optional(), headers: StompHeaders }),
  z.object({ command: z.literal('ACK'), id: z.string().min(1).max(1024), headers: StompHeaders }),
  z.object({ command: z.literal('NACK'), id: z.string().min(1).max(1024), headers: StompHeaders }),
  z.object({ command: z.literal('DISCONNECT'), receipt: z.string().max(256).optional(), headers: StompHeaders }),
]);

/** What can be sent on an open session. */
export const ProbeMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), data: z.string().max(64 * 1024 * 1024) }),
  z.object({ type: z.literal('json'), data: z.string().max(64 * 1024 * 1024).refine(isJson, 'not valid JSON') }),
  z.object({ type: z.literal('binary'), source: ProbeBinarySource }),
  /** Ping with an optional payload (≤ 125 bytes, text); the matching pong is logged with its RTT. */
  z.object({ type: z.literal('ping'), payload: z.string().max(125).refine((s) => utf8Bytes(s) <= 125, 'ping payload is at most 125 bytes').default('') }),
  z.object({ type: z.literal('switchboard'), frame: ProbeSwitchboardFrame }),
  z.object({ type: z.literal('stomp'), frame: ProbeStompFrame }),
]);
export type ProbeMessageInput = z.input<typeof ProbeMessage>;
export type ProbeMessage = z.output<typeof ProbeMessage>;

export const ProbeCloseCode = SendableCloseCodeSchema;
export const ProbeCloseReason = CloseReasonSchema;

export const ProbeTemplate = z.object({ id: ProbeId, name: z.string().min(1).max(200), message: ProbeMessage, updatedAt: IsoTime });
export type ProbeTemplate = z.infer<typeof ProbeTemplate>;

const SessionRef = z.object({ sessionId: ProbeId });
const Ok = z.object({ ok: z.literal(true) });

export const probeCalls = defineCalls({
  probeListSessions: { input: z.object({}), output: z.object({ sessions: z.array(ProbeSessionView) }) },
  probeGetSession: { input: SessionRef, output: ProbeSessionView },
  /** Creates (no id) or updates (id) a saved session. Updating an open session applies on next connect. */
  probeSaveSession: { input: z.object({ sessionId: ProbeId.optional(), config: ProbeSessionConfigInput }), output: ProbeSessionView },
  /** Closes the socket if any, deletes the saved session, its log and its secrets. */
  probeDeleteSession: { input: SessionRef, output: Ok },
  /** Connects (from idle or closed). Resolves once `connecting` started; watch `probe.state`. */
  probeOpen: { input: SessionRef, output: ProbeSessionView },
  /** Starts the closing handshake (or cancels a pending reconnect). */
  probeClose: { input: z.object({ sessionId: ProbeId, code: ProbeCloseCode.default(1000), reason: ProbeCloseReason.default('') }), output: ProbeSessionView },
  /** Sends one message; resolves with the index of the logged outgoing entry. */
  probeSend: { input: z.object({ sessionId: ProbeId, message: ProbeMessage }), output: z.object({ index: z.number().int().nonnegative() }) },
  /** Builds the wire text of a helper frame without sending it (for the editor preview). */
  probePreview: { input: z.object({ message: ProbeMessage }), output: z.object({ opcode: z.enum(['text', 'binary']), text: z.string(), size: z.number().int() }) },
  /** Re-sends logged frames (text/binary, any direction) by index, in index order. */
  probeResend: { input: z.object({ sessionId: ProbeId, indices: z.array(z.number().int().nonnegative()).min(1).max(10_000) }), output: z.object({ indices: z.array(z.number().int().nonnegative()) }) },
  /**
   * Pages through the (filtered) log. `offset`/`limit` count matching rows; with `anchorIndex` the page
   * that contains that entry is returned instead (jump to pair), and `offset` says where it starts.
   */
  probeQueryLog: {
    input: z.object({
      sessionId: ProbeId,
      filter: ProbeLogFilterSchema.default({}),
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().min(1).max(2000).default(200),
      anchorIndex: z.number().int().nonnegative().optional(),
    }),
    output: z.object({
      rows: z.array(ProbeLogRowSchema),
      offset: z.number().int().nonnegative(),
      /** Number of rows matching the filter. */
      matched: z.number().int().nonnegative(),
      stats: ProbeLogStatsSchema,
      tookMs: z.number().nonnegative(),
    }),
  },
  /** Writes the session log to a file (default: <dataDir>/probe/exports/<name>-<time>.<ext>). */
  probeExport: {
    input: z.object({ sessionId: ProbeId, format: z.enum(['ndjson', 'har']), path: z.string().min(1).max(4096).optional() }),
    output: z.object({ path: z.string(), entries: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }),
  },
  /** Reads an NDJSON or HAR-style export (validated) into a new, imported session. */
  probeImport: { input: z.object({ path: z.string().min(1).max(4096), name: z.string().min(1).max(200).optional() }), output: ProbeSessionView },
  probeListTemplates: { input: z.object({}), output: z.object({ templates: z.array(ProbeTemplate) }) },
  probeSaveTemplate: { input: z.object({ id: ProbeId.optional(), name: z.string().min(1).max(200), message: ProbeMessage }), output: ProbeTemplate },
  probeDeleteTemplate: { input: z.object({ id: ProbeId }), output: Ok },
});

export const probeEvents = defineEvents({
  /** Every state transition of a session (also written to its log). */
  'probe.state': z.object({ sessionId: ProbeId, from: ProbeSessionState, to: ProbeSessionState, at: IsoTime, reason: z.string().optional(), session: ProbeSessionView }),
  /**
   * Batched log growth, at most one per session every ~50 ms: counters plus summaries of the last
   * appended entries (at most 100; `appended` says how many there were in the batch).
   */
  'probe.log': z.object({ sessionId: ProbeId, appended: z.number().int().nonnegative(), tail: z.array(ProbeLogSummarySchema), stats: ProbeLogStatsSchema }),
  /** The saved session list changed (created, saved, deleted, imported). */
  'probe.sessions': z.object({ sessions: z.array(ProbeSessionView) }),
  'probe.templates': z.object({ templates: z.array(ProbeTemplate) }),
});
