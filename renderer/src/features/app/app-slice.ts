import type { AppInfo } from '../../../../protocol/console/clusters';
import type { LinkStatus } from '../../api/transport';
import type { SliceCreator } from '../../store/types';

export interface AppState {
  info: AppInfo | null;
  link: LinkStatus;
}

export interface AppSlice {
  app: AppState;
  setLink(link: LinkStatus): void;
  loadAppInfo(): Promise<void>;
}

export const initialApp = (): AppState => ({ info: null, link: { state: 'connecting' } });

export const createAppSlice: SliceCreator<AppSlice> = (set, get, deps) => ({
  app: initialApp(),
  setLink: (link) => set((s) => ({ app: { ...s.app, link } })),
  async loadAppInfo() {
    try {
      const info = await deps.api.call('app.info', {});
      set((s) => ({ app: { ...s.app, info } }));
    } catch (err) {
      get().notify('error', `Could not reach the console core: ${deps.errorMessage(err)}`);
    }
  },
});
