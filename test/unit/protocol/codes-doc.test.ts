import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../../protocol/close-codes';
import { ErrorCode } from '../../../protocol/errors';

const doc = readFileSync(new URL('../../../docs/codes.md', import.meta.url), 'utf8');

describe('docs/codes.md', () => {
  it('documents every close code in a table row', () => {
    const missing = Object.entries(CloseCode).filter(([, code]) => !new RegExp(`^\\|\\s*${code}\\s*\\|`, 'm').test(doc));
    expect(missing).toEqual([]);
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
