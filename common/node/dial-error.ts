import { DialErrorCode, type DialStage } from '../../protocol/dial-codes';

export { DialErrorCode, type DialStage } from '../../protocol/dial-codes';

/** The HTTP answer seen during a dial (the upgrade's, or the proxy's to CONNECT). */
export interface DialResponse {
  status: number;
  statusText: string;
  /** Lower-cased names, as Node parses them. */
  headers: Record<string, string | string[] | undefined>;
  /** First bytes of a rejection's body (at most DIAL_BODY_SNIPPET_BYTES, UTF-8, possibly cut mid-character). */
  body?: string;
}

interface DialErrorExtra {
  stage: DialStage;
  /** The option at fault (InvalidOptions only), e.g. `tls.key`, `headers.Authorization`. */
  field?: string;
  /** The underlying Node/OpenSSL code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT…), when there was one. */
  underlyingCode?: string;
  response?: DialResponse;
}

/**
 * The one failure type of the dialer: a stable `code` (protocol/dial-codes.ts), the stage it failed
 * in, and what the peer said when it said anything. Messages never carry header values or the
 * query string (they may hold secrets); they name the host at most.
 */
export class DialError extends Error {
  readonly code: DialErrorCode;
  readonly stage: DialStage;
  readonly field: string | undefined;
  readonly underlyingCode: string | undefined;
  readonly response: DialResponse | undefined;

  constructor(code: DialErrorCode, message: string, extra: DialErrorExtra) {
    super(message);
    this.name = 'DialError';
    this.code = code;
    this.stage = extra.stage;
    this.field = extra.field;
    this.underlyingCode = extra.underlyingCode;
    this.response = extra.response;
  }
}

export const invalidOption = (field: string, message: string): DialError =>
  new DialError(DialErrorCode.InvalidOptions, `${field}: ${message}`, { stage: 'options', field });

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const TLS_CODE = /CERT|SSL|TLS|^EPROTO$|^UNABLE_TO_|SELF_SIGNED|^HOSTNAME_MISMATCH$/;

const statusLine = (r: DialResponse): string => `HTTP ${r.status} ${r.statusText}`.trim();

/** Where a low-level failure happened, as the dialer tracked it. */
export interface FailureContext {
  /** Host (and port) being dialled, for messages. */
  target: string;
  /** True once the server's 101 arrived (errors after that are handshake rule violations). */
  upgraded: boolean;
  /** True when the failure came from the proxy leg. */
  viaProxy: boolean;
}

/**
 * Turns whatever Node, OpenSSL or ws reported into a DialError — the only place that mapping
 * lives, so every caller sees the same code for the same failure.
 */
export function classifyDialFailure(err: unknown, ctx: FailureContext): DialError {
  if (err instanceof DialError) return err;
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const text = e instanceof Error ? e.message : String(err);
  const where = ctx.viaProxy ? `proxy ${ctx.target}` : ctx.target;
  if (ctx.upgraded) return new DialError(DialErrorCode.HandshakeInvalid, `invalid handshake from ${ctx.target}: ${text}`, { stage: 'handshake', ...(code ? { underlyingCode: code } : {}) });
  if (code && DNS_CODES.has(code)) return new DialError(DialErrorCode.Dns, `cannot resolve ${where.replace(/:\d+$/, '')} (${code})`, { stage: ctx.viaProxy ? 'proxy' : 'connect', underlyingCode: code });
  if (code === 'ECONNREFUSED') return new DialError(DialErrorCode.Refused, `connection refused by ${where} (${code})`, { stage: ctx.viaProxy ? 'proxy' : 'connect', underlyingCode: code });
  if (code && TLS_CODE.test(code)) return new DialError(DialErrorCode.Tls, `TLS with ${ctx.target} failed: ${e.reason ?? text} (${code})`, { stage: 'tls', underlyingCode: code });
  const reason = code === 'ECONNRESET' && /hang up/i.test(text) ? 'the connection closed before the handshake was answered' : text;
  return new DialError(DialErrorCode.Network, `network error with ${where}: ${reason}${code ? ` (${code})` : ''}`, { stage: ctx.viaProxy ? 'proxy' : 'connect', ...(code ? { underlyingCode: code } : {}) });
}

export const handshakeRejected = (target: string, response: DialResponse): DialError =>
  new DialError(DialErrorCode.HandshakeRejected, `handshake rejected: ${statusLine(response)}`, { stage: 'handshake', response });

export const proxyRefused = (target: string, response: DialResponse): DialError =>
  new DialError(
    DialErrorCode.ProxyRefused,
    `proxy refused CONNECT to ${target}: ${statusLine(response)}${response.status === 407 ? ' (proxy authentication required)' : ''}`,
    { stage: 'proxy', response },
  );

export const dialTimeout = (target: string, ms: number, stage: DialStage): DialError =>
  new DialError(DialErrorCode.Timeout, `opening handshake has timed out after ${ms} ms (${stage} with ${target})`, { stage });

export const dialAborted = (stage: DialStage): DialError => new DialError(DialErrorCode.Aborted, 'dial aborted by the caller', { stage });
