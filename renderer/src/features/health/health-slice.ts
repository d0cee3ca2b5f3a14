import type { HealthReport, HealthSample } from '../../../../protocol/admin-health';
import type { ServerStatus } from '../../../../protocol/console/clusters';
import type { SliceCreator } from '../../store/types';

export interface HealthState {
  clusterId: string | null;
  serverIds: string[];
  /** The last report of each server (its whole bounded history). */
  reports: Record<string, HealthReport>;
  errors: Record<string, string>;
}

export interface HealthSlice {
  health: HealthState;
  /** Shows these connected servers' health and refreshes it while shown (see leaveHealth). */
  showHealthOf(clusterId: string, servers: readonly Pick<ServerStatus, 'serverId'>[]): void;
  reloadHealth(): Promise<void>;
  leaveHealth(): void;
}

/** How often the screen refetches while shown: the server samples every health.sampleMs (10 s by default). */
export const HEALTH_POLL_MS = 5000;

export const initialHealth = (): HealthState => ({ clusterId: null, serverIds: [], reports: {}, errors: {} });

// ---- pure helpers (unit tested)

/** uPlot's columnar data: x in Unix seconds, then one column per series. */
export type Columns = [number[], ...(number | null)[][]];

export function columnsOf(samples: readonly HealthSample[], pick: readonly ((s: HealthSample) => number | null)[]): Columns {
  const xs = samples.map((s) => Date.parse(s.at) / 1000);
  return [xs, ...pick.map((f) => samples.map(f))];
}

/** Channel names seen anywhere in the history, sorted (a channel that came and went keeps its line). */
export function channelsOf(samples: readonly HealthSample[]): string[] {
  const names = new Set<string>();
  for (const s of samples) for (const n of Object.keys(s.perChannel)) names.add(n);
  return [...names].sort();
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${n} B`;
}

export function formatUptime(sec: number): string {
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${Math.floor(sec)} s`;
}

// ---- slice

export const createHealthSlice: SliceCreator<HealthSlice> = (set, get, deps) => {
  let poll: ReturnType<typeof setInterval> | null = null;
  let generation = 0;
  const stop = () => {
    if (poll) clearInterval(poll);
    poll = null;
  };
  return {
    health: initialHealth(),
    showHealthOf(clusterId, servers) {
      const h = get().health;
      const ids = servers.map((s) => s.serverId);
      if (h.clusterId !== clusterId || ids.join('\n') !== h.serverIds.join('\n')) {
        set({ health: { ...initialHealth(), clusterId, serverIds: ids, reports: h.clusterId === clusterId ? h.reports : {} } });
      }
      void get().reloadHealth();
      stop();
      poll = setInterval(() => void get().reloadHealth(), HEALTH_POLL_MS);
    },
    async reloadHealth() {
      const { clusterId, serverIds } = get().health;
      if (clusterId === null) return;
      const gen = ++generation;
      const results = await Promise.all(
        serverIds.map(async (serverId) => {
          try {
            return { serverId, report: await deps.api.call('health.get', { clusterId, serverId }), error: null };
          } catch (err) {
            return { serverId, report: null, error: deps.errorMessage(err) };
          }
        }),
      );
      if (gen !== generation || get().health.clusterId !== clusterId) return;
      set((s) => {
        const reports: Record<string, HealthReport> = {};
        const errors: Record<string, string> = {};
        for (const r of results) {
          if (r.report) reports[r.serverId] = r.report;
          else {
            errors[r.serverId] = r.error ?? 'no answer';
            // Keep what we last had: an old history is still worth seeing, marked by the error.
            const old = s.health.reports[r.serverId];
            if (old) reports[r.serverId] = old;
          }
        }
        return { health: { ...s.health, reports, errors } };
      });
    },
    leaveHealth: stop,
  };
};
