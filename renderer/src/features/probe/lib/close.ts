import { MAX_CLOSE_REASON_BYTES, utf8Length } from '../../../../../protocol/close-codes';

/**
 * What a client may put in a close frame (RFC 6455 §7.4): 1000, or 3000-4999 (registered and private
 * ranges). 1001-2999 are reserved for the endpoint or the protocol itself, so a browser rejects them too.
 */
export function isClientSendableCloseCode(code: number): boolean {
  return code === 1000 || (code >= 3000 && code <= 4999);
}

export type CloseInput = { ok: true; code: number; reason: string } | { ok: false; field: 'code' | 'reason'; error: string };

export function validateCloseInput(codeText: string, reason: string): CloseInput {
  const t = codeText.trim();
  if (!/^\d+$/.test(t)) return { ok: false, field: 'code', error: 'close code must be a whole number' };
  const code = Number(t);
  if (!isClientSendableCloseCode(code)) return { ok: false, field: 'code', error: 'close code must be 1000 or between 3000 and 4999' };
  const bytes = utf8Length(reason);
  if (bytes > MAX_CLOSE_REASON_BYTES) return { ok: false, field: 'reason', error: `reason is ${bytes} bytes; the limit is ${MAX_CLOSE_REASON_BYTES} UTF-8 bytes` };
  return { ok: true, code, reason };
}
