import { describe, expect, it } from 'vitest';
import { fullJitterDelay } from '../../../common/backoff';

describe('fullJitterDelay', () => {
  const opts = { initialDelayMs: 100, maxDelayMs: 1000 };

  it('stays below base·2^attempt', () => {
    expect(fullJitterDelay(0, opts, () => 0.999)).toBe(99);
    expect(fullJitterDelay(2, opts, () => 0.999)).toBe(399);
    expect(fullJitterDelay(3, opts, () => 0)).toBe(0);
  });

  it('is capped at maxDelayMs however many attempts failed', () => {
    expect(fullJitterDelay(10, opts, () => 0.999)).toBe(999);
    expect(fullJitterDelay(1000, opts, () => 0.999)).toBe(999);
  });

  it('spreads delays across the whole window (jitter, not lockstep)', () => {
    let i = 0;
    const seq = [0.1, 0.5, 0.9];
    const delays = seq.map(() => fullJitterDelay(3, opts, () => seq[i++]!));
    expect(delays).toEqual([80, 400, 720]);
  });

  it('rejects contradictory options', () => {
    expect(() => fullJitterDelay(0, { initialDelayMs: 500, maxDelayMs: 100 })).toThrow(RangeError);
  });
});
