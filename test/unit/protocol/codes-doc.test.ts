import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../../protocol/close-codes';
import { ErrorCode } from '../../../protocol/errors';
import { closeCodeOfWsError, WS_DEFAULT_REASONS } from '../../../server/connections/sb-socket';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const doc = readFileSync(join(ROOT, 'docs/codes.md'), 'utf8');
const documented = (code: number): boolean => new RegExp(`^\\|\\s*${code}\\s*\\|`, 'm').test(doc);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/**
 * The close codes our own listeners can send, read from the sources: every `CloseCode.X` used by
 * the server or the console's web host, and every literal code passed to a `close(…)` there.
 */
function codesInSources(): Map<number, string> {
  const found = new Map<number, string>();
  for (const file of [...sources(join(ROOT, 'server')), ...sources(join(ROOT, 'main/web-host'))]) {
    const text = readFileSync(file, 'utf8');
    const where = file.slice(ROOT.length + 1);
    for (const m of text.matchAll(/CloseCode\.(\w+)/g)) {
      const code = (CloseCode as Record<string, number>)[m[1]!];
      if (code === undefined) throw new Error(`${where}: CloseCode.${m[1]} does not exist`);
      found.set(code, where);
    }
    for (const m of text.matchAll(/\.close\(\s*(\d{4})\b/g)) found.set(Number(m[1]), where);
  }
  return found;
}

/**
 * The codes ws closes with by itself when a client's frame breaks the protocol, read from the ws
 * version installed: each receiver error names its close code and its WS_ERR_* code.
 */
function codesWsSends(): { code: number; name: string }[] {
  const require = createRequire(import.meta.url);
  const receiver = readFileSync(join(dirname(require.resolve('ws/package.json')), 'lib/receiver.js'), 'utf8');
  return [...receiver.matchAll(/createError\(\s*\w+,\s*(?:'[^']*'|`[^`]*`),\s*(?:true|false),\s*(\d{4}),\s*'(WS_ERR_\w+)'/g)].map((m) => ({ code: Number(m[1]), name: m[2]! }));
}

describe('docs/codes.md', () => {
  it('documents every close code in a table row', () => {
    const missing = Object.entries(CloseCode).filter(([, code]) => !documented(code));
    expect(missing).toEqual([]);
  });

  it('documents every close code the server and the web host send, as found in their sources', () => {
    const found = codesInSources();
    // The scan must see the codes it is there for.
    expect([...found.keys()]).toEqual(expect.arrayContaining([CloseCode.SlowConsumer, CloseCode.PingFlood, CloseCode.InvalidMessage, 1013]));
    const missing = [...found].filter(([code]) => !documented(code)).map(([code, where]) => `${code} (${where})`);
    expect(missing).toEqual([]);
  });

  it('documents every close code ws sends for a malformed client frame, and the server reports it with that code and a reason', () => {
    const ws = codesWsSends();
    expect(ws.length).toBeGreaterThan(10);
    expect(new Set(ws.map((w) => w.code))).toEqual(new Set([1002, 1007, 1008, 1009]));
    for (const { code, name } of ws) {
      expect(documented(code), `${code} (${name})`).toBe(true);
      expect(closeCodeOfWsError(Object.assign(new Error(name), { code: name })), name).toBe(code);
      expect(WS_DEFAULT_REASONS[code], `reason for ${code}`).toBeTruthy();
    }
  });

  it('documents every error code', () => {
    const missing = Object.values(ErrorCode).filter((code) => !doc.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });

  it('never gives two error names the same code', () => {
    const codes = Object.values(ErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
