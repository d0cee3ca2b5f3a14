import { createStore, type StoreApi } from 'zustand/vanilla';
import { createAppSlice, type AppSlice } from './app-slice';
import { createClustersSlice, type ClustersSlice } from './clusters-slice';
import { createConnectionsSlice, type ConnectionsSlice } from './connections-slice';
import { createInvokeSlice, type InvokeSlice } from './invoke-slice';
import { createProbeSlice, type ProbeSlice } from '../features/probe/state/probe-slice';
import { createSettingsSlice, type SettingsSlice } from './settings-slice';
import type { StoreDeps } from './types';
import { createUiSlice, type UiSlice } from './ui-slice';

/** The one store: every feature's slice side by side (this file only composes them). */
export type StoreState = AppSlice & ClustersSlice & ConnectionsSlice & SettingsSlice & UiSlice & InvokeSlice & ProbeSlice;

export function createConsoleStore(deps: StoreDeps): StoreApi<StoreState> {
  return createStore<StoreState>()((set, get) => ({
    ...createAppSlice(set, get, deps),
    ...createClustersSlice(set, get, deps),
    ...createConnectionsSlice(set, get, deps),
    ...createSettingsSlice(set, get, deps),
    ...createUiSlice(set, get, deps),
    ...createInvokeSlice(set, get, deps),
    ...createProbeSlice(set, get, deps),
  }));
}
