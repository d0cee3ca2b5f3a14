import { describe, expect, it } from 'vitest';
import type { ClusterProfile, ClusterState, ServerStatus } from '../../../../protocol/console/clusters';
import { actionBlockedReason, clusterHealth, initialClusters, withClusterState, withProfiles } from '../../../../renderer/src/features/clusters/clusters-slice';
import { describeInvokeError, initialInvoke, withEntry, type InvokeEntry } from '../../../../renderer/src/features/connections/invoke-slice';
import { settingsFromCore, toggledTimeMode, initialSettings } from '../../../../renderer/src/features/settings/settings-slice';
import { clampWidth, MIN_COLUMN_WIDTH, toggledColumns, withToast, MAX_TOASTS } from '../../../../renderer/src/features/app/ui-slice';
import { testStore } from '../fake-deps';

const profile = (id: string): ClusterProfile => ({ id, name: id, servers: [], builtin: null, createdAt: '2026-11-22T10:00:00.000Z', updatedAt: '2026-11-22T10:00:00.000Z' });
const server = (over: Partial<ServerStatus> = {}): ServerStatus => ({
  serverId: 's1', url: 'http://127.0.0.1:7070', status: 'connected', reason: null, nextRetryAt: null, attempts: 0, info: null,
  role: 'operator', tokenName: 'ops', rttMs: 1, connections: 0, insecureTls: false, since: '2026-11-22T10:00:00.000Z', ...over,
});
const state = (servers: ServerStatus[]): ClusterState => ({ clusterId: 'k1', open: true, servers });

describe('clusters slice', () => {
  it('drops state and selection of removed profiles', () => {
    let s = withClusterState({ ...initialClusters, selectedId: 'k1' }, state([server()]));
    s = withProfiles(s, [profile('k2')]);
    expect(s.selectedId).toBeNull();
    expect(s.states).toEqual({});
    expect(s.loaded).toBe(true);
  });

  it('summarises health from the servers', () => {
    expect(clusterHealth(undefined)).toBe('closed');
    expect(clusterHealth(state([server()]))).toBe('ok');
    expect(clusterHealth(state([server(), server({ serverId: 's2', status: 'unreachable' })]))).toBe('partial');
    expect(clusterHealth(state([server({ status: 'auth-failed' })]))).toBe('down');
  });

  it('blocks actions for viewer tokens and unconnected servers, with a reason', () => {
    expect(actionBlockedReason(state([server()]), 's1')).toBeNull();
    expect(actionBlockedReason(state([server({ role: 'viewer', tokenName: 'look' })]), 's1')).toMatch(/viewer token/);
    expect(actionBlockedReason(state([server({ status: 'reconnecting' })]), 's1')).toMatch(/reconnecting/);
    expect(actionBlockedReason(undefined, 's1')).toMatch(/No cluster/);
  });
});

describe('ui slice', () => {
  it('toggles columns in canonical order and never hides the last one', () => {
    expect(toggledColumns(['c'], 'a', ['a', 'b', 'c'])).toEqual(['a', 'c']);
    expect(toggledColumns(['a', 'c'], 'a', ['a', 'b', 'c'])).toEqual(['c']);
    expect(toggledColumns(['c'], 'c', ['a', 'b', 'c'])).toEqual(['c']);
  });
  it('clamps widths and caps toasts', () => {
    expect(clampWidth(3)).toBe(MIN_COLUMN_WIDTH);
    let t = [] as ReturnType<typeof withToast>;
    for (let i = 0; i < MAX_TOASTS + 3; i++) t = withToast(t, { id: i, kind: 'info', text: '' });
    expect(t).toHaveLength(MAX_TOASTS);
    expect(t[t.length - 1]!.id).toBe(MAX_TOASTS + 2);
  });
});

