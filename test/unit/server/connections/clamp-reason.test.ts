import { describe, expect, it } from 'vitest';
import { utf8Length } from '../../../../protocol/close-codes';
import { clampReason } from '../../../../server/connections/connection-adapters';

describe('clampReason', () => {
  it('keeps reasons up to 123 UTF-8 bytes and cuts longer ones on a character boundary', () => {
    expect(clampReason('short')).toBe('short');
    const exact = 'a'.repeat(123);
    expect(clampReason(exact)).toBe(exact);
    const long = 'é'.repeat(100); // 200 bytes
    const cut = clampReason(long);
    expect(utf8Length(cut)).toBeLessThanOrEqual(123);
    expect(cut.endsWith('...')).toBe(true);
    expect(Buffer.from(cut, 'utf8').toString('utf8')).toBe(cut);
  });
});
