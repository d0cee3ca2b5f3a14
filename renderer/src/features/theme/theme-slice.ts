import { z } from 'zod';
import type { SliceCreator } from '../../store/types';

/** Light, dark, or whatever the system says; kept per browser profile (view state, like the table layout). */
export const ThemeChoice = z.enum(['system', 'light', 'dark']);
export type ThemeChoice = z.infer<typeof ThemeChoice>;
export const THEME_KEY = 'switchboard.theme.v1';

export interface ThemeSlice {
  theme: ThemeChoice;
  setTheme(theme: ThemeChoice): void;
}

/** A stored choice, or 'system' when nothing (readable) is stored. */
export function parseTheme(text: string | null): ThemeChoice {
  const r = ThemeChoice.safeParse(text);
  return r.success ? r.data : 'system';
}

/** What the page shows for a choice, given whether the system prefers dark. */
export const resolvedTheme = (choice: ThemeChoice, systemDark: boolean): 'light' | 'dark' => (choice === 'system' ? (systemDark ? 'dark' : 'light') : choice);

export const createThemeSlice: SliceCreator<ThemeSlice> = (set) => ({
  theme: 'system',
  setTheme: (theme) => set({ theme }),
});
