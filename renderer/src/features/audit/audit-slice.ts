import type { AuditEntry } from '../../../../protocol/admin-audit';
import type { ServerStatus } from '../../../../protocol/console/clusters';
import type { CallInput } from '../../../../protocol/console/contract';
import type { SliceCreator } from '../../store/types';
import type { TimeMode } from '../../lib/time';
import { csvField } from '../connections/export';

/** One audit entry as one server logged it. */
export interface AuditRow {
  /** `${serverId}/${id}`: ids are per server. */
  key: string;
  serverId: string;
  serverName: string;
  entry: AuditEntry;
}

/** What the operator filters by; '' = any. since/until as typed (datetime-local), in the chosen zone. */
export interface AuditFilterDraft {
  actor: string;
  action: string;
  target: string;
  outcome: '' | 'ok' | 'error';
  since: string;
  until: string;
}

export interface AuditState {
  clusterId: string | null;
  serverIds: string[];
  filter: AuditFilterDraft;
  rows: AuditRow[] | null;
  /** Per server: the `before` of its next (older) page, null when it has no more. */
  cursors: Record<string, number | null>;
  errors: Record<string, string>;
  loading: boolean;
  /** Poll the newest page every AUDIT_LIVE_POLL_MS while on. */
  live: boolean;
}

export interface AuditSlice {
  audit: AuditState;
  showAuditOf(clusterId: string, servers: readonly Pick<ServerStatus, 'serverId' | 'url' | 'info'>[]): void;
  setAuditFilter(filter: Partial<AuditFilterDraft>): void;
  reloadAudit(): Promise<void>;
  loadOlderAudit(): Promise<void>;
  setAuditLive(live: boolean): void;
  /** Stops the live poll (the screen unmounts). */
  leaveAudit(): void;
}

/** Entries fetched per server per page. */
export const AUDIT_PAGE = 100;
/** Most entries the screen keeps (older pages beyond it are dropped, oldest first). */
export const AUDIT_MAX_ROWS = 5000;
export const AUDIT_LIVE_POLL_MS = 3000;

export const emptyAuditFilter = (): AuditFilterDraft => ({ actor: '', action: '', target: '', outcome: '', since: '', until: '' });
export const initialAudit = (): AuditState => ({ clusterId: null, serverIds: [], filter: emptyAuditFilter(), rows: null, cursors: {}, errors: {}, loading: false, live: false });

// ---- pure updates (unit tested)

/** The console call's filter fields: only the ones set. */
export type AuditQuery = Pick<CallInput<'audit.list'>, 'actor' | 'action' | 'target' | 'outcome' | 'since' | 'until'>;
export function auditQueryOf(f: AuditFilterDraft, mode: TimeMode): AuditQuery {
  const out: AuditQuery = {};
  for (const k of ['actor', 'action', 'target'] as const) {
    const v = f[k].trim();
    if (v !== '') out[k] = v;
  }
  if (f.outcome !== '') out.outcome = f.outcome;
  const since = isoOfInput(f.since, mode);
  const until = isoOfInput(f.until, mode);
  if (since) out.since = since;
  if (until) out.until = until;
  return out;
}

