import type { EventPayload } from '../../../../../protocol/console/contract';
import type { ProbeSessionConfigInput, ProbeSessionView } from '../../../../../protocol/console/probe';
import type { SliceCreator } from '../../../store/types';
import { emptyComposer, buildMessage, type ComposerState } from './composer-state';
import {
  applyLogBatch, applyQueryResult, coreOffset, focusEntry, isUnfiltered, missingPages, select, setFilter, setPaused, toggleExpanded,
  type LogFilterUi, type LogView,
} from './log-state';
import { validateCloseInput } from '../lib/close';
import { readDownload, saveInBrowser, uploadFile, type PickedFile } from '../lib/file-transfer';
import { initialProbe, withSession, withSessions, withTabClosed, withTabOpen, type ProbeState } from './probe-state';

export { initialProbe, withSession, withSessions, withTabClosed, withTabOpen, type ProbeState } from './probe-state';

export interface ProbeSlice {
  probe: ProbeState;
  /** Loads sessions/templates and subscribes to probe events; returns the disposer. */
  probeInit(): () => void;
  probeOpenTab(id: string): void;
  probeCloseTab(id: string): void;
  probeEdit(id: string | null): void;
  probeSaveSession(config: ProbeSessionConfigInput, sessionId?: string): Promise<ProbeSessionView>;
  probeDeleteSession(id: string): Promise<void>;
  probeConnect(id: string): Promise<void>;
  probeDisconnect(id: string): Promise<void>;
  probeSetComposer(id: string, patch: Partial<ComposerState>): void;
  probeSend(id: string): Promise<boolean>;
  probePing(id: string): Promise<void>;
  probeSetFilter(id: string, filter: LogFilterUi): void;
  probeSetPaused(id: string, paused: boolean): void;
  probeSetFollow(id: string, follow: boolean): void;
  probeSelect(id: string, index: number, additive: boolean): void;
  probeToggleExpanded(id: string, index: number): void;
  probeJumpTo(id: string, index: number): Promise<void>;
  /** The log list reports what is on screen; missing pages are fetched. */
  probeVisibleRange(id: string, start: number, end: number): void;
  probeResendSelected(id: string): Promise<void>;
  /** Desktop app: native save dialog; web host: a browser download. */
  probeExport(id: string, format: 'ndjson' | 'har', includeSecrets: boolean): Promise<void>;
  /** Web host: uploads a file the user picked. */
  probeImportFile(file: PickedFile): Promise<void>;
  /** Desktop app: native open dialog. */
  probeImportDialog(): Promise<void>;
  probeSaveTemplate(id: string, name: string): Promise<void>;
  probeDeleteTemplate(templateId: string): Promise<void>;
}

/** Rows fetched around the visible window, so small scrolls do not wait for the core. */
const OVERSCAN = 40;

// ---- slice

