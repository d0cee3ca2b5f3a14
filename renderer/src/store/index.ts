import { useStore as useZustand } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import { api, errorInfoOf } from '../api';
import { createConsoleStore, type StoreState } from './create-store';
import { ALL_COLUMN_IDS } from '../features/connections/columns';
import { parsePrefs, PREFS_KEY } from '../lib/prefs';

export type { StoreState } from './create-store';

/** Longest wait for buffered events when no animation frame comes (hidden or minimised window). */
export const FRAME_FALLBACK_MS = 250;

/** The app's single store, bound to the real transport. Tests build their own with createConsoleStore. */
export const store: StoreApi<StoreState> = createConsoleStore({
  api,
  errorMessage: (err) => errorInfoOf(err).message,
  errorInfo: errorInfoOf,
  scheduleFrame: (cb) => {
    let done = false;
    const run = () => {
      if (done) return;
      done = true;
      cb();
    };
    requestAnimationFrame(run);
    // Hidden windows get no animation frames; deltas still land this often, so the buffer stays bounded.
    setTimeout(run, FRAME_FALLBACK_MS);
  },
  now: () => Date.now(),
});

/** Restores the table layout and keeps saving it (a stored layout that no longer parses is ignored). */
function persistTablePrefs() {
  if (typeof localStorage === 'undefined') return;
  const saved = parsePrefs(localStorage.getItem(PREFS_KEY));
  if (saved) {
    const known = new Set(ALL_COLUMN_IDS);
    const columns = saved.columns.filter((c) => known.has(c));
    store.setState((s) => ({ ui: { ...s.ui, columns: columns.length > 0 ? columns : s.ui.columns, widths: saved.widths } }));
    store.getState().setSort(saved.sort);
    store.getState().setFilter({ field: saved.filterField, text: '' });
  }
  let last = '';
  store.subscribe((s) => {
    const text = JSON.stringify({ columns: s.ui.columns, widths: s.ui.widths, sort: s.conns.table.sort, filterField: s.conns.table.filter.field });
    if (text === last) return;
    last = text;
    localStorage.setItem(PREFS_KEY, text);
  });
}
persistTablePrefs();

export function useStore<T>(selector: (s: StoreState) => T): T {
  return useZustand(store, selector);
}
