import { describe, expect, it } from 'vitest';
import type { ConsoleApi } from '../../../../../protocol/console/contract';
import { base64ToBytes, bytesToBase64, readDownload, uploadFile } from '../../../../../renderer/src/features/probe/lib/file-transfer';

/** A scripted core holding one file; the real transfers are exercised by the integration and e2e suites. */
function scripted(file: Uint8Array, opts: { maxChunkBytes?: number; failWriteAt?: number } = {}) {
  const calls: string[] = [];
  const received: number[] = [];
  const api = {
    async call(method: string, input: Record<string, unknown>) {
      calls.push(method);
      switch (method) {
        case 'probe.downloadStart':
          return { transferId: 'tttttttt', fileName: 'x.ndjson', mimeType: 'application/x-ndjson', bytes: file.length, entries: 3 };
        case 'probe.downloadRead': {
          const o = input.offset as number;
          const chunk = file.subarray(o, o + Math.min(input.length as number, 5));
          return { data: bytesToBase64(chunk), bytes: chunk.length };
        }
        case 'probe.uploadStart':
          return { transferId: 'uuuuuuuu', maxChunkBytes: opts.maxChunkBytes ?? 4 };
        case 'probe.uploadWrite':
          if (received.length === opts.failWriteAt) throw new Error('core said no');
          received.push(...base64ToBytes(input.data as string));
          return { received: received.length };
        case 'probe.uploadFinish':
          return { id: 'import-1' };
        case 'probe.transferClose':
          return { ok: true };
        default:
          throw new Error(`unexpected ${method}`);
      }
    },
    on: () => () => {},
  } as unknown as ConsoleApi;
  return { api, calls, received };
}

describe('file transfer (browser side)', () => {
  it('base64 round-trips every byte value, past the chunking of String.fromCharCode', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i % 256);
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    expect(bytesToBase64(bytes)).toBe(btoa(bin));
    expect(bytesToBase64(new TextEncoder().encode('héllo'))).toBe('aMOpbGxv');
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
  });

  it('reads a download in chunks and closes the transfer', async () => {
    const text = 'héllo wörld, a multi-byte file';
    const s = scripted(new TextEncoder().encode(text));
    const d = await readDownload(s.api, 's1', 'ndjson', false, 1024);
    const all = new Uint8Array(d.bytes);
    let at = 0;
    for (const p of d.parts) {
      all.set(p, at);
      at += p.length;
    }
    expect(new TextDecoder().decode(all)).toBe(text);
    expect(d).toMatchObject({ fileName: 'x.ndjson', entries: 3 });
    expect(s.calls.filter((c) => c === 'probe.downloadRead').length).toBe(Math.ceil(d.bytes / 5));
    expect(s.calls.at(-1)).toBe('probe.transferClose');
  });

  it('uploads in chunks no bigger than the core allows, and closes an upload that failed', async () => {
    const content = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const file = { name: 'log.ndjson', size: content.length, slice: (a: number, b: number) => ({ arrayBuffer: async () => content.slice(a, b).buffer }) };
    const ok = scripted(new Uint8Array(), { maxChunkBytes: 4 });
    await uploadFile(ok.api, file, 1024);
    expect(ok.received).toEqual([...content]);
    expect(ok.calls).toEqual(['probe.uploadStart', 'probe.uploadWrite', 'probe.uploadWrite', 'probe.uploadWrite', 'probe.uploadFinish']);
    const bad = scripted(new Uint8Array(), { maxChunkBytes: 4, failWriteAt: 4 });
    await expect(uploadFile(bad.api, file)).rejects.toThrow('core said no');
    expect(bad.calls.at(-1)).toBe('probe.transferClose');
  });
});
