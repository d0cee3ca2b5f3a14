import { useStore as useZustand } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import { api, errorInfoOf } from '../api';
import { createConsoleStore, type StoreState } from './create-store';

export type { StoreState } from './create-store';

/** The app's single store, bound to the real transport. Tests build their own with createConsoleStore. */
export const store: StoreApi<StoreState> = createConsoleStore({
  api,
  errorMessage: (err) => errorInfoOf(err).message,
  errorInfo: errorInfoOf,
  scheduleFrame: (cb) => requestAnimationFrame(() => cb()),
  now: () => Date.now(),
});

export function useStore<T>(selector: (s: StoreState) => T): T {
  return useZustand(store, selector);
}
