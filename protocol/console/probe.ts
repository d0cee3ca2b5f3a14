import { z } from 'zod';
import { CloseReasonSchema, SendableCloseCodeSchema } from '../close-codes';
import { IsoTime } from '../time';
import { defineCalls, defineEvents } from './define';
import { isJson, ProbeMessage } from './probe-messages';
import { isSensitiveHeader, isSensitiveQuery } from './probe-secrets';
import {
  ProbeLogFilterSchema,
  ProbeLogRowSchema,
  ProbeLogStatsSchema,
  ProbeLogSummarySchema,
  ProbeSessionState,
} from './probe-log';

export * from './probe-log';
export * from './probe-messages';
export * from './probe-secrets';

/**
 * Ad hoc outgoing WebSocket sessions (the probe). Sockets live in the console core; the renderer
 * only holds ids and pages through logs. Secrets (auth password/token/key, TLS key + passphrase, proxy
 * password, and header/query values marked secret) go in through these calls and never come back:
 * views carry `has…` flags instead. Convention for secret fields on save: omitted = keep the stored
 * value, '' = clear it. Files move through the contract (download/upload in chunks, or the desktop
 * app's native dialogs): the renderer never names a path on the machine running the core.
 */


export const ProbeId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'ids are letters, digits, _ and -');

/** ws: or wss: only; anything else is a validation error on the url field. */
export const ProbeUrl = z
  .string()
  .min(1, 'a URL is required')
  .max(8192)
  .refine((s) => URL.canParse(s), 'not a valid URL')
  .refine((s) => !URL.canParse(s) || ['ws:', 'wss:'].includes(new URL(s).protocol), 'only ws: and wss: URLs are allowed');

const HeaderName = z.string().min(1).max(256).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name');

/**
 * A header or query parameter of a session. `secret` entries (forced for credential-like names, see
 * probe-secrets.ts) keep their value in the secret store: on save an omitted value keeps the stored
 * one; a plain entry always carries its value.
 */
const paramInput = (name: z.ZodString, sensitive: (n: string) => boolean) =>
  z
    .strictObject({ name, value: z.string().max(8192).optional(), secret: z.boolean().optional() })
    .superRefine((p, ctx) => {
      if (p.value === undefined && !(p.secret || sensitive(p.name))) ctx.addIssue({ code: 'custom', path: ['value'], message: 'a value is required (only a secret entry may omit it to keep the stored one)' });
    })
    .transform((p) => ({ name: p.name, ...(p.value !== undefined ? { value: p.value } : {}), secret: p.secret === true || sensitive(p.name) }));
export type ProbeParam = { name: string; value?: string; secret: boolean };

/** Header names are unique (case-insensitive): the dialer refuses a header given twice. */
export const ProbeHeadersInput = z
  .array(paramInput(HeaderName, isSensitiveHeader))
  .max(100)
  .superRefine((hs, ctx) => {
    const seen = new Set<string>();
    hs.forEach((h, i) => {
      const k = h.name.toLowerCase();
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `header ${h.name} is given twice` });
      seen.add(k);
    });
  });
/** Query names may repeat (a=1&a=2), but a secret one is stored by name, so it must be unique. */
export const ProbeQueryInput = z
  .array(paramInput(z.string().min(1).max(256), isSensitiveQuery))
  .max(100)
  .superRefine((qs, ctx) => {
    qs.forEach((q, i) => {
      if (q.secret && qs.some((o, j) => j !== i && o.name === q.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `secret query parameter ${q.name} must have a unique name` });
    });
  });
/** In views a secret entry has no value, only whether one is stored. */
const ParamView = z.strictObject({ name: z.string(), value: z.string().optional(), secret: z.boolean(), hasValue: z.boolean() });
export type ProbeParamView = z.infer<typeof ParamView>;

export const ProbeAuthInput = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('basic'), username: z.string().max(256), password: z.string().max(1024).optional() }),
  z.strictObject({ type: z.literal('bearer'), token: z.string().max(16384).optional() }),
  /** An API key sent in a header of its own (default `X-API-Key`). */
  z.strictObject({ type: z.literal('api-key'), header: HeaderName.default('X-API-Key'), key: z.string().max(16384).optional() }),
]);
export const ProbeAuthView = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('basic'), username: z.string(), hasPassword: z.boolean() }),
  z.strictObject({ type: z.literal('bearer'), hasToken: z.boolean() }),
  z.strictObject({ type: z.literal('api-key'), header: z.string(), hasKey: z.boolean() }),
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
export const ProbeTlsInput = z.strictObject({ ...TlsCommon, key: z.string().max(262144).optional(), passphrase: z.string().max(1024).optional() });
export const ProbeTlsView = z.strictObject({ ...TlsCommon, hasKey: z.boolean(), hasPassphrase: z.boolean() });

