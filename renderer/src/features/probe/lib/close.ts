import { isSendableCloseCode, MAX_CLOSE_REASON_BYTES, utf8Length } from '../../../../../protocol/close-codes';

export type CloseInput = { ok: true; code: number; reason: string } | { ok: false; field: 'code' | 'reason'; error: string };

/** The close form's text fields → a code and reason the core accepts (the one rule in protocol/close-codes). */
export function validateCloseInput(codeText: string, reason: string): CloseInput {
  const t = codeText.trim();
  if (!/^\d+$/.test(t)) return { ok: false, field: 'code', error: 'close code must be a whole number' };
  const code = Number(t);
  if (!isSendableCloseCode(code)) return { ok: false, field: 'code', error: 'close code must be 1000, 1001 or between 3000 and 4999' };
  const bytes = utf8Length(reason);
  if (bytes > MAX_CLOSE_REASON_BYTES) return { ok: false, field: 'reason', error: `reason is ${bytes} bytes; the limit is ${MAX_CLOSE_REASON_BYTES} UTF-8 bytes` };
  return { ok: true, code, reason };
}
