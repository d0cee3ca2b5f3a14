import type { StoreApi } from 'zustand/vanilla';
import type { StoreState } from '../../store/create-store';
import { parseTheme, resolvedTheme, THEME_KEY } from './theme-slice';

/**
 * Restores the stored theme, keeps it stored, and puts the resolved one on <html data-theme> (the
 * stylesheet's colours hang off it), following the system's preference while the choice is
 * 'system'. Returns the disposer.
 */
export function wireTheme(store: StoreApi<StoreState>): () => void {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = () => {
    document.documentElement.dataset.theme = resolvedTheme(store.getState().theme, media.matches);
  };
  store.getState().setTheme(parseTheme(localStorage.getItem(THEME_KEY)));
  apply();
  let last = store.getState().theme;
  const off = store.subscribe((s) => {
    if (s.theme === last) return;
    last = s.theme;
    localStorage.setItem(THEME_KEY, s.theme);
    apply();
  });
  media.addEventListener('change', apply);
  return () => {
    off();
    media.removeEventListener('change', apply);
  };
}