const ProxyUrl = z
  .string()
  .refine((s) => URL.canParse(s) && new URL(s).protocol === 'http:', 'proxy must be an http:// URL (HTTP CONNECT)');
export const ProbeProxyInput = z.strictObject({ url: ProxyUrl, username: z.string().max(256).optional(), password: z.string().max(1024).optional() });
export const ProbeProxyView = z.strictObject({ url: z.string(), username: z.string().optional(), hasPassword: z.boolean() });

export const ProbeReconnect = z.strictObject({
  enabled: z.boolean().default(false),
  /** Base of the full-jitter backoff: delay = random(0, min(maxDelayMs, initialDelayMs·2^attempt)). */
  initialDelayMs: z.number().int().min(10).max(600_000).default(500),
  maxDelayMs: z.number().int().min(10).max(3_600_000).default(30_000),
  /** 0 = unlimited. */
  maxAttempts: z.number().int().min(0).max(1_000_000).default(0),
});

export const ProbePing = z.strictObject({
  /** 0 disables periodic pings. */
  intervalMs: z.number().int().min(0).max(3_600_000).default(0),
  payload: z.string().max(125).default(''),
});

/** Named pairing rules: the paths each uses (`custom` takes the paths given). */
export const PROBE_PAIRING_PRESETS = {
  /** Switchboard frames: a request's `id` is answered by a response's `inReplyTo`. */
  switchboard: { requestPath: 'id', replyPath: 'inReplyTo' },
  /** JSON-RPC 2.0: `{id, method}` is a request, `{id, result|error}` its reply (same field both ways). */
  jsonrpc: { requestPath: 'id', replyPath: 'id' },
} as const;
export const ProbePairingPreset = z.enum(['switchboard', 'jsonrpc', 'custom']);
export type ProbePairingPreset = z.infer<typeof ProbePairingPreset>;

const CorrelationPath = z.string().min(1).max(256);
/**
 * How requests and replies are paired: a dotted JSON path on each side, or a named preset.
 * Without a preset, paths equal to Switchboard's (or none) mean `switchboard`, others `custom`, so
 * sessions saved before presets existed read the same.
 */
export const ProbeCorrelation = z
  .strictObject({ enabled: z.boolean().default(true), preset: ProbePairingPreset.optional(), requestPath: CorrelationPath.optional(), replyPath: CorrelationPath.optional() })
  .superRefine((c, ctx) => {
    if (!c.preset || c.preset === 'custom') return;
    const p = PROBE_PAIRING_PRESETS[c.preset];
    for (const k of ['requestPath', 'replyPath'] as const) {
      if (c[k] !== undefined && c[k] !== p[k]) ctx.addIssue({ code: 'custom', path: [k], message: `the ${c.preset} preset pairs ${p.requestPath} ↔ ${p.replyPath}; choose the custom preset for other paths` });
    }
  })
  .transform((c): { enabled: boolean; preset: ProbePairingPreset; requestPath: string; replyPath: string } => {
    const sb = PROBE_PAIRING_PRESETS.switchboard;
    const preset = c.preset ?? ((c.requestPath ?? sb.requestPath) === sb.requestPath && (c.replyPath ?? sb.replyPath) === sb.replyPath ? 'switchboard' : 'custom');
    const paths = preset === 'custom' ? { requestPath: c.requestPath ?? sb.requestPath, replyPath: c.replyPath ?? sb.replyPath } : PROBE_PAIRING_PRESETS[preset];
    return { enabled: c.enabled, preset, ...paths };
  });

export const ProbeHelper = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  /** Switchboard protocol: optionally auto-answer server `request` frames with `answer` (JSON text). */
  z.strictObject({ type: z.literal('switchboard'), autoAnswer: z.boolean().default(false), answer: z.string().max(65536).refine(isJson, 'answer must be valid JSON').default('{"ok":true}') }),
  /** STOMP over WebSocket: incoming frames are parsed into command/headers/body in the log text. */
  z.strictObject({ type: z.literal('stomp') }),
]);

