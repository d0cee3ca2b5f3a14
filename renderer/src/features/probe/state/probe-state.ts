import type { ProbeSessionView, ProbeTemplate } from '../../../../../protocol/console/probe';
import { emptyComposer, type ComposerState } from './composer-state';
import { emptyLog, type LogView } from './log-state';

/** The probe slice's state and its pure updates (unit tested); the slice wires them to the core. */

export interface ProbeState {
  loaded: boolean;
  sessions: Record<string, ProbeSessionView>;
  /** Saved sessions, oldest first. */
  order: string[];
  /** Sessions open as tabs, in tab order. */
  tabs: string[];
  active: string | null;
  /** The connect form: for a session id, for a new session ('new'), or closed (null). */
  editing: string | null;
  logs: Record<string, LogView>;
  composers: Record<string, ComposerState>;
  templates: ProbeTemplate[];
  /** Last export per session, shown next to the export buttons: the file name (browser) or path (desktop). */
  exports: Record<string, { file: string; entries: number; bytes: number; includeSecrets: boolean }>;
  /** An import is running (upload or dialog). */
  importing: boolean;
}

export const initialProbe = (): ProbeState => ({
  loaded: false, sessions: {}, order: [], tabs: [], active: null, editing: null, logs: {}, composers: {}, templates: [], exports: {}, importing: false,
});

// ---- pure updates (unit tested)

export function withSessions(p: ProbeState, sessions: ProbeSessionView[]): ProbeState {
  const byId: Record<string, ProbeSessionView> = {};
  for (const s of sessions) byId[s.id] = s;
  const order = [...sessions].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((s) => s.id);
  const tabs = p.tabs.filter((t) => byId[t]);
  const active = p.active && byId[p.active] ? p.active : (tabs[0] ?? null);
  return { ...p, sessions: byId, order, tabs, active, editing: p.editing === 'new' || (p.editing && byId[p.editing]) ? p.editing : null };
}

export function withSession(p: ProbeState, s: ProbeSessionView): ProbeState {
  const order = p.order.includes(s.id) ? p.order : [...p.order, s.id];
  return { ...p, sessions: { ...p.sessions, [s.id]: s }, order };
}

export function withTabOpen(p: ProbeState, id: string): ProbeState {
  const s = p.sessions[id];
  return {
    ...p,
    tabs: p.tabs.includes(id) ? p.tabs : [...p.tabs, id],
    active: id,
    logs: p.logs[id] ? p.logs : { ...p.logs, [id]: emptyLog(s?.stats) },
    composers: p.composers[id] ? p.composers : { ...p.composers, [id]: emptyComposer() },
  };
}

export function withTabClosed(p: ProbeState, id: string): ProbeState {
  const i = p.tabs.indexOf(id);
  if (i < 0) return p;
  const tabs = p.tabs.filter((t) => t !== id);
  const active = p.active === id ? (tabs[Math.min(i, tabs.length - 1)] ?? null) : p.active;
  const { [id]: _l, ...logs } = p.logs;
  return { ...p, tabs, active, logs };
}