describe('settings slice', () => {
  it('takes the core settings and toggles the time mode', () => {
    expect(settingsFromCore(initialSettings, { timeMode: 'utc', theme: 'dark', views: {}, sandbox: true })).toEqual({ timeMode: 'utc', theme: 'dark', views: {}, sandbox: true, loaded: true });
    expect(toggledTimeMode('local')).toBe('utc');
    expect(toggledTimeMode('utc')).toBe('local');
  });

  it('switches at once and persists through setSettings; rolls back when the core refuses', async () => {
    const ok = testStore({ 'settings.set': (i) => ({ timeMode: i.timeMode ?? 'local', theme: 'system', views: {}, sandbox: false }) });
    ok.store.getState().setTimeMode('utc');
    expect(ok.store.getState().settings.timeMode).toBe('utc');
    await new Promise((r) => setTimeout(r, 0));
    expect(ok.calls).toEqual([{ method: 'settings.set', input: { timeMode: 'utc' } }]);

    const bad = testStore({ 'settings.set': () => Promise.reject(new Error('disk full')) });
    bad.store.getState().setTimeMode('utc');
    await new Promise((r) => setTimeout(r, 0));
    expect(bad.store.getState().settings.timeMode).toBe('local');
    expect(bad.store.getState().ui.toasts[0]?.text).toMatch(/disk full/);
  });

  it('sets the theme at once, sends only the theme, and puts the old one back when the core refuses', async () => {
    const ok = testStore({ 'settings.set': (i) => ({ timeMode: 'local', theme: i.theme ?? 'system', views: {}, sandbox: false }) });
    ok.store.getState().setTheme('dark');
    expect(ok.store.getState().settings.theme).toBe('dark');
    await new Promise((r) => setTimeout(r, 0));
    expect(ok.calls).toEqual([{ method: 'settings.set', input: { theme: 'dark' } }]);
    expect(ok.store.getState().settings.theme).toBe('dark');

    const bad = testStore({ 'settings.set': () => Promise.reject(new Error('read-only disk')) });
    bad.store.getState().setTheme('light');
    expect(bad.store.getState().settings.theme).toBe('light');
    await new Promise((r) => setTimeout(r, 0));
    expect(bad.store.getState().settings.theme).toBe('system');
    expect(bad.store.getState().ui.toasts[0]?.text).toMatch(/Could not save the theme: read-only disk/);
  });

  it('shows the sandbox toggle in its wanted state while pending, then refreshes the app info', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = testStore({
      'settings.set': async (i) => (await gate, { timeMode: 'local', theme: 'system', views: {}, sandbox: i.sandbox ?? false }),
      'app.info': () => ({ version: 't', host: 'web', platform: 'linux', secretStorage: { backend: 'file', secure: false, warning: null }, sandbox: null }),
    });
    const done = t.store.getState().setSandbox(true);
    expect(t.store.getState().settings).toMatchObject({ sandbox: true, sandboxPending: true });
    release();
    await done;
    expect(t.store.getState().settings).toMatchObject({ sandbox: true, sandboxPending: false });
    expect(t.calls.map((c) => c.method)).toEqual(['settings.set', 'app.info']);

    const bad = testStore({ 'settings.set': () => Promise.reject(new Error('port in use')), 'app.info': () => { throw new Error('x'); } });
    await bad.store.getState().setSandbox(true);
    expect(bad.store.getState().settings).toMatchObject({ sandbox: false, sandboxPending: false });
    expect(bad.store.getState().ui.toasts[0]?.text).toMatch(/port in use/);
  });
});

describe('invoke slice', () => {
  const entry = (id: number, clientId = 'a'): InvokeEntry => ({ id, clientId, rowKey: 's/c', connectionId: 'c', text: '{}', timeoutMs: 5000, sentAtMs: 0, status: 'pending' });

  it('keeps history per client ID, newest first, bounded, replacing by id', () => {
    let s = initialInvoke();
    for (let i = 1; i <= 5; i++) s = withEntry(s, entry(i), 3);
    s = withEntry(s, entry(9, 'b'), 3);
    expect(s.history.a!.map((e) => e.id)).toEqual([5, 4, 3]);
    s = withEntry(s, { ...entry(4), status: 'ok' }, 3);
    expect(s.history.a!.map((e) => e.status)).toEqual(['pending', 'ok', 'pending']);
    expect(s.history.b).toHaveLength(1);
  });

  it('names timeout, gone and closed plainly', () => {
    expect(describeInvokeError({ code: 'SB_ERR_INVOKE_TIMEOUT', message: 'x' })).toMatch(/^Timed out/);
    expect(describeInvokeError({ code: 'SB_ERR_CONNECTION_NOT_FOUND', message: 'x' })).toMatch(/^Gone/);
    expect(describeInvokeError({ code: 'SB_ERR_CONNECTION_CLOSED', message: 'x' })).toMatch(/^Closed/);
  });

  it('records the answer or the error of a send', async () => {
    const t = testStore({
      'connections.invoke': (i) => ({ connectionId: i.connectionId, ok: true, data: { echo: i.data }, latencyMs: 3, sentAt: '2026-11-22T10:00:00.000Z', respondedAt: '2026-11-22T10:00:00.003Z' }),
    });
    const target = { clusterId: 'k', serverId: 's', connectionId: 'c', rowKey: 's/c', clientId: 'demo-1' };
    const e = await t.store.getState().sendInvoke(target, '{"a":1}', 1000);
    expect(e.status).toBe('ok');
    expect(t.calls[0]!.input).toEqual({ clusterId: 'k', serverId: 's', connectionId: 'c', data: { a: 1 }, timeoutMs: 1000 });
    expect(t.store.getState().invoke.history['demo-1']![0]!.result?.data).toEqual({ echo: { a: 1 } });
  });
});
