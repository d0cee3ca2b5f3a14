import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToBase64, bytesToHex, formatBytes, formatHexDump, parseBase64, parseHex } from '../../../../../renderer/src/features/probe/lib/binary';

const bytesOf = (r: ReturnType<typeof parseHex>) => {
  if (!r.ok) throw new Error(r.error);
  return Array.from(r.bytes);
};

describe('parseHex', () => {
  it('accepts plain, spaced, colon and 0x/\\x prefixed forms', () => {
    expect(bytesOf(parseHex('0a1BfF'))).toEqual([10, 27, 255]);
    expect(bytesOf(parseHex(' 0a 1b\nff '))).toEqual([10, 27, 255]);
    expect(bytesOf(parseHex('0a:1b:ff'))).toEqual([10, 27, 255]);
    expect(bytesOf(parseHex('0x0a 0x1b,0xff'))).toEqual([10, 27, 255]);
    expect(bytesOf(parseHex('\\x0a\\x1b'))).toEqual([10, 27]);
    expect(bytesOf(parseHex(''))).toEqual([]);
  });

  it('points at a non-hex character', () => {
    const r = parseHex('0a 1g');
    expect(r).toMatchObject({ ok: false, index: 4 });
    if (!r.ok) expect(r.error).toContain('"g" at position 5');
  });

  it('rejects an odd number of digits, inside a pair or at the end', () => {
    expect(parseHex('0a 1 ff')).toMatchObject({ ok: false, index: 3 });
    const r = parseHex('0a1');
    expect(r).toMatchObject({ ok: false, index: 2 });
    if (!r.ok) expect(r.error).toMatch(/odd number/);
  });

  it('rejects a dangling 0x prefix', () => {
    expect(parseHex('0x')).toMatchObject({ ok: false });
    expect(parseHex('0a 0x zz')).toMatchObject({ ok: false });
  });

  it('round-trips any bytes through bytesToHex', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      expect(bytesOf(parseHex(bytesToHex(b, ' ')))).toEqual(Array.from(b));
    }));
  });
});

describe('parseBase64', () => {
  it('decodes padded, unpadded and url-safe input', () => {
    expect(bytesOf(parseBase64('SGVsbG8='))).toEqual([...'Hello'].map((c) => c.charCodeAt(0)));
    expect(bytesOf(parseBase64('SGVsbG8'))).toEqual([...'Hello'].map((c) => c.charCodeAt(0)));
    expect(bytesOf(parseBase64('SGVs\nbG8h'))).toEqual([...'Hell o!'.replace(' ', '')].map((c) => c.charCodeAt(0)));
    expect(bytesOf(parseBase64('-_8'))).toEqual([0xfb, 0xff]);
  });

  it('names the offending character and position', () => {
    const r = parseBase64('SGV*bG8=');
    expect(r).toMatchObject({ ok: false, index: 3 });
    if (!r.ok) expect(r.error).toContain('"*" at position 4');
  });

  it('rejects data after padding, too much padding, wrong padding and a lone trailing char', () => {
    expect(parseBase64('SG=Vs')).toMatchObject({ ok: false, index: 3 });
    expect(parseBase64('S===')).toMatchObject({ ok: false });
    expect(parseBase64('SGVsbA=')).toMatchObject({ ok: false });
    expect(parseBase64('SGVsb')).toMatchObject({ ok: false });
  });

  it('round-trips with bytesToBase64 and agrees with btoa', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      const enc = bytesToBase64(b);
      expect(enc).toBe(btoa(String.fromCharCode(...b)));
      expect(bytesOf(parseBase64(enc))).toEqual(Array.from(b));
    }));
  });
});

describe('formatHexDump', () => {
  it('formats offset, two half-rows of hex and printable ascii', () => {
    const bytes = new TextEncoder().encode('Hello world\n');
    expect(formatHexDump(bytes)).toEqual([
      '00000000  48 65 6c 6c 6f 20 77 6f  72 6c 64 0a              |Hello world.|',
    ]);
  });

  it('wraps rows and notes truncation', () => {
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => i);
    const lines = formatHexDump(bytes, { maxBytes: 20 });
    expect(lines).toHaveLength(3);
    expect(lines[1]!.startsWith('00000010  10 11 12 13')).toBe(true);
    expect(lines[2]).toBe('… 20 more bytes');
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});
