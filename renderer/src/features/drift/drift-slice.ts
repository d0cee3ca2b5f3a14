import type { Channel, Security } from '../../../../protocol/admin-config';
import type { Topic } from '../../../../protocol/admin-pubsub';
import type { ServerStatus } from '../../../../protocol/console/clusters';
import type { SliceCreator } from '../../store/types';
import { DRIFT_FIELDS, alignPatchOf, type DriftRow } from './drift';

interface ServerConfig {
  channels: Channel[];
  security: Security[];
  topics: Topic[];
}

export interface DriftState {
  clusterId: string | null;
  servers: { serverId: string; serverName: string }[];
  configs: Record<string, ServerConfig>;
  errors: Record<string, string>;
  loading: boolean;
}

export interface DriftSlice {
  drift: DriftState;
  showDriftOf(clusterId: string, servers: readonly Pick<ServerStatus, 'serverId' | 'url' | 'info'>[]): void;
  reloadDrift(): Promise<void>;
  /** Makes `serverId`'s item equal to the reference server's: creates it there or patches what differs. */
  alignDrift(row: DriftRow, serverId: string): Promise<void>;
}

export const initialDrift = (): DriftState => ({ clusterId: null, servers: [], configs: {}, errors: {}, loading: false });

const pick = (o: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));

export const createDriftSlice: SliceCreator<DriftSlice> = (set, get, deps) => {
  let generation = 0;
  return {
    drift: initialDrift(),
    showDriftOf(clusterId, servers) {
      const list = servers.map((s) => ({ serverId: s.serverId, serverName: s.info?.name ?? s.url }));
      const d = get().drift;
      if (d.clusterId === clusterId && JSON.stringify(d.servers) === JSON.stringify(list)) return;
      set({ drift: { ...initialDrift(), clusterId, servers: list } });
      void get().reloadDrift();
    },
    async reloadDrift() {
      const { clusterId, servers } = get().drift;
      if (clusterId === null) return;
      const gen = ++generation;
      set((s) => ({ drift: { ...s.drift, loading: true } }));
      const results = await Promise.all(
        servers.map(async ({ serverId }) => {
          try {
            const t = { clusterId, serverId };
            const [ch, sec, tp] = await Promise.all([deps.api.call('channels.list', t), deps.api.call('security.list', t), deps.api.call('topics.list', t)]);
            return { serverId, config: { channels: ch.items, security: sec.items, topics: tp.items }, error: null };
          } catch (err) {
            return { serverId, config: null, error: deps.errorMessage(err) };
          }
        }),
      );
      if (gen !== generation) return;
      const configs: Record<string, ServerConfig> = {};
      const errors: Record<string, string> = {};
      for (const r of results) {
        if (r.config) configs[r.serverId] = r.config;
        else errors[r.serverId] = r.error ?? 'no answer';
      }
      set((s) => ({ drift: { ...s.drift, configs, errors, loading: false } }));
    },
    async alignDrift(row, serverId) {
      const { clusterId, configs, servers } = get().drift;
      if (clusterId === null) return;
      const target = { clusterId, serverId };
      const name = servers.find((s) => s.serverId === serverId)?.serverName ?? serverId;
      const differs = row.differs.find((d) => d.serverId === serverId);
      try {
        if (differs) {
          const patch = alignPatchOf(differs.fields);
          if (row.kind === 'channel') await deps.api.call('channels.update', { ...target, name: row.name, patch });
          else if (row.kind === 'topic') await deps.api.call('topics.update', { ...target, name: row.name, patch });
          else await deps.api.call('security.update', { ...target, name: row.name, patch });
        } else {
          const ref = configs[row.referenceId];
          if (!ref) throw new Error('the reference server has not been read');
          if (row.kind === 'channel') {
            const c = ref.channels.find((x) => x.name === row.name)!;
            await deps.api.call('channels.create', { ...target, channel: { name: c.name, address: c.address, ...pick(c, DRIFT_FIELDS.channel) } });
          } else if (row.kind === 'topic') {
            const t = ref.topics.find((x) => x.name === row.name)!;
            await deps.api.call('topics.create', { ...target, topic: { name: t.name, ...pick(t, DRIFT_FIELDS.topic) } });
          } else {
            throw new Error('a security definition cannot be copied (its secret never leaves the server)');
          }
        }
        get().notify('info', `${row.name} on ${name} now matches ${row.referenceName}`);
      } catch (err) {
        get().notify('error', `Could not align ${row.name} on ${name}: ${deps.errorMessage(err)}`);
      }
      await get().reloadDrift();
    },
  };
};
