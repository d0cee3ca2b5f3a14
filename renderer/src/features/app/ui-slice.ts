import type { SliceCreator } from '../../store/types';

export type MainTab = 'connections' | 'channels' | 'topics' | 'outgoing' | 'gateway' | 'nodes' | 'audit' | 'health' | 'compare' | 'probe';
export type DrawerTab = 'details' | 'subscriptions' | 'invoke' | 'messages';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export interface UiState {
  tab: MainTab;
  /** Row shown in the details drawer (rowKey), or null when the drawer is closed. */
  selectedRowKey: string | null;
  drawerTab: DrawerTab;
  /** Row the disconnect dialog is asking about. */
  disconnectRowKey: string | null;
  /** Visible column ids in display order. */
  columns: string[];
  widths: Record<string, number>;
  toasts: Toast[];
  /** The clusters sidebar is folded away (small windows). */
  sidebarCollapsed: boolean;
  /** The keyboard shortcut list is open. */
  shortcutsOpen: boolean;
}

export interface UiSlice {
  ui: UiState;
  setTab(tab: MainTab): void;
  selectRow(rowKey: string | null, tab?: DrawerTab): void;
  setDrawerTab(tab: DrawerTab): void;
  askDisconnect(rowKey: string | null): void;
  toggleColumn(id: string, allIds: readonly string[]): void;
  setColumnWidth(id: string, width: number): void;
  notify(kind: Toast['kind'], text: string): void;
  dismissToast(id: number): void;
  toggleSidebar(): void;
  showShortcuts(open: boolean): void;
}

/** How long a toast stays up. */
export const TOAST_MS = 6000;
export const MIN_COLUMN_WIDTH = 48;
/** Toasts shown at once; an older one gives way to a new one. */
export const MAX_TOASTS = 3;

/** Column ids the table shows until the user picks (see features/connections/columns.tsx). */
export const DEFAULT_COLUMNS = [
  'clientId', 'clientName', 'connectionId', 'remoteAddress', 'remoteFqdn', 'forwardedFor', 'local', 'serverName', 'node', 'pid',
  'connectedAt', 'channel', 'lastSeenAt', 'msgsIn', 'msgsOut', 'subscriptions',
];

export const initialUi = (): UiState => ({
  tab: 'connections',
  selectedRowKey: null,
  drawerTab: 'details',
  disconnectRowKey: null,
  columns: DEFAULT_COLUMNS,
  widths: {},
  toasts: [],
  sidebarCollapsed: false,
  shortcutsOpen: false,
});

// ---- pure updates (unit tested)

/** Shows or hides a column, keeping the canonical order of `allIds`; the last column cannot go. */
export function toggledColumns(visible: readonly string[], id: string, allIds: readonly string[]): string[] {
  if (visible.includes(id)) return visible.length > 1 ? visible.filter((c) => c !== id) : [...visible];
  const want = new Set([...visible, id]);
  return allIds.filter((c) => want.has(c));
}

export const clampWidth = (w: number) => Math.max(MIN_COLUMN_WIDTH, Math.min(1200, Math.round(w)));

export function withToast(toasts: Toast[], toast: Toast): Toast[] {
  return [...toasts, toast].slice(-MAX_TOASTS);
}

// ---- slice

export const createUiSlice: SliceCreator<UiSlice> = (set, get) => {
  let nextToast = 1;
  return {
    ui: initialUi(),
    setTab: (tab) => set((s) => ({ ui: { ...s.ui, tab } })),
    selectRow: (rowKey, tab) => set((s) => ({ ui: { ...s.ui, selectedRowKey: rowKey, drawerTab: tab ?? s.ui.drawerTab } })),
    setDrawerTab: (drawerTab) => set((s) => ({ ui: { ...s.ui, drawerTab } })),
    askDisconnect: (rowKey) => set((s) => ({ ui: { ...s.ui, disconnectRowKey: rowKey } })),
    toggleColumn: (id, allIds) => set((s) => ({ ui: { ...s.ui, columns: toggledColumns(s.ui.columns, id, allIds) } })),
    setColumnWidth: (id, width) => set((s) => ({ ui: { ...s.ui, widths: { ...s.ui.widths, [id]: clampWidth(width) } } })),
    notify(kind, text) {
      const id = nextToast++;
      set((s) => ({ ui: { ...s.ui, toasts: withToast(s.ui.toasts, { id, kind, text }) } }));
      setTimeout(() => get().dismissToast(id), TOAST_MS);
    },
    toggleSidebar: () => set((s) => ({ ui: { ...s.ui, sidebarCollapsed: !s.ui.sidebarCollapsed } })),
    showShortcuts: (open) => set((s) => ({ ui: { ...s.ui, shortcutsOpen: open } })),
    dismissToast: (id) => set((s) => ({ ui: { ...s.ui, toasts: s.ui.toasts.filter((t) => t.id !== id) } })),
  };
};
