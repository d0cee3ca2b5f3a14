import { MAX_SAVED_VIEWS, type SavedView } from '../../../../protocol/console/clusters';
import type { SliceCreator } from '../../store/types';
import { FILTER_FIELDS, SORT_KEYS, STATE_FILTERS, type FilterSpec, type SortSpec } from './connection-table';
import { ALL_COLUMN_IDS } from './columns';

/**
 * Saved views of the connections screen: the filter, visible columns and sort under a name, per
 * cluster. They live in the console's settings (settings.json), so every window and every restart
 * sees the same list.
 */
export interface SavedViewsSlice {
  /** Saves the screen's current layout under `name` (replacing a view of that name). False when refused. */
  saveView(name: string): Promise<boolean>;
  applyView(name: string): void;
  deleteView(name: string): Promise<void>;
}

/** What the screen shows now, as a view named `name`. */
export function captureView(name: string, layout: { filter: FilterSpec; columns: readonly string[]; sort: SortSpec }): SavedView {
  const filter = layout.filter.state && layout.filter.state !== 'all' ? { field: layout.filter.field, text: layout.filter.text, state: layout.filter.state } : { field: layout.filter.field, text: layout.filter.text };
  return { name: name.trim(), filter, columns: [...layout.columns], sort: { ...layout.sort } };
}

/** The list with `view` in it: a view of the same name is replaced in place, a new one goes last. */
export function withView(list: readonly SavedView[], view: SavedView): SavedView[] | { refused: string } {
  const at = list.findIndex((v) => v.name === view.name);
  if (at >= 0) return list.map((v, i) => (i === at ? view : v));
  if (list.length >= MAX_SAVED_VIEWS) return { refused: `A cluster keeps at most ${MAX_SAVED_VIEWS} views: delete one first` };
  return [...list, view];
}

export const withoutView = (list: readonly SavedView[], name: string): SavedView[] => list.filter((v) => v.name !== name);

const isOneOf = <T extends string>(all: readonly T[], v: string | undefined): v is T => v !== undefined && (all as readonly string[]).includes(v);

/**
 * What a stored view sets, in the table's own types. A view saved by another version of the console
 * may name a column, field or sort key this one does not know: those parts fall back (unknown
 * columns are left out, an unknown field or sort key keeps the current one).
 */
export function viewLayout(view: SavedView, current: { filter: FilterSpec; sort: SortSpec }): { filter: FilterSpec; columns: string[] | null; sort: SortSpec } {
  // In the table's own column order, as the column chooser keeps it.
  const columns = ALL_COLUMN_IDS.filter((c) => view.columns.includes(c));
  const field = isOneOf(FILTER_FIELDS, view.filter.field) ? view.filter.field : current.filter.field;
  const state = isOneOf(STATE_FILTERS, view.filter.state) ? view.filter.state : 'all';
  const sort = isOneOf(SORT_KEYS, view.sort.key) ? { key: view.sort.key, dir: view.sort.dir } : current.sort;
  return { filter: { field, text: view.filter.text, state }, columns: columns.length > 0 ? columns : null, sort };
}

export const createSavedViewsSlice: SliceCreator<SavedViewsSlice> = (set, get, deps) => {
  /** Sends the cluster's new list; the core answers with the settings, which the store takes. */
  async function store(clusterId: string, list: SavedView[], what: string): Promise<boolean> {
    const views = { ...get().settings.views };
    if (list.length > 0) views[clusterId] = list;
    else delete views[clusterId];
    try {
      get().applySettings(await deps.api.call('settings.set', { views }));
      return true;
    } catch (err) {
      get().notify('error', `Could not ${what}: ${deps.errorMessage(err)}`);
      return false;
    }
  }
  return {
    async saveView(name) {
      const s = get();
      const clusterId = s.conns.clusterId;
      if (!clusterId || name.trim() === '') return false;
      const view = captureView(name, { filter: s.conns.table.filter, columns: s.ui.columns, sort: s.conns.table.sort });
      const next = withView(s.settings.views[clusterId] ?? [], view);
      if (!Array.isArray(next)) {
        s.notify('error', next.refused);
        return false;
      }
      const ok = await store(clusterId, next, `save the view “${view.name}”`);
      if (ok) get().notify('info', `Saved the view “${view.name}”`);
      return ok;
    },
    applyView(name) {
      const s = get();
      const clusterId = s.conns.clusterId;
      const view = clusterId ? s.settings.views[clusterId]?.find((v) => v.name === name) : undefined;
      if (!view) return;
      const layout = viewLayout(view, s.conns.table);
      if (layout.columns) set((st) => ({ ui: { ...st.ui, columns: layout.columns ?? st.ui.columns } }));
      s.setSort(layout.sort);
      s.setFilter(layout.filter);
    },
    async deleteView(name) {
      const s = get();
      const clusterId = s.conns.clusterId;
      if (!clusterId) return;
      await store(clusterId, withoutView(s.settings.views[clusterId] ?? [], name), `delete the view “${name}”`);
    },
  };
};
