import { describe, expect, it } from 'vitest';
import { parseThemeHint } from '../../../../../renderer/src/features/settings/theme';

describe('theme hint', () => {
  it('reads a stored hint, anything else is no hint', () => {
    expect(parseThemeHint('dark')).toBe('dark');
    expect(parseThemeHint('system')).toBe('system');
    expect(parseThemeHint('purple')).toBeNull();
    expect(parseThemeHint(null)).toBeNull();
  });
});
