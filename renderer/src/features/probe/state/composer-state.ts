import type { ProbeMessageInput, ProbeTemplate } from '../../../../../protocol/console/probe';
import { bytesToBase64, bytesToHex, parseBase64, parseHex } from '../lib/binary';

/** What the composer of one session holds. Pure helpers turn it into a contract message. */
export type ComposerMode = 'text' | 'json' | 'binary';
export type BinaryEncoding = 'hex' | 'base64' | 'file';

export interface ComposerState {
  mode: ComposerMode;
  encoding: BinaryEncoding;
  text: string;
  filePath: string;
  /** Inline error under the editor (malformed JSON/hex/base64, or the core's send error). */
  error: string | null;
  /** Payload for the ping button (≤ 125 bytes). */
  pingPayload: string;
  closeCode: string;
  closeReason: string;
  closeError: string | null;
  /** Next id the helper buttons put in request/subscribe frames. */
  nextHelperId: number;
}

export const emptyComposer = (): ComposerState => ({
  mode: 'json',
  encoding: 'hex',
  text: '',
  filePath: '',
  error: null,
  pingPayload: '',
  closeCode: '1000',
  closeReason: '',
  closeError: null,
  nextHelperId: 1,
});

export type BuiltMessage = { ok: true; message: ProbeMessageInput } | { ok: false; error: string };

/** Validates the editor content for its mode; binary input is normalised to what the core accepts. */
export function buildMessage(c: ComposerState): BuiltMessage {
  switch (c.mode) {
    case 'text':
      return { ok: true, message: { type: 'text', data: c.text } };
    case 'json':
      try {
        JSON.parse(c.text);
      } catch (err) {
        return { ok: false, error: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` };
      }
      return { ok: true, message: { type: 'json', data: c.text } };
    case 'binary':
      switch (c.encoding) {
        case 'hex': {
          const r = parseHex(c.text);
          if (!r.ok) return { ok: false, error: `malformed hex: ${r.error}` };
          return { ok: true, message: { type: 'binary', source: { encoding: 'hex', data: bytesToHex(r.bytes) } } };
        }
        case 'base64': {
          const r = parseBase64(c.text);
          if (!r.ok) return { ok: false, error: `malformed base64: ${r.error}` };
          return { ok: true, message: { type: 'binary', source: { encoding: 'base64', data: bytesToBase64(r.bytes) } } };
        }
        case 'file':
          if (c.filePath.trim() === '') return { ok: false, error: 'choose a file path to send' };
          return { ok: true, message: { type: 'binary', source: { encoding: 'file', path: c.filePath.trim() } } };
        default: {
          const never: never = c.encoding;
          throw new Error(`unknown encoding ${String(never)}`);
        }
      }
    default: {
      const never: never = c.mode;
      throw new Error(`unknown mode ${String(never)}`);
    }
  }
}

/** The inline validation shown while typing (null = fine). Empty input is not an error yet. */
export function liveError(c: ComposerState): string | null {
  if (c.mode === 'text' || (c.mode === 'binary' && c.encoding === 'file')) return null;
  if (c.text.trim() === '') return null;
  const r = buildMessage(c);
  return r.ok ? null : r.error;
}

/** Composer fields for a template; null for kinds the editor cannot show (they are sent as they are). */
export function composerFromTemplate(t: ProbeTemplate): Partial<ComposerState> | null {
  const m = t.message;
  switch (m.type) {
    case 'text':
      return { mode: 'text', text: m.data, error: null };
    case 'json':
      return { mode: 'json', text: m.data, error: null };
    case 'binary':
      switch (m.source.encoding) {
        case 'hex':
          return { mode: 'binary', encoding: 'hex', text: m.source.data, error: null };
        case 'base64':
          return { mode: 'binary', encoding: 'base64', text: m.source.data, error: null };
        case 'file':
          return { mode: 'binary', encoding: 'file', filePath: m.source.path, error: null };
        default:
          return null;
      }
    case 'ping':
      return { pingPayload: m.payload };
    case 'switchboard':
    case 'stomp':
      return null;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${String(never)}`);
    }
  }
}

/** Pretty-prints JSON for the Format button; returns null (and changes nothing) when invalid. */
export function formatJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}
