import { isSensitiveHeader, isSensitiveQuery, PROBE_PAIRING_PRESETS, ProbeSessionConfigInput, type ProbePairingPreset, type ProbeParamView, type ProbeSessionConfigView } from '../../../../../protocol/console/probe';
import { validateWsUrl } from '../lib/ws-url';

/**
 * One header or query row of the form. A secret row's value is write-only: `stored` says the core
 * holds one, and an empty field then means "keep it".
 */
export interface ParamRow {
  name: string;
  value: string;
  secret: boolean;
  stored: boolean;
}

export const emptyRow = (): ParamRow => ({ name: '', value: '', secret: false, stored: false });

/** Credential-like names are always secret (the core enforces the same rule). */
export const forcedSecret = (kind: 'headers' | 'query', name: string): boolean => (kind === 'headers' ? isSensitiveHeader(name.trim()) : isSensitiveQuery(name.trim()));

/**
 * The connect form as strings (what the inputs hold) and its translation to the contract's session
 * config. Secrets are write-only: an empty secret field on an existing session means "keep".
 */
export interface ConnectForm {
  name: string;
  url: string;
  query: ParamRow[];
  headers: ParamRow[];
  subprotocols: string;
  origin: string;
  handshakeTimeoutMs: string;
  authType: 'none' | 'basic' | 'bearer' | 'api-key';
  username: string;
  password: string;
  token: string;
  apiKeyHeader: string;
  apiKey: string;
  hasPassword: boolean;
  hasToken: boolean;
  hasApiKey: boolean;
  tlsEnabled: boolean;
  ca: string;
  caPath: string;
  cert: string;
  certPath: string;
  key: string;
  keyPath: string;
  passphrase: string;
  hasKey: boolean;
  hasPassphrase: boolean;
  servername: string;
  ignoreCertErrors: boolean;
  proxyEnabled: boolean;
  proxyUrl: string;
  proxyUsername: string;
  proxyPassword: string;
  hasProxyPassword: boolean;
  reconnect: boolean;
  initialDelayMs: string;
  maxDelayMs: string;
  maxAttempts: string;
  pingIntervalMs: string;
  pingPayload: string;
  correlation: boolean;
  pairingPreset: ProbePairingPreset;
  requestPath: string;
  replyPath: string;
  helper: 'none' | 'switchboard' | 'stomp';
  autoAnswer: boolean;
  answer: string;
  maxMessageBytes: string;
  maxEntries: string;
  floodMessagesPerSecond: string;
}

export function newForm(): ConnectForm {
  return {
    name: '', url: 'ws://', query: [], headers: [], subprotocols: '', origin: '', handshakeTimeoutMs: '10000',
    authType: 'none', username: '', password: '', token: '', apiKeyHeader: 'X-API-Key', apiKey: '', hasPassword: false, hasToken: false, hasApiKey: false,
    tlsEnabled: false, ca: '', caPath: '', cert: '', certPath: '', key: '', keyPath: '', passphrase: '', hasKey: false, hasPassphrase: false, servername: '', ignoreCertErrors: false,
    proxyEnabled: false, proxyUrl: '', proxyUsername: '', proxyPassword: '', hasProxyPassword: false,
    reconnect: false, initialDelayMs: '500', maxDelayMs: '30000', maxAttempts: '0',
    pingIntervalMs: '0', pingPayload: '',
    correlation: true, pairingPreset: 'switchboard', requestPath: 'id', replyPath: 'inReplyTo',
    helper: 'none', autoAnswer: false, answer: '{"ok":true}',
    maxMessageBytes: String(16 * 1024 * 1024), maxEntries: '1000000', floodMessagesPerSecond: '50000',
  };
}

const rowOf = (p: ProbeParamView): ParamRow => ({ name: p.name, value: p.value ?? '', secret: p.secret, stored: p.secret && p.hasValue });

