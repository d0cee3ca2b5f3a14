import { describe, expect, it } from 'vitest';
import { parseTheme, resolvedTheme } from '../../../../../renderer/src/features/theme/theme-slice';

describe('theme', () => {
  it('reads a stored choice, anything else is system', () => {
    expect(parseTheme('dark')).toBe('dark');
    expect(parseTheme('purple')).toBe('system');
    expect(parseTheme(null)).toBe('system');
  });
  it('system follows the preference, an explicit choice does not', () => {
    expect(resolvedTheme('system', true)).toBe('dark');
    expect(resolvedTheme('system', false)).toBe('light');
    expect(resolvedTheme('light', true)).toBe('light');
  });
});
