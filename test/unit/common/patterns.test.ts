import { describe, expect, it } from 'vitest';
import { matchesAnyPattern } from '../../../common/patterns';

describe('permission patterns', () => {
  it('matches exact names, * runs (also empty) and any with "*"; everything else is literal', () => {
    expect(matchesAnyPattern(['till-*'], 'till-7')).toBe(true);
    expect(matchesAnyPattern(['till-*'], 'till-')).toBe(true);
    expect(matchesAnyPattern(['till-*'], 'xtill-7')).toBe(false);
    expect(matchesAnyPattern(['*-eu'], 'prices-eu')).toBe(true);
    expect(matchesAnyPattern(['a*b*c'], 'a-x-b-y-c')).toBe(true);
    expect(matchesAnyPattern(['kiosk'], 'kiosk2')).toBe(false);
    expect(matchesAnyPattern(['*'], 'anything at all')).toBe(true);
    expect(matchesAnyPattern([], 'x')).toBe(false);
    // Regex characters are literal: "." is a dot, not any character.
    expect(matchesAnyPattern(['a.b'], 'axb')).toBe(false);
    expect(matchesAnyPattern(['(x)+'], '(x)+')).toBe(true);
    expect(matchesAnyPattern(['line-*'], 'line-1\nline-2')).toBe(true);
  });
});