export function formFromView(c: ProbeSessionConfigView): ConnectForm {
  const f = newForm();
  return {
    ...f,
    name: c.name,
    url: c.url,
    query: c.query.map(rowOf),
    headers: c.headers.map(rowOf),
    subprotocols: c.subprotocols.join(', '),
    origin: c.origin ?? '',
    handshakeTimeoutMs: String(c.handshakeTimeoutMs),
    authType: c.auth.type,
    username: c.auth.type === 'basic' ? c.auth.username : '',
    hasPassword: c.auth.type === 'basic' && c.auth.hasPassword,
    hasToken: c.auth.type === 'bearer' && c.auth.hasToken,
    apiKeyHeader: c.auth.type === 'api-key' ? c.auth.header : f.apiKeyHeader,
    hasApiKey: c.auth.type === 'api-key' && c.auth.hasKey,
    tlsEnabled: c.tls !== undefined,
    ca: c.tls?.ca ?? '',
    caPath: c.tls?.caPath ?? '',
    cert: c.tls?.cert ?? '',
    certPath: c.tls?.certPath ?? '',
    keyPath: c.tls?.keyPath ?? '',
    hasKey: c.tls?.hasKey ?? false,
    hasPassphrase: c.tls?.hasPassphrase ?? false,
    servername: c.tls?.servername ?? '',
    ignoreCertErrors: c.tls?.ignoreCertErrors ?? false,
    proxyEnabled: c.proxy !== undefined,
    proxyUrl: c.proxy?.url ?? '',
    proxyUsername: c.proxy?.username ?? '',
    hasProxyPassword: c.proxy?.hasPassword ?? false,
    reconnect: c.reconnect.enabled,
    initialDelayMs: String(c.reconnect.initialDelayMs),
    maxDelayMs: String(c.reconnect.maxDelayMs),
    maxAttempts: String(c.reconnect.maxAttempts),
    pingIntervalMs: String(c.ping.intervalMs),
    pingPayload: c.ping.payload,
    correlation: c.correlation.enabled,
    pairingPreset: c.correlation.preset,
    requestPath: c.correlation.requestPath,
    replyPath: c.correlation.replyPath,
    helper: c.helper.type,
    autoAnswer: c.helper.type === 'switchboard' ? c.helper.autoAnswer : false,
    answer: c.helper.type === 'switchboard' ? c.helper.answer : f.answer,
    maxMessageBytes: String(c.limits.maxMessageBytes),
    maxEntries: String(c.limits.maxEntries),
    floodMessagesPerSecond: String(c.limits.floodMessagesPerSecond),
  };
}

export type FormErrors = Partial<Record<keyof ConnectForm | 'form', string>>;
export type FormResult = { ok: true; config: ProbeSessionConfigInput } | { ok: false; errors: FormErrors };

const opt = (s: string) => (s.trim() === '' ? undefined : s.trim());
/**
 * Secrets are write-only: an empty field is omitted, which the core reads as "keep the stored value"
 * (or "none" when nothing is stored); typing a value replaces it.
 */
const secret = (typed: string, _stored: boolean) => (typed === '' ? undefined : typed);

/** Maps contract paths (zod issue paths) to the input that shows the error. */
const FIELD_OF_PATH: Record<string, keyof ConnectForm> = {
  name: 'name', url: 'url', query: 'query', headers: 'headers', subprotocols: 'subprotocols', origin: 'origin', handshakeTimeoutMs: 'handshakeTimeoutMs',
  'auth.username': 'username', 'auth.password': 'password', 'auth.token': 'token', 'auth.header': 'apiKeyHeader', 'auth.key': 'apiKey',
  'tls.ca': 'ca', 'tls.caPath': 'caPath', 'tls.cert': 'cert', 'tls.certPath': 'certPath', 'tls.key': 'key', 'tls.keyPath': 'keyPath', 'tls.passphrase': 'passphrase', 'tls.servername': 'servername',
  'proxy.url': 'proxyUrl', 'proxy.username': 'proxyUsername', 'proxy.password': 'proxyPassword',
  'reconnect.initialDelayMs': 'initialDelayMs', 'reconnect.maxDelayMs': 'maxDelayMs', 'reconnect.maxAttempts': 'maxAttempts',
  'ping.intervalMs': 'pingIntervalMs', 'ping.payload': 'pingPayload',
  'correlation.requestPath': 'requestPath', 'correlation.replyPath': 'replyPath', 'helper.answer': 'answer',
  'limits.maxMessageBytes': 'maxMessageBytes', 'limits.maxEntries': 'maxEntries', 'limits.floodMessagesPerSecond': 'floodMessagesPerSecond',
};

/** Field for a contract path like `config.headers.2.name` (the core's error `field`). */
export function fieldOfPath(path: string): keyof ConnectForm | 'form' {
  const p = path.replace(/^config\./, '').replace(/\.\d+(\.\w+)?$/, '');
  return FIELD_OF_PATH[p] ?? 'form';
}

function num(errors: FormErrors, key: keyof ConnectForm, s: string): number {
  const t = s.trim();
  if (!/^\d+$/.test(t)) {
    errors[key] = 'enter a whole number';
    return NaN;
  }
  return Number(t);
}

