import { describe, expect, it } from 'vitest';
import { jsonDeeperThan } from '../../../common/json-depth';

const nest = (n: number): string => '['.repeat(n) + ']'.repeat(n);

describe('jsonDeeperThan', () => {
  it('counts object and array levels', () => {
    expect(jsonDeeperThan(nest(64), 64)).toBe(false);
    expect(jsonDeeperThan(nest(65), 64)).toBe(true);
    expect(jsonDeeperThan(`{"a":${nest(70)}}`, 70)).toBe(true);
    expect(jsonDeeperThan(`{"a":${nest(69)}}`, 70)).toBe(false);
  });
  it('ignores brackets inside strings, escaped quotes included', () => {
    const s = JSON.stringify({ data: '['.repeat(500) + '\\"[[[' });
    expect(jsonDeeperThan(s, 4)).toBe(false);
  });
  it('finds 5,000 levels', () => {
    expect(jsonDeeperThan(`{"type":"request","id":1,"data":${nest(5000)}}`, 64)).toBe(true);
  });
});
