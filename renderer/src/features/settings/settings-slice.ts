import type { Settings, TimeMode } from '../../../../protocol/console/clusters';
import type { SliceCreator } from '../../store/types';

export interface SettingsState {
  timeMode: TimeMode;
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
  /** Starts/stops the embedded sandbox server (the core adds/removes its "Local sandbox" cluster). */
  setSandbox(on: boolean): Promise<void>;
}

export const initialSettings: SettingsState = { timeMode: 'local', sandbox: false, loaded: false };

export const settingsFromCore = (_prev: SettingsState, s: Settings): SettingsState => ({ timeMode: s.timeMode, sandbox: s.sandbox, loaded: true });

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
  setTimeMode: (mode) => {
    const before = get().settings.timeMode;
    set((st) => ({ settings: { ...st.settings, timeMode: mode } }));
    deps.api.call('settings.set', { timeMode: mode }).then(
      (s) => get().applySettings(s),
      (err: unknown) => {
        set((st) => ({ settings: { ...st.settings, timeMode: before } }));
        get().notify('error', `Could not save the time zone setting: ${deps.errorMessage(err)}`);
      },
    );
  },
});