export function formToConfig(f: ConnectForm): FormResult {
  const errors: FormErrors = {};
  const url = validateWsUrl(f.url);
  if (!url.ok) errors.url = url.error;
  const query = paramsOf('query', f.query);
  if (!query.ok) errors.query = query.error;
  const headers = paramsOf('headers', f.headers);
  if (!headers.ok) errors.headers = headers.error;
  const config: ProbeSessionConfigInput = {
    name: f.name.trim() || (url.ok ? new URL(url.url).host : 'session'),
    url: f.url.trim(),
    query: query.ok ? query.params : [],
    headers: headers.ok ? headers.params : [],
    subprotocols: f.subprotocols.split(/[\s,]+/).filter(Boolean),
    origin: opt(f.origin),
    handshakeTimeoutMs: num(errors, 'handshakeTimeoutMs', f.handshakeTimeoutMs),
    auth:
      f.authType === 'basic' ? { type: 'basic', username: f.username, password: secret(f.password, f.hasPassword) }
      : f.authType === 'bearer' ? { type: 'bearer', token: secret(f.token, f.hasToken) }
      : f.authType === 'api-key' ? { type: 'api-key', header: f.apiKeyHeader.trim(), key: secret(f.apiKey, f.hasApiKey) }
      : { type: 'none' },
    tls: f.tlsEnabled
      ? {
          ca: opt(f.ca), caPath: opt(f.caPath), cert: opt(f.cert), certPath: opt(f.certPath), key: secret(f.key, f.hasKey), keyPath: opt(f.keyPath),
          passphrase: secret(f.passphrase, f.hasPassphrase), servername: opt(f.servername), ignoreCertErrors: f.ignoreCertErrors,
        }
      : undefined,
    proxy: f.proxyEnabled ? { url: f.proxyUrl.trim(), username: opt(f.proxyUsername), password: secret(f.proxyPassword, f.hasProxyPassword) } : undefined,
    reconnect: { enabled: f.reconnect, initialDelayMs: num(errors, 'initialDelayMs', f.initialDelayMs), maxDelayMs: num(errors, 'maxDelayMs', f.maxDelayMs), maxAttempts: num(errors, 'maxAttempts', f.maxAttempts) },
    ping: { intervalMs: num(errors, 'pingIntervalMs', f.pingIntervalMs), payload: f.pingPayload },
    correlation: f.pairingPreset === 'custom' ? { enabled: f.correlation, preset: 'custom', requestPath: f.requestPath.trim(), replyPath: f.replyPath.trim() } : { enabled: f.correlation, preset: f.pairingPreset },
    helper: f.helper === 'switchboard' ? { type: 'switchboard', autoAnswer: f.autoAnswer, answer: f.answer } : f.helper === 'stomp' ? { type: 'stomp' } : { type: 'none' },
    limits: { maxMessageBytes: num(errors, 'maxMessageBytes', f.maxMessageBytes), maxEntries: num(errors, 'maxEntries', f.maxEntries), floodMessagesPerSecond: num(errors, 'floodMessagesPerSecond', f.floodMessagesPerSecond) },
  };
  if (f.correlation && f.pairingPreset === 'custom') {
    for (const k of ['requestPath', 'replyPath'] as const) {
      const e = dottedPathError(f[k]);
      if (e) errors[k] = e;
    }
  }
  if (f.reconnect && !errors.maxDelayMs && !errors.initialDelayMs && config.reconnect!.maxDelayMs! < config.reconnect!.initialDelayMs!) errors.maxDelayMs = 'the cap must be at least the initial delay';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  // The contract's own schema has the final word (ranges, header names, subprotocol tokens…).
  const parsed = ProbeSessionConfigInput.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = fieldOfPath(issue.path.join('.'));
      if (!errors[key]) errors[key] = issue.message;
    }
    return { ok: false, errors };
  }
  return { ok: true, config };
}

type ParamsResult = { ok: true; params: NonNullable<ProbeSessionConfigInput['headers']> } | { ok: false; error: string };

/**
 * Rows → contract entries. Blank rows are skipped; a secret row left empty keeps the stored value
 * (omitted), and one with nothing stored must be filled in.
 */
export function paramsOf(kind: 'headers' | 'query', rows: ParamRow[]): ParamsResult {
  const params: NonNullable<ProbeSessionConfigInput['headers']> = [];
  for (const [i, r] of rows.entries()) {
    const name = r.name.trim();
    if (name === '' && r.value === '') continue;
    const row = `row ${i + 1}`;
    if (name === '') return { ok: false, error: `${row}: enter a name` };
    if (kind === 'headers' && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return { ok: false, error: `${row}: "${name}" is not a valid header name` };
    const secret = r.secret || forcedSecret(kind, name);
    if (secret && r.value === '') {
      if (!r.stored) return { ok: false, error: `${row}: enter a value for the secret ${kind === 'headers' ? 'header' : 'parameter'} ${name}` };
      params.push({ name, secret: true });
    } else {
      params.push({ name, value: r.value, ...(secret ? { secret: true } : {}) });
    }
  }
  return { ok: true, params };
}

/** The paths a preset pairs, for the form's read-only display. */
export const presetPaths = (p: Exclude<ProbePairingPreset, 'custom'>) => PROBE_PAIRING_PRESETS[p];

/** The core reads correlation ids at dotted paths (`id`, `meta.requestId`, `items.0.id`). */
export function dottedPathError(path: string): string | null {
  const p = path.trim();
  if (p === '') return 'enter a path, e.g. id';
  if (p.split('.').some((seg) => seg === '')) return 'a dotted path like meta.requestId (no empty parts)';
  if (/[[\]\s]/.test(p)) return 'use dots, not brackets or spaces: items.0.id';
  return null;
}
