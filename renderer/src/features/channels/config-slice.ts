import type { Channel, ChannelCreate, Security, SecurityCreate } from '../../../../protocol/admin-config';
import type { ConfigChanged } from '../../../../protocol/console/clusters';
import type { SliceCreator } from '../../store/types';
import type { SavePayload } from './use-save-form';

/**
 * Channels and security definitions of one server of the selected cluster: what the channels
 * screen shows. Fetched on demand; a `config.changed` notice for the shown server refetches
 * (notices arriving together are coalesced into one refetch).
 */
export interface ConfigState {
  clusterId: string | null;
  serverId: string | null;
  channels: Channel[] | null;
  security: Security[];
  error: string | null;
  loading: boolean;
}

export interface ConfigSlice {
  config: ConfigState;
  /** Shows (and loads) one server's configuration; a no-op when it is already the one shown. */
  showConfigOf(clusterId: string, serverId: string): void;
  reloadConfig(): Promise<void>;
  /** Applies a forwarded config.changed notice (wired by features/channels/wire.ts). */
  onConfigChanged(change: ConfigChanged): void;
  saveChannel(payload: SavePayload<ChannelCreate>): Promise<void>;
  saveSecurity(payload: SavePayload<SecurityCreate>): Promise<void>;
  setChannelActive(name: string, active: boolean): Promise<void>;
  deleteChannel(name: string): Promise<void>;
  deleteSecurity(name: string): Promise<void>;
  /** Closes every connection of one channel of the shown server, in one admin request. */
  disconnectChannel(name: string): Promise<void>;
}

export const REFETCH_DEBOUNCE_MS = 100;

export const initialConfig = (): ConfigState => ({ clusterId: null, serverId: null, channels: null, security: [], error: null, loading: false });

export const createConfigSlice: SliceCreator<ConfigSlice> = (set, get, deps) => {
  let generation = 0;
  let refetch: ReturnType<typeof setTimeout> | null = null;
  const target = () => {
    const { clusterId, serverId } = get().config;
    if (clusterId === null || serverId === null) throw new Error('no server selected');
    return { clusterId, serverId };
  };
  /** Runs one change, tells the user, and refetches whatever happened. */
  const act = async (what: string, fn: () => Promise<unknown>, rethrow = false): Promise<void> => {
    try {
      await fn();
      get().notify('info', what);
    } catch (err) {
      if (rethrow) throw err;
      get().notify('error', `${what} failed: ${deps.errorMessage(err)}`);
    } finally {
      void get().reloadConfig();
    }
  };
  return {
    config: initialConfig(),
    showConfigOf(clusterId, serverId) {
      const c = get().config;
      if (c.clusterId === clusterId && c.serverId === serverId) return;
      set({ config: { ...initialConfig(), clusterId, serverId } });
      void get().reloadConfig();
    },
    async reloadConfig() {
      const { clusterId, serverId } = get().config;
      if (clusterId === null || serverId === null) return;
      const gen = ++generation;
      set((s) => ({ config: { ...s.config, loading: true } }));
      try {
        const [ch, sec] = await Promise.all([deps.api.call('channels.list', { clusterId, serverId }), deps.api.call('security.list', { clusterId, serverId })]);
        if (gen !== generation) return;
        set((s) => ({ config: { ...s.config, channels: ch.items, security: sec.items, error: null, loading: false } }));
      } catch (err) {
        if (gen === generation) set((s) => ({ config: { ...s.config, error: deps.errorMessage(err), loading: false } }));
      }
    },
    onConfigChanged(change) {
      const c = get().config;
      if (change.kind === 'topic' || change.clusterId !== c.clusterId || change.serverId !== c.serverId || refetch) return;
      refetch = setTimeout(() => {
        refetch = null;
        void get().reloadConfig();
      }, REFETCH_DEBOUNCE_MS);
    },
    async saveChannel(p) {
      const t = target();
      await act('create' in p ? `Created channel ${p.create.name}` : `Saved channel ${p.name}`, () =>
        'create' in p ? deps.api.call('channels.create', { ...t, channel: p.create }) : deps.api.call('channels.update', { ...t, name: p.name, patch: p.patch }), true);
    },
    async saveSecurity(p) {
      const t = target();
      await act('create' in p ? `Created security definition ${p.create.name}` : `Saved security definition ${p.name}`, () =>
        'create' in p ? deps.api.call('security.create', { ...t, security: p.create }) : deps.api.call('security.update', { ...t, name: p.name, patch: p.patch }), true);
    },
    setChannelActive: (name, active) => act(`${active ? 'Activated' : 'Deactivated'} ${name}`, () => deps.api.call('channels.update', { ...target(), name, patch: { active } })),
    deleteChannel: (name) => act(`Deleted ${name}`, () => deps.api.call('channels.delete', { ...target(), name })),
    async disconnectChannel(name) {
      try {
        const r = await deps.api.call('connections.disconnectMany', { ...target(), selector: { channel: name } });
        const failed = r.items.filter((i) => !i.ok).length;
        get().notify(failed > 0 ? 'error' : 'info', `Channel ${name}: closed ${r.items.length - failed} of ${r.matched} connection(s) with ${r.code}${failed > 0 ? `; ${failed} failed` : ''}`);
      } catch (err) {
        get().notify('error', `Disconnecting channel ${name} failed: ${deps.errorMessage(err)}`);
      }
    },
    deleteSecurity: (name) => act(`Deleted ${name}`, () => deps.api.call('security.delete', { ...target(), name })),
  };
};
