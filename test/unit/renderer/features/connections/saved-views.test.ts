import { describe, expect, it } from 'vitest';
import { MAX_SAVED_VIEWS, SettingsSchema, type SavedView, type Settings } from '../../../../../protocol/console/clusters';
import { captureView, viewLayout, withoutView, withView } from '../../../../../renderer/src/features/connections/saved-views';
import { testStore } from '../../fake-deps';

const view = (name: string, over: Partial<SavedView> = {}): SavedView => ({ name, filter: { field: 'any', text: '' }, columns: ['clientId'], sort: { key: 'clientId', dir: 'asc' }, ...over });

describe('saved views (pure)', () => {
  it('captures the filter, columns and sort; an "all" state filter is left out', () => {
    expect(captureView('  Ops  ', { filter: { field: 'channel', text: 'ops', state: 'all' }, columns: ['clientId', 'channel'], sort: { key: 'msgsIn', dir: 'desc' } })).toEqual({
      name: 'Ops',
      filter: { field: 'channel', text: 'ops' },
      columns: ['clientId', 'channel'],
      sort: { key: 'msgsIn', dir: 'desc' },
    });
    expect(captureView('S', { filter: { field: 'any', text: '', state: 'stale' }, columns: ['clientId'], sort: { key: 'clientId', dir: 'asc' } }).filter).toEqual({ field: 'any', text: '', state: 'stale' });
  });

  it('replaces a view of the same name in place, appends a new one, refuses past the bound', () => {
    const list = [view('a'), view('b')];
    expect(withView(list, view('a', { sort: { key: 'pid', dir: 'desc' } }))).toEqual([view('a', { sort: { key: 'pid', dir: 'desc' } }), view('b')]);
    expect(withView(list, view('c'))).toEqual([view('a'), view('b'), view('c')]);
    const full = Array.from({ length: MAX_SAVED_VIEWS }, (_, i) => view(`v${i}`));
    expect(withView(full, view('one more'))).toEqual({ refused: expect.stringMatching(/at most 30 views/) });
    expect(withView(full, view('v3'))).toHaveLength(MAX_SAVED_VIEWS);
    expect(withoutView(list, 'a')).toEqual([view('b')]);
  });

  it('applies what it knows of a view from another console version, keeping the current field and sort otherwise', () => {
    const current = { filter: { field: 'clientName' as const, text: 'x' }, sort: { key: 'pid' as const, dir: 'asc' as const } };
    const odd = view('odd', { filter: { field: 'planet', text: 'mars', state: 'sleepy' }, columns: ['gone', 'channel', 'clientId'], sort: { key: 'shoeSize', dir: 'desc' } });
    expect(viewLayout(odd, current)).toEqual({ filter: { field: 'clientName', text: 'mars', state: 'all' }, columns: ['clientId', 'channel'], sort: current.sort });
    expect(viewLayout(view('none', { columns: ['gone'] }), current).columns).toBeNull();
  });

  it('the settings schema refuses a view with an unknown key or an empty name', () => {
    const base: Settings = { timeMode: 'local', theme: 'system', views: {}, sandbox: false };
    expect(SettingsSchema.safeParse({ ...base, views: { c1: [view('ok')] } }).success).toBe(true);
    expect(SettingsSchema.safeParse({ ...base, views: { c1: [{ ...view('x'), extra: 1 }] } }).success).toBe(false);
    expect(SettingsSchema.safeParse({ ...base, views: { c1: [view('   ')] } }).success).toBe(false);
  });
});

describe('saved views slice', () => {
  function store() {
    let settings: Settings = { timeMode: 'local', theme: 'system', views: {}, sandbox: false };
    const t = testStore({
      'settings.set': (patch) => {
        settings = { ...settings, ...patch };
        return settings;
      },
    });
    t.store.setState((s) => ({ conns: { ...s.conns, clusterId: 'c1' } }));
    return t;
  }

  it('saves the layout per cluster, applies it after the layout changed, and deletes it', async () => {
    const t = store();
    const s = () => t.store.getState();
    s().setFilter({ field: 'channel', text: 'ops', state: 'live' });
    s().setSort({ key: 'msgsIn', dir: 'desc' });
    t.store.setState((st) => ({ ui: { ...st.ui, columns: ['clientId', 'channel', 'msgsIn'] } }));
    expect(await s().saveView('Busy ops')).toBe(true);
    expect(t.calls.at(-1)).toEqual({
      method: 'settings.set',
      input: { views: { c1: [{ name: 'Busy ops', filter: { field: 'channel', text: 'ops', state: 'live' }, columns: ['clientId', 'channel', 'msgsIn'], sort: { key: 'msgsIn', dir: 'desc' } }] } },
    });

    // Another cluster's list is its own.
    t.store.setState((st) => ({ conns: { ...st.conns, clusterId: 'c2' } }));
    expect(await s().saveView('Everything')).toBe(true);
    expect(Object.keys(s().settings.views).sort()).toEqual(['c1', 'c2']);
    t.store.setState((st) => ({ conns: { ...st.conns, clusterId: 'c1' } }));

    s().setFilter({ field: 'any', text: '' });
    s().setSort({ key: 'clientId', dir: 'asc' });
    t.store.setState((st) => ({ ui: { ...st.ui, columns: ['clientId'] } }));
    s().applyView('Busy ops');
    expect(s().conns.table.filter).toEqual({ field: 'channel', text: 'ops', state: 'live' });
    expect(s().conns.table.sort).toEqual({ key: 'msgsIn', dir: 'desc' });
    expect(s().ui.columns).toEqual(['clientId', 'channel', 'msgsIn']);

    await s().deleteView('Busy ops');
    expect(s().settings.views).toEqual({ c2: [expect.objectContaining({ name: 'Everything' })] });
  });

  it('a refused save says why and keeps the list', async () => {
    const t = testStore({ 'settings.set': () => Promise.reject(new Error('disk full')) });
    t.store.setState((s) => ({ conns: { ...s.conns, clusterId: 'c1' } }));
    expect(await t.store.getState().saveView('x')).toBe(false);
    expect(t.store.getState().settings.views).toEqual({});
    expect(t.store.getState().ui.toasts[0]?.text).toMatch(/Could not save the view “x”: disk full/);
    expect(await t.store.getState().saveView('  ')).toBe(false);
    expect(t.calls).toHaveLength(1);
  });
});