/** A datetime-local value ("2026-12-04T20:10") read in the chosen zone, as UTC ISO; null when empty or invalid. */
export function isoOfInput(value: string, mode: TimeMode): string | null {
  if (value.trim() === '') return null;
  const d = new Date(mode === 'utc' ? `${value}Z` : value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Adds rows (deduplicated by key), newest first across servers, at most AUDIT_MAX_ROWS kept. */
export function mergeAuditRows(have: readonly AuditRow[], add: readonly AuditRow[]): AuditRow[] {
  const byKey = new Map(have.map((r) => [r.key, r]));
  for (const r of add) byKey.set(r.key, r);
  return [...byKey.values()]
    .sort((a, b) => (a.entry.at < b.entry.at ? 1 : a.entry.at > b.entry.at ? -1 : b.entry.id - a.entry.id))
    .slice(0, AUDIT_MAX_ROWS);
}

/** Spreadsheet export: one line per entry, times as UTC ISO; params as their (already redacted) JSON. */
export function auditCsv(rows: readonly AuditRow[]): string {
  const head = ['at', 'server', 'token', 'role', 'action', 'target', 'outcome', 'error', 'params'];
  const lines = [head.join(',')];
  for (const r of rows) {
    const e = r.entry;
    lines.push([e.at, r.serverName, e.actor, e.role, e.action, e.target, e.outcome, e.error ? `${e.error.code}: ${e.error.message}` : null, e.params === undefined ? null : JSON.stringify(e.params)].map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

export function auditJson(rows: readonly AuditRow[]): string {
  return JSON.stringify(rows.map((r) => ({ server: r.serverName, serverId: r.serverId, ...r.entry })), null, 2);
}

// ---- slice

export const createAuditSlice: SliceCreator<AuditSlice> = (set, get, deps) => {
  let generation = 0;
  let poll: ReturnType<typeof setInterval> | null = null;
  let names: Record<string, string> = {};
  const stopPoll = () => {
    if (poll) clearInterval(poll);
    poll = null;
  };
  /** One page from each server (newest, or older than its cursor), merged in. */
  const fetchPages = async (older: boolean, replace: boolean) => {
    const { clusterId, serverIds, filter, cursors } = get().audit;
    if (clusterId === null) return;
    const gen = replace ? ++generation : generation;
    const query = auditQueryOf(filter, get().settings.timeMode);
    const targets = older ? serverIds.filter((s) => typeof cursors[s] === 'number') : serverIds;
    set((s) => ({ audit: { ...s.audit, loading: true } }));
    const results = await Promise.all(
      targets.map(async (serverId) => {
        try {
          const before = older ? (cursors[serverId] ?? undefined) : undefined;
          const res = await deps.api.call('audit.list', { clusterId, serverId, limit: AUDIT_PAGE, ...(before !== undefined ? { before } : {}), ...query });
          return { serverId, res, error: null };
        } catch (err) {
          return { serverId, res: null, error: deps.errorMessage(err) };
        }
      }),
    );
    if (gen !== generation) return;
    set((s) => {
      const errors = { ...(replace ? {} : s.audit.errors) };
      const nextCursors = { ...(replace ? {} : s.audit.cursors) };
      const add: AuditRow[] = [];
      for (const r of results) {
        if (r.error !== null || !r.res) {
          errors[r.serverId] = r.error ?? 'no answer';
          continue;
        }
        delete errors[r.serverId];
        // A live poll of the newest page must not forget how far back the operator already paged.
        if (older || replace || !(r.serverId in nextCursors)) nextCursors[r.serverId] = r.res.nextBefore;
        for (const entry of r.res.items) add.push({ key: `${r.serverId}/${entry.id}`, serverId: r.serverId, serverName: names[r.serverId] ?? r.serverId, entry });
      }
      return { audit: { ...s.audit, rows: mergeAuditRows(replace ? [] : (s.audit.rows ?? []), add), cursors: nextCursors, errors, loading: false } };
    });
  };
  return {
    audit: initialAudit(),
    showAuditOf(clusterId, servers) {
      const a = get().audit;
      const ids = servers.map((s) => s.serverId);
      names = Object.fromEntries(servers.map((s) => [s.serverId, s.info?.name ?? s.url]));
      if (a.clusterId === clusterId && ids.join('\n') === a.serverIds.join('\n') && a.rows !== null) return;
      set({ audit: { ...initialAudit(), clusterId, serverIds: ids, filter: a.clusterId === clusterId ? a.filter : emptyAuditFilter(), live: a.live } });
      void get().reloadAudit();
    },
    setAuditFilter(f) {
      set((s) => ({ audit: { ...s.audit, filter: { ...s.audit.filter, ...f } } }));
    },
    reloadAudit: () => fetchPages(false, true),
    loadOlderAudit: () => fetchPages(true, false),
    setAuditLive(live) {
      stopPoll();
      set((s) => ({ audit: { ...s.audit, live } }));
      if (live) poll = setInterval(() => void fetchPages(false, false), AUDIT_LIVE_POLL_MS);
    },
    leaveAudit: stopPoll,
  };
};