export const createProbeSlice: SliceCreator<ProbeSlice> = (set, get, deps) => {
  const patch = (fn: (p: ProbeState) => ProbeState) => set((s) => ({ probe: fn(s.probe) }));
  const patchLog = (id: string, fn: (l: LogView) => LogView) =>
    patch((p) => (p.logs[id] ? { ...p, logs: { ...p.logs, [id]: fn(p.logs[id]) } } : p));
  const fail = (what: string, err: unknown) => get().notify('error', `${what}: ${deps.errorMessage(err)}`);

  // probe.log events wait here and land in ONE set per animation frame, whatever the event rate.
  const pending = new Map<string, EventPayload<'probe.log'>>();
  const pendingAppended = new Map<string, number>();
  let frameScheduled = false;
  const flush = () => {
    frameScheduled = false;
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    const appended = new Map(pendingAppended);
    pending.clear();
    pendingAppended.clear();
    patch((p) => {
      const logs = { ...p.logs };
      const sessions = { ...p.sessions };
      for (const ev of batch) {
        const s = sessions[ev.sessionId];
        if (s) sessions[ev.sessionId] = { ...s, stats: ev.stats };
        const l = logs[ev.sessionId];
        if (l) logs[ev.sessionId] = applyLogBatch(l, appended.get(ev.sessionId) ?? 0, ev.stats);
      }
      return { ...p, logs, sessions };
    });
    const active = get().probe.active;
    if (active && batch.some((b) => b.sessionId === active)) void refresh(active);
  };

  // At most one refresh query per session in flight; events meanwhile ask for one more after it.
  const inflight = new Set<string>();
  const dirty = new Set<string>();
  const visible = new Map<string, { start: number; end: number }>();
  const pageInflight = new Set<string>();

  const refresh = async (id: string): Promise<void> => {
    if (inflight.has(id)) {
      dirty.add(id);
      return;
    }
    const log = get().probe.logs[id];
    if (!log || log.paused) return;
    const range = visible.get(id) ?? { start: 0, end: 50 };
    const span = Math.max(50, range.end - range.start);
    const limit = Math.min(2000, span + 2 * OVERSCAN);
    const startPos = log.follow ? Math.max(0, log.matched - span - OVERSCAN) : Math.max(0, range.start - OVERSCAN);
    const key = log.filterKey;
    inflight.add(id);
    try {
      const res = await deps.api.call('probe.queryLog', { sessionId: id, filter: log.applied, offset: coreOffset(log, startPos), limit });
      patchLog(id, (l) => applyQueryResult(l, key, res));
      // Filtered and following: the count grew past this page; fetch the newest again.
      if (log.follow && !isUnfiltered(log) && res.matched > res.offset + res.rows.length) dirty.add(id);
    } catch (err) {
      fail('Could not read the log', err);
    } finally {
      inflight.delete(id);
      if (dirty.delete(id)) deps.scheduleFrame(() => void refresh(id));
    }
  };

  const fetchPage = async (id: string, offset: number, limit: number) => {
    const log = get().probe.logs[id];
    if (!log) return;
    const tag = `${id}|${log.filterKey}|${offset}`;
    if (pageInflight.has(tag)) return;
    pageInflight.add(tag);
    try {
      const res = await deps.api.call('probe.queryLog', { sessionId: id, filter: log.applied, offset: coreOffset(log, offset), limit });
      patchLog(id, (l) => applyQueryResult(l, log.filterKey, res));
    } catch (err) {
      fail('Could not read the log', err);
    } finally {
      pageInflight.delete(tag);
    }
  };

  const composer = (id: string) => get().probe.composers[id] ?? emptyComposer();

  return {
    probe: initialProbe(),

    probeInit() {
      const offs = [
        deps.api.on('probe.sessions', (e) => patch((p) => withSessions(p, e.sessions))),
        deps.api.on('probe.templates', (e) => patch((p) => ({ ...p, templates: e.templates }))),
        deps.api.on('probe.state', (e) => patch((p) => withSession(p, e.session))),
        deps.api.on('probe.log', (e) => {
          pending.set(e.sessionId, e);
          pendingAppended.set(e.sessionId, (pendingAppended.get(e.sessionId) ?? 0) + e.appended);
          if (!frameScheduled) {
            frameScheduled = true;
            deps.scheduleFrame(flush);
          }
        }),
      ];
      Promise.all([deps.api.call('probe.listSessions', {}), deps.api.call('probe.listTemplates', {})]).then(
        ([s, t]) => {
          patch((p) => ({ ...withSessions(p, s.sessions), templates: t.templates, loaded: true }));
          for (const id of get().probe.tabs) void refresh(id);
        },
        (err: unknown) => {
          patch((p) => ({ ...p, loaded: true }));
          fail('Could not load probe sessions', err);
        },
      );
      return () => offs.forEach((off) => off());
    },

    probeOpenTab(id) {
      patch((p) => ({ ...withTabOpen(p, id), editing: null }));
      void refresh(id);
    },
    probeCloseTab: (id) => patch((p) => withTabClosed(p, id)),
    probeEdit: (id) => patch((p) => ({ ...p, editing: id })),

    async probeSaveSession(config, sessionId) {
      const view = await deps.api.call('probe.saveSession', { sessionId, config });
      patch((p) => ({ ...withTabOpen(withSession(p, view), view.id), editing: null }));
      return view;
    },
    async probeDeleteSession(id) {
      try {
        await deps.api.call('probe.deleteSession', { sessionId: id });
        patch((p) => {
          const closed = withTabClosed(p, id);
          const { [id]: _s, ...sessions } = closed.sessions;
          return { ...closed, sessions, order: closed.order.filter((o) => o !== id), editing: closed.editing === id ? null : closed.editing };
        });
      } catch (err) {
        fail('Could not delete the session', err);
      }
    },
    async probeConnect(id) {
      try {
        const view = await deps.api.call('probe.open', { sessionId: id });
        patch((p) => withSession(p, view));
      } catch (err) {
        fail('Could not connect', err);
      }
    },
    async probeDisconnect(id) {
      const c = composer(id);
      const v = validateCloseInput(c.closeCode, c.closeReason);
      if (!v.ok) {
        get().probeSetComposer(id, { closeError: v.error });
        return;
      }
      get().probeSetComposer(id, { closeError: null });
      try {
        const view = await deps.api.call('probe.close', { sessionId: id, code: v.code, reason: v.reason });
        patch((p) => withSession(p, view));
      } catch (err) {
        get().probeSetComposer(id, { closeError: deps.errorMessage(err) });
      }
    },

    probeSetComposer: (id, change) =>
      patch((p) => ({ ...p, composers: { ...p.composers, [id]: { ...(p.composers[id] ?? emptyComposer()), ...change } } })),

    async probeSend(id) {
      const built = buildMessage(composer(id));
      if (!built.ok) {
        get().probeSetComposer(id, { error: built.error });
        return false;
      }
      try {
        await deps.api.call('probe.send', { sessionId: id, message: built.message });
        get().probeSetComposer(id, { error: null });
        return true;
      } catch (err) {
        get().probeSetComposer(id, { error: deps.errorMessage(err) });
        return false;
      }
    },
    async probePing(id) {
      try {
        await deps.api.call('probe.send', { sessionId: id, message: { type: 'ping', payload: composer(id).pingPayload } });
      } catch (err) {
        get().probeSetComposer(id, { error: deps.errorMessage(err) });
      }
    },

    probeSetFilter(id, filter) {
      const before = get().probe.logs[id]?.filterKey;
      patchLog(id, (l) => setFilter(l, filter));
      if (get().probe.logs[id]?.filterKey !== before) void refresh(id);
    },
    probeSetPaused(id, paused) {
      patchLog(id, (l) => setPaused(l, paused));
      if (!paused) void refresh(id);
    },
    probeSetFollow(id, follow) {
      patchLog(id, (l) => (l.follow === follow ? l : { ...l, follow, focus: follow ? null : l.focus }));
      if (follow) void refresh(id);
    },
    probeSelect: (id, index, additive) => patchLog(id, (l) => select(l, index, additive)),
    probeToggleExpanded: (id, index) => patchLog(id, (l) => toggleExpanded(l, index)),

    async probeJumpTo(id, index) {
      patchLog(id, (l) => focusEntry(l, index));
      const log = get().probe.logs[id];
      if (!log || log.focus?.pos !== null) return;
      try {
        const res = await deps.api.call('probe.queryLog', { sessionId: id, filter: log.applied, anchorIndex: index, limit: 200 });
        patchLog(id, (l) => applyQueryResult(l, log.filterKey, res));
        if (get().probe.logs[id]?.focus?.pos === null) get().notify('info', `Entry #${index} is not in the filtered list (or was dropped).`);
      } catch (err) {
        fail('Could not find the paired entry', err);
      }
    },

    probeVisibleRange(id, start, end) {
      visible.set(id, { start, end });
      const log = get().probe.logs[id];
      if (!log) return;
      const missing = missingPages(log, start - OVERSCAN, end + OVERSCAN);
      // Following the tail: the per-frame refresh already fetches it; do not double the queries.
      if (log.follow && !log.paused) {
        if (missing.length > 0 && !inflight.has(id)) void refresh(id);
        return;
      }
      for (const pg of missing) void fetchPage(id, pg.offset, pg.limit);
    },

    async probeResendSelected(id) {
      const log = get().probe.logs[id];
      if (!log || log.selected.length === 0) return;
      try {
        const r = await deps.api.call('probe.resend', { sessionId: id, indices: [...log.selected] });
        get().notify('info', `Re-sent ${r.indices.length} message${r.indices.length === 1 ? '' : 's'}.`);
      } catch (err) {
        fail('Could not re-send', err);
      }
    },

    async probeExport(id, format, includeSecrets) {
      try {
        let done: ProbeState['exports'][string];
        if (get().app.info?.host === 'electron') {
          const r = await deps.api.call('probe.exportToFile', { sessionId: id, format, includeSecrets });
          if (!r.saved) return;
          done = { file: r.path, entries: r.entries, bytes: r.bytes, includeSecrets };
        } else {
          const file = await readDownload(deps.api, id, format, includeSecrets);
          saveInBrowser(file);
          done = { file: file.fileName, entries: file.entries, bytes: file.bytes, includeSecrets };
        }
        patch((p) => ({ ...p, exports: { ...p.exports, [id]: done } }));
        get().notify('info', `Exported ${done.entries} entries to ${done.file}${includeSecrets ? ' (secrets included)' : ''}`);
      } catch (err) {
        fail('Export failed', err);
      }
    },
    async probeImportFile(file) {
      patch((p) => ({ ...p, importing: true }));
      try {
        const view = await uploadFile(deps.api, file);
        patch((p) => withTabOpen(withSession(p, view), view.id));
        void refresh(view.id);
      } catch (err) {
        fail('Import failed', err);
      } finally {
        patch((p) => ({ ...p, importing: false }));
      }
    },
    async probeImportDialog() {
      patch((p) => ({ ...p, importing: true }));
      try {
        const { session: view } = await deps.api.call('probe.importFromFile', {});
        if (!view) return;
        patch((p) => withTabOpen(withSession(p, view), view.id));
        void refresh(view.id);
      } catch (err) {
        fail('Import failed', err);
      } finally {
        patch((p) => ({ ...p, importing: false }));
      }
    },

    async probeSaveTemplate(id, name) {
      const built = buildMessage(composer(id));
      if (!built.ok) {
        get().probeSetComposer(id, { error: built.error });
        return;
      }
      try {
        const t = await deps.api.call('probe.saveTemplate', { name, message: built.message });
        patch((p) => ({ ...p, templates: [...p.templates.filter((x) => x.id !== t.id), t] }));
      } catch (err) {
        fail('Could not save the template', err);
      }
    },
    async probeDeleteTemplate(templateId) {
      try {
        await deps.api.call('probe.deleteTemplate', { id: templateId });
        patch((p) => ({ ...p, templates: p.templates.filter((t) => t.id !== templateId) }));
      } catch (err) {
        fail('Could not delete the template', err);
      }
    },
  };
};
