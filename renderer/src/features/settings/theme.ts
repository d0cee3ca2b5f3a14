import { useSyncExternalStore } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import { ThemeChoice } from '../../../../protocol/console/clusters';
import type { StoreState } from '../../store/create-store';

/**
 * A copy of the last theme in this browser profile, read before the core's settings arrive so a
 * dark choice does not open on a light page for a moment. The core's settings stay the truth.
 */
export const THEME_HINT_KEY = 'switchboard.theme-hint.v1';

/** The stored hint, or null when missing or not a theme. */
export function parseThemeHint(text: string | null): ThemeChoice | null {
  const r = ThemeChoice.safeParse(text);
  return r.success ? r.data : null;
}

/**
 * Puts the chosen theme on <html data-theme> (styles.css picks the colours; 'system' follows the
 * operating system there, live) and keeps the hint; returns the disposer.
 */
export function wireTheme(store: StoreApi<StoreState>): () => void {
  const root = document.documentElement;
  const hint = parseThemeHint(safeRead());
  if (hint) root.dataset.theme = hint;
  return store.subscribe((s, prev) => {
    if (!s.settings.loaded || (prev.settings.loaded && s.settings.theme === prev.settings.theme)) return;
    root.dataset.theme = s.settings.theme;
    try {
      localStorage.setItem(THEME_HINT_KEY, s.settings.theme);
    } catch {
      // Storage refused (private mode, quota): only the first paint after a reload is affected.
    }
  });
}

function safeRead(): string | null {
  try {
    return localStorage.getItem(THEME_HINT_KEY);
  } catch {
    return null;
  }
}

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');
const subscribeSystem = (cb: () => void) => {
  const q = darkQuery();
  q.addEventListener('change', cb);
  return () => q.removeEventListener('change', cb);
};

/**
 * Changes whenever the page's colours do (a new choice, or the system flipping while it is
 * followed): canvas drawings that resolved CSS colours once redraw on it.
 */
export function useThemeKey(theme: ThemeChoice): string {
  const systemDark = useSyncExternalStore(subscribeSystem, () => darkQuery().matches);
  return theme === 'system' ? `system:${systemDark ? 'dark' : 'light'}` : theme;
}
