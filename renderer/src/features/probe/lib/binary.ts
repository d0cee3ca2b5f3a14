/**
 * Binary payload helpers: parsing what the user typed (hex or base64) into bytes with errors that
 * point at the offending character, and formatting bytes as a classic hex dump for the log.
 * Pure: no DOM, so the unit tests run in Node.
 */

export type ParseResult = { ok: true; bytes: Uint8Array } | { ok: false; error: string; index: number };

const HEX_SEPARATORS = /[\s:,-]/;

/**
 * Accepts `0a1b`, `0A 1B`, `0a:1b`, `0x0a 0x1b` and `\x0a\x1b`; whitespace, `:`, `,` and `-` separate.
 * Nibbles are counted across separators only inside a byte pair, so `0a 1` is an odd-digit error.
 */
export function parseHex(input: string): ParseResult {
  const out: number[] = [];
  let pending = -1;
  let pendingIndex = -1;
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (HEX_SEPARATORS.test(ch)) {
      if (pending >= 0) return { ok: false, error: `odd number of hex digits before position ${i + 1}`, index: pendingIndex };
      i++;
      continue;
    }
    if (pending < 0 && (ch === '0' || ch === '\\') && (input[i + 1] === 'x' || input[i + 1] === 'X')) {
      // A "0x"/"\x" prefix only counts when a hex digit follows; "0x" alone is malformed.
      if (!isHexDigit(input[i + 2])) return { ok: false, error: `expected a hex digit after "${ch}x" at position ${i + 3}`, index: i + 2 };
      i += 2;
      continue;
    }
    const v = hexValue(ch);
    if (v < 0) return { ok: false, error: `"${ch}" at position ${i + 1} is not a hex digit`, index: i };
    if (pending < 0) {
      pending = v;
      pendingIndex = i;
    } else {
      out.push((pending << 4) | v);
      pending = -1;
    }
    i++;
  }
  if (pending >= 0) return { ok: false, error: `odd number of hex digits (last byte at position ${pendingIndex + 1} has one digit)`, index: pendingIndex };
  return { ok: true, bytes: Uint8Array.from(out) };
}

function isHexDigit(ch: string | undefined): boolean {
  return ch !== undefined && hexValue(ch) >= 0;
}

function hexValue(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  // base64url alphabet too: users paste JWT segments.
  t['-'.charCodeAt(0)] = 62;
  t['_'.charCodeAt(0)] = 63;
  return t;
})();

/** Standard or URL-safe base64; whitespace ignored; padding optional but, if present, must be right. */
export function parseBase64(input: string): ParseResult {
  const sextets: number[] = [];
  let padAt = -1;
  let pads = 0;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (/\s/.test(ch)) continue;
    if (ch === '=') {
      if (padAt < 0) padAt = i;
      pads++;
      if (pads > 2) return { ok: false, error: `too much "=" padding at position ${i + 1}`, index: i };
      continue;
    }
    if (padAt >= 0) return { ok: false, error: `"${ch}" at position ${i + 1} comes after "=" padding`, index: i };
    const c = ch.charCodeAt(0);
    const v = c < 128 ? B64_INDEX[c]! : -1;
    if (v < 0) return { ok: false, error: `"${ch}" at position ${i + 1} is not a base64 character`, index: i };
    sextets.push(v);
  }
  const rem = sextets.length % 4;
  if (rem === 1) return { ok: false, error: 'truncated base64: the last group has a single character', index: input.length };
  if (pads > 0 && (sextets.length + pads) % 4 !== 0) return { ok: false, error: 'wrong amount of "=" padding', index: padAt };
  const out = new Uint8Array(Math.floor((sextets.length * 6) / 8));
  let o = 0;
  for (let i = 0; i < sextets.length; i += 4) {
    const a = sextets[i]!, b = sextets[i + 1] ?? 0, c = sextets[i + 2] ?? 0, d = sextets[i + 3] ?? 0;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    if (o < out.length) out[o++] = (n >> 16) & 0xff;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return { ok: true, bytes: out };
}

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!, b = bytes[i + 1], c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    s += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    s += b === undefined ? '=' : B64[(n >> 6) & 63]!;
    s += c === undefined ? '=' : B64[n & 63]!;
  }
  return s;
}

export function bytesToHex(bytes: Uint8Array, sep = ''): string {
  const parts: string[] = new Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = bytes[i]!.toString(16).padStart(2, '0');
  return parts.join(sep);
}

/** Decodes base64 that the core produced (trusted but still checked); throws with the parser's message. */
export function base64ToBytes(b64: string): Uint8Array {
  const r = parseBase64(b64);
  if (!r.ok) throw new Error(r.error);
  return r.bytes;
}

export interface HexDumpOptions {
  /** Bytes per row (default 16). */
  width?: number;
  /** Stop after this many bytes and say how many were left out (default: everything). */
  maxBytes?: number;
}

/**
 * `00000000  48 65 6c 6c 6f 20 77 6f  72 6c 64 0a              |Hello world.|`
 * One line per row; the last line notes truncation when maxBytes cut the payload.
 */
export function formatHexDump(bytes: Uint8Array, opts: HexDumpOptions = {}): string[] {
  const width = opts.width ?? 16;
  const limit = Math.min(bytes.length, opts.maxBytes ?? bytes.length);
  const half = width / 2;
  const lines: string[] = [];
  for (let off = 0; off < limit; off += width) {
    let hex = '';
    let ascii = '';
    for (let j = 0; j < width; j++) {
      if (j === half) hex += ' ';
      const idx = off + j;
      if (idx < limit) {
        const b = bytes[idx]!;
        hex += b.toString(16).padStart(2, '0') + ' ';
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else {
        hex += '   ';
      }
    }
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  if (limit < bytes.length) lines.push(`… ${bytes.length - limit} more bytes`);
  return lines;
}

/** Human byte size for badges: 512 B, 1.5 KiB, 2.0 MiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}