export const ProbeLimits = z.strictObject({
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
  subprotocols: z.array(z.string().min(1).max(256).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid subprotocol token')).max(32).default([]),
  origin: z.string().max(2048).optional(),
  handshakeTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  reconnect: ProbeReconnect.default({ enabled: false, initialDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 0 }),
  ping: ProbePing.default({ intervalMs: 0, payload: '' }),
  correlation: ProbeCorrelation.default({ enabled: true, preset: 'switchboard', requestPath: 'id', replyPath: 'inReplyTo' }),
  helper: ProbeHelper.default({ type: 'none' }),
  limits: ProbeLimits.default({ maxMessageBytes: 16 * 1024 * 1024, maxEntries: 1_000_000, floodMessagesPerSecond: 50_000 }),
};

export const ProbeSessionConfigInput = z.strictObject({
  ...ConfigCommon,
  query: ProbeQueryInput.default([]),
  headers: ProbeHeadersInput.default([]),
  auth: ProbeAuthInput.default({ type: 'none' }),
  tls: ProbeTlsInput.optional(),
  proxy: ProbeProxyInput.optional(),
});
export type ProbeSessionConfigInput = z.input<typeof ProbeSessionConfigInput>;
export type ProbeSessionConfig = z.output<typeof ProbeSessionConfigInput>;

export const ProbeSessionConfigView = z.strictObject({
  ...ConfigCommon,
  query: z.array(ParamView),
  headers: z.array(ParamView),
  auth: ProbeAuthView,
  tls: ProbeTlsView.optional(),
  proxy: ProbeProxyView.optional(),
});
export type ProbeSessionConfigView = z.output<typeof ProbeSessionConfigView>;

export const ProbeSessionView = z.strictObject({
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

export const ProbeCloseCode = SendableCloseCodeSchema;
export const ProbeCloseReason = CloseReasonSchema;

export const ProbeTemplate = z.strictObject({ id: ProbeId, name: z.string().min(1).max(200), message: ProbeMessage, updatedAt: IsoTime });
export type ProbeTemplate = z.infer<typeof ProbeTemplate>;

const SessionRef = z.strictObject({ sessionId: ProbeId });
const Ok = z.strictObject({ ok: z.literal(true) });

export const ProbeExportFormat = z.enum(['ndjson', 'har']);
/** Bounds of file transfers through the contract (documented in docs/probe.md). */
export const PROBE_TRANSFER_LIMITS = {
  /** Largest chunk of a download read or upload write (decoded bytes). */
  maxChunkBytes: 4 * 1024 * 1024,
  /** Largest upload; bigger files are refused at probeUploadStart. */
  maxUploadBytes: 512 * 1024 * 1024,
  /** Transfers open at once; starting one more closes the oldest. */
  maxOpen: 8,
  /** A transfer untouched this long is closed and its temporary file deleted. */
  idleMs: 5 * 60_000,
} as const;
const TransferId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a transfer id');
const ProbeDownload = z.strictObject({
  transferId: TransferId,
  /** Suggested file name: <session name>-<UTC time>.<ndjson|har>. */
  fileName: z.string(),
  mimeType: z.string(),
  bytes: z.number().int().nonnegative(),
  entries: z.number().int().nonnegative(),
});

export const probeCalls = defineCalls({
  'probe.listSessions': { input: z.strictObject({}), output: z.strictObject({ sessions: z.array(ProbeSessionView) }) },
  'probe.getSession': { input: SessionRef, output: ProbeSessionView },
  /** Creates (no id) or updates (id) a saved session. Updating an open session applies on next connect. */
  'probe.saveSession': { input: z.strictObject({ sessionId: ProbeId.optional(), config: ProbeSessionConfigInput }), output: ProbeSessionView },
  /** Closes the socket if any, deletes the saved session, its log and its secrets. */
  'probe.deleteSession': { input: SessionRef, output: Ok },
  /** Connects (from idle or closed). Resolves once `connecting` started; watch `probe.state`. */
  'probe.open': { input: SessionRef, output: ProbeSessionView },
  /** Starts the closing handshake (or cancels a pending reconnect). */
  'probe.close': { input: z.strictObject({ sessionId: ProbeId, code: ProbeCloseCode.default(1000), reason: ProbeCloseReason.default('') }), output: ProbeSessionView },
  /** Sends one message; resolves with the index of the logged outgoing entry. */
  'probe.send': { input: z.strictObject({ sessionId: ProbeId, message: ProbeMessage }), output: z.strictObject({ index: z.number().int().nonnegative() }) },
  /** Builds the wire text of a helper frame without sending it (for the editor preview). */
  'probe.preview': { input: z.strictObject({ message: ProbeMessage }), output: z.strictObject({ opcode: z.enum(['text', 'binary']), text: z.string(), size: z.number().int() }) },
  /** Re-sends logged frames (text/binary, any direction) by index, in index order. */
  'probe.resend': { input: z.strictObject({ sessionId: ProbeId, indices: z.array(z.number().int().nonnegative()).min(1).max(10_000) }), output: z.strictObject({ indices: z.array(z.number().int().nonnegative()) }) },
  /**
   * Pages through the (filtered) log. `offset`/`limit` count matching rows; with `anchorIndex` the page
   * that contains that entry is returned instead (jump to pair), and `offset` says where it starts.
   */
  'probe.queryLog': {
    input: z.strictObject({
      sessionId: ProbeId,
      filter: ProbeLogFilterSchema.default({}),
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().min(1).max(2000).default(200),
      anchorIndex: z.number().int().nonnegative().optional(),
    }),
    output: z.strictObject({
      rows: z.array(ProbeLogRowSchema),
      offset: z.number().int().nonnegative(),
      /** Number of rows matching the filter. */
      matched: z.number().int().nonnegative(),
      stats: ProbeLogStatsSchema,
      tookMs: z.number().nonnegative(),
    }),
  },
  /**
   * Starts a download of the session log (web host: the renderer reads it in chunks and saves it with
   * the browser). Secret header/query values are redacted unless `includeSecrets`.
   */
  'probe.downloadStart': { input: z.strictObject({ sessionId: ProbeId, format: ProbeExportFormat, includeSecrets: z.boolean().default(false) }), output: ProbeDownload },
  /** One chunk of a download, base64 (at most maxChunkBytes decoded). */
  'probe.downloadRead': {
    input: z.strictObject({ transferId: TransferId, offset: z.number().int().nonnegative(), length: z.number().int().min(1).max(PROBE_TRANSFER_LIMITS.maxChunkBytes) }),
    output: z.strictObject({ data: z.string(), bytes: z.number().int().nonnegative() }),
  },
  /** Starts an upload of an export file the user picked in the browser; `bytes` is its size. */
  'probe.uploadStart': {
    input: z.strictObject({ fileName: z.string().min(1).max(255), bytes: z.number().int().nonnegative() }),
    output: z.strictObject({ transferId: TransferId, maxChunkBytes: z.number().int().positive() }),
  },
  /** Appends one chunk (base64) at `offset`; chunks must come in order. */
  'probe.uploadWrite': {
    input: z.strictObject({ transferId: TransferId, offset: z.number().int().nonnegative(), data: z.string().max(Math.ceil(PROBE_TRANSFER_LIMITS.maxChunkBytes / 3) * 4).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'malformed base64') }),
    output: z.strictObject({ received: z.number().int().nonnegative() }),
  },
  /** Imports the uploaded file (validated, like a file import) into a new, read-only session. */
  'probe.uploadFinish': { input: z.strictObject({ transferId: TransferId, name: z.string().min(1).max(200).optional() }), output: ProbeSessionView },
  /** Ends a download or abandons an upload (its temporary file is deleted). */
  'probe.transferClose': { input: z.strictObject({ transferId: TransferId }), output: Ok },
  /** Desktop app: asks where to save with the native dialog and writes the export there. */
  'probe.exportToFile': {
    input: z.strictObject({ sessionId: ProbeId, format: ProbeExportFormat, includeSecrets: z.boolean().default(false) }),
    output: z.discriminatedUnion('saved', [
      z.strictObject({ saved: z.literal(false) }),
      z.strictObject({ saved: z.literal(true), path: z.string(), entries: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }),
    ]),
  },
  /** Desktop app: picks an export with the native dialog and imports it (null when cancelled). */
  'probe.importFromFile': { input: z.strictObject({ name: z.string().min(1).max(200).optional() }), output: z.strictObject({ session: ProbeSessionView.nullable() }) },
  'probe.listTemplates': { input: z.strictObject({}), output: z.strictObject({ templates: z.array(ProbeTemplate) }) },
  'probe.saveTemplate': { input: z.strictObject({ id: ProbeId.optional(), name: z.string().min(1).max(200), message: ProbeMessage }), output: ProbeTemplate },
  'probe.deleteTemplate': { input: z.strictObject({ id: ProbeId }), output: Ok },
});

export const probeEvents = defineEvents({
  /** Every state transition of a session (also written to its log). */
  'probe.state': z.strictObject({ sessionId: ProbeId, from: ProbeSessionState, to: ProbeSessionState, at: IsoTime, reason: z.string().optional(), session: ProbeSessionView }),
  /**
   * Batched log growth, at most one per session every ~50 ms: counters plus summaries of the last
   * appended entries (at most 100; `appended` says how many there were in the batch).
   */
  'probe.log': z.strictObject({ sessionId: ProbeId, appended: z.number().int().nonnegative(), tail: z.array(ProbeLogSummarySchema), stats: ProbeLogStatsSchema }),
  /** The saved session list changed (created, saved, deleted, imported). */
  'probe.sessions': z.strictObject({ sessions: z.array(ProbeSessionView) }),
  'probe.templates': z.strictObject({ templates: z.array(ProbeTemplate) }),
});
