import type { SavedView, Settings, ThemeChoice, TimeMode } from '../../../../protocol/console/clusters';
import type { SliceCreator } from '../../store/types';

type SliceArgs = Parameters<SliceCreator<SettingsSlice>>;

export interface SettingsState {
  timeMode: TimeMode;
  theme: ThemeChoice;
  /** Saved connection-screen views per cluster id (features/connections/saved-views.ts). */
  views: Record<string, SavedView[]>;
  sandbox: boolean;
  /** True once the core's settings arrived (until then we show local time). */
  loaded: boolean;
  /** A sandbox start/stop is under way (the toggle shows the wanted state, disabled, until it ends). */
  sandboxPending?: boolean;
}

export interface SettingsSlice {
  settings: SettingsState;
  applySettings(settings: Settings): void;
  loadSettings(): Promise<void>;
  /** Flips local/UTC everywhere at once, optimistically; the core persists it. */
  setTimeMode(mode: TimeMode): void;
  /** Light / dark / follow the system, at once and optimistically; the core persists it. */
  setTheme(theme: ThemeChoice): void;
  /** Starts/stops the embedded sandbox server (the core adds/removes its "Local sandbox" cluster). */
  setSandbox(on: boolean): Promise<void>;
}

export const initialSettings: SettingsState = { timeMode: 'local', theme: 'system', views: {}, sandbox: false, loaded: false };

export const settingsFromCore = (_prev: SettingsState, s: Settings): SettingsState => ({ timeMode: s.timeMode, theme: s.theme, views: s.views, sandbox: s.sandbox, loaded: true });

export const toggledTimeMode = (mode: TimeMode): TimeMode => (mode === 'local' ? 'utc' : 'local');

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set, get, deps) => ({
  async setSandbox(on) {
    // Starting a server takes a moment: show the wanted state at once, and refuse a second click.
    const before = get().settings.sandbox;
    set((st) => ({ settings: { ...st.settings, sandbox: on, sandboxPending: true } }));
    try {
      get().applySettings(await deps.api.call('settings.set', { sandbox: on }));
    } catch (err) {
      set((st) => ({ settings: { ...st.settings, sandbox: before } }));
      get().notify('error', `Could not ${on ? 'start' : 'stop'} the sandbox: ${deps.errorMessage(err)}`);
    } finally {
      set((st) => ({ settings: { ...st.settings, sandboxPending: false } }));
    }
    // A restarted sandbox listens on new ports: refresh what the app knows about it.
    await get().loadAppInfo();
  },
  settings: initialSettings,
  applySettings: (s) => set((st) => ({ settings: settingsFromCore(st.settings, s) })),
  async loadSettings() {
    try {
      get().applySettings(await deps.api.call('settings.get', {}));
    } catch (err) {
      get().notify('error', `Could not load settings: ${deps.errorMessage(err)}`);
    }
  },
  setTimeMode: (mode) => savePreference(set, get, deps, 'timeMode', mode, 'the time zone setting'),
  setTheme: (theme) => savePreference(set, get, deps, 'theme', theme, 'the theme'),
});

/** Shows a preference at once, lets the core persist it, and puts the old value back if the core refuses. */
function savePreference<K extends 'timeMode' | 'theme'>(set: SliceArgs[0], get: SliceArgs[1], deps: SliceArgs[2], key: K, value: SettingsState[K], what: string): void {
  const before = get().settings[key];
  set((st) => ({ settings: { ...st.settings, [key]: value } as SettingsState }));
  deps.api.call('settings.set', { [key]: value }).then(
    (s) => get().applySettings(s),
    (err: unknown) => {
      set((st) => ({ settings: { ...st.settings, [key]: before } as SettingsState }));
      get().notify('error', `Could not save ${what}: ${deps.errorMessage(err)}`);
    },
  );
}
