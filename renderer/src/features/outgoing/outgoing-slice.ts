import type { OutgoingCreate, OutgoingFrame, OutgoingInvokeResult } from '../../../../protocol/admin-outgoing';
import type { OutgoingChanged, OutgoingRow } from '../../../../protocol/console/outgoing';
import type { SliceCreator } from '../../store/types';
import type { SavePayload } from '../channels/use-save-form';

/** One line of a connection's send/invoke console. */
export interface OutgoingResult {
  id: number;
  kind: 'sent' | 'queued' | 'reply' | 'error';
  text: string;
  latencyMs?: number;
  at: string;
}

/**
 * The Outgoing screen's data: every connected server's outgoing connections of the selected
 * cluster, kept live by outgoing.changed; the send/invoke results and recent frames of the one
 * selected.
 */
export interface OutgoingState {
  clusterId: string | null;
  /** By rowKey (serverId + name). */
  rows: Record<string, OutgoingRow>;
  errors: { serverId: string; message: string }[];
  loading: boolean;
  selected: string | null;
  frames: OutgoingFrame[];
  results: Record<string, OutgoingResult[]>;
}

export interface OutgoingSlice {
  outgoing: OutgoingState;
  loadOutgoing(clusterId: string): Promise<void>;
  onOutgoingChanged(change: OutgoingChanged): void;
  selectOutgoing(rowKey: string | null): void;
  loadFrames(): Promise<void>;
  saveOutgoing(serverId: string | undefined, payload: SavePayload<OutgoingCreate>): Promise<void>;
  outgoingAction(rowKey: string, action: 'reconnect' | 'stop' | 'start' | 'delete'): Promise<void>;
  sendOutgoing(rowKey: string, data: unknown): Promise<void>;
  invokeOutgoing(rowKey: string, data: unknown, timeoutMs: number): Promise<void>;
}

/** Results kept per connection (the oldest go first). */
export const MAX_RESULTS = 20;

export const outgoingKey = (serverId: string, name: string): string => `${serverId}\u0000${name}`;

export const initialOutgoing = (): OutgoingState => ({ clusterId: null, rows: {}, errors: [], loading: false, selected: null, frames: [], results: {} });

/** Applies one forwarded change (pure): upsert, or removal when the connection was deleted. */
export function applyOutgoingChange(s: OutgoingState, c: OutgoingChanged): OutgoingState {
  if (c.clusterId !== s.clusterId) return s;
  const key = outgoingKey(c.serverId, c.name);
  const rows = { ...s.rows };
  if (c.outgoing) rows[key] = { serverId: c.serverId, outgoing: c.outgoing };
  else delete rows[key];
  return { ...s, rows, selected: s.selected === key && !c.outgoing ? null : s.selected };
}

export function withResult(s: OutgoingState, key: string, r: Omit<OutgoingResult, 'id' | 'at'>, at: string): OutgoingState {
  const list = s.results[key] ?? [];
  const id = (list[list.length - 1]?.id ?? 0) + 1;
  return { ...s, results: { ...s.results, [key]: [...list, { ...r, id, at }].slice(-MAX_RESULTS) } };
}

const replyText = (r: OutgoingInvokeResult): string => (r.ok ? JSON.stringify(r.data ?? null) : `${r.error?.code ?? 'error'}: ${r.error?.message ?? ''}`);

export const createOutgoingSlice: SliceCreator<OutgoingSlice> = (set, get, deps) => {
  const patch = (fn: (s: OutgoingState) => OutgoingState) => set((st) => ({ outgoing: fn(st.outgoing) }));
  const rowOf = (key: string) => {
    const { clusterId, rows } = get().outgoing;
    const row = rows[key];
    if (!clusterId || !row) throw new Error('that outgoing connection is no longer listed');
    return { clusterId, serverId: row.serverId, name: row.outgoing.name };
  };
  const note = (key: string, r: Omit<OutgoingResult, 'id' | 'at'>) => patch((s) => withResult(s, key, r, new Date(deps.now()).toISOString()));
  return {
    outgoing: initialOutgoing(),
    async loadOutgoing(clusterId) {
      patch((s) => (s.clusterId === clusterId ? { ...s, loading: true } : { ...initialOutgoing(), clusterId, loading: true }));
      try {
        const r = await deps.api.call('outgoing.list', { clusterId });
        if (get().outgoing.clusterId !== clusterId) return;
        const rows: Record<string, OutgoingRow> = {};
        for (const row of r.items) rows[outgoingKey(row.serverId, row.outgoing.name)] = row;
        patch((s) => ({ ...s, rows, errors: r.errors.map((e) => ({ serverId: e.serverId, message: e.error.message })), loading: false }));
      } catch (err) {
        patch((s) => ({ ...s, loading: false, errors: [{ serverId: '', message: deps.errorMessage(err) }] }));
      }
    },
    onOutgoingChanged(change) {
      const before = get().outgoing;
      const key = outgoingKey(change.serverId, change.name);
      const old = before.rows[key]?.outgoing.status;
      patch((s) => applyOutgoingChange(s, change));
      // The selected connection's frames follow its counters (changes arrive at most once per
      // statsIntervalMs per connection), so the pane stays current without polling.
      const now = change.outgoing?.status;
      if (before.selected === key && now && old && (now.framesIn !== old.framesIn || now.framesOut !== old.framesOut)) void get().loadFrames();
    },
    selectOutgoing(rowKey) {
      patch((s) => ({ ...s, selected: rowKey, frames: [] }));
      if (rowKey) void get().loadFrames();
    },
    async loadFrames() {
      const key = get().outgoing.selected;
      if (!key) return;
      try {
        const { items } = await deps.api.call('outgoing.frames', rowOf(key));
        if (get().outgoing.selected === key) patch((s) => ({ ...s, frames: items }));
      } catch (err) {
        get().notify('error', `Could not load frames: ${deps.errorMessage(err)}`);
      }
    },
    async saveOutgoing(serverId, payload) {
      const clusterId = get().outgoing.clusterId;
      if (!clusterId) throw new Error('no cluster selected');
      if ('create' in payload) {
        const o = await deps.api.call('outgoing.create', { clusterId, ...(serverId ? { serverId } : {}), outgoing: payload.create });
        get().notify('info', `Outgoing connection ${o.name} created`);
        if (serverId) patch((s) => ({ ...s, rows: { ...s.rows, [outgoingKey(serverId, o.name)]: { serverId, outgoing: o } } }));
        else void get().loadOutgoing(clusterId);
      } else {
        if (!serverId) throw new Error('no server selected');
        const o = await deps.api.call('outgoing.update', { clusterId, serverId, name: payload.name, patch: payload.patch });
        get().notify('info', `Outgoing connection ${o.name} saved`);
        patch((s) => ({ ...s, rows: { ...s.rows, [outgoingKey(serverId, o.name)]: { serverId, outgoing: o } } }));
      }
    },
    async outgoingAction(rowKey, action) {
      try {
        const target = rowOf(rowKey);
        if (action === 'delete') {
          await deps.api.call('outgoing.delete', target);
          patch((s) => applyOutgoingChange(s, { clusterId: target.clusterId, serverId: target.serverId, name: target.name, outgoing: null }));
          get().notify('info', `Outgoing connection ${target.name} deleted`);
          return;
        }
        const o = await deps.api.call(`outgoing.${action}`, target);
        patch((s) => applyOutgoingChange(s, { clusterId: target.clusterId, serverId: target.serverId, name: target.name, outgoing: o }));
      } catch (err) {
        get().notify('error', `${action} failed: ${deps.errorMessage(err)}`);
      }
    },
    async sendOutgoing(rowKey, data) {
      try {
        const r = await deps.api.call('outgoing.send', { ...rowOf(rowKey), data });
        note(rowKey, { kind: r.queued ? 'queued' : 'sent', text: `${JSON.stringify(data)} (${r.bytes} bytes${r.queued ? ', queued until open' : ''})` });
      } catch (err) {
        const info = deps.errorInfo(err);
        note(rowKey, { kind: 'error', text: `${info.code}: ${info.message}` });
      }
      if (get().outgoing.selected === rowKey) void get().loadFrames();
    },
    async invokeOutgoing(rowKey, data, timeoutMs) {
      try {
        const r = await deps.api.call('outgoing.invoke', { ...rowOf(rowKey), data, timeoutMs });
        note(rowKey, { kind: r.ok ? 'reply' : 'error', text: replyText(r), latencyMs: r.latencyMs });
      } catch (err) {
        const info = deps.errorInfo(err);
        note(rowKey, { kind: 'error', text: `${info.code}: ${info.message}` });
      }
      if (get().outgoing.selected === rowKey) void get().loadFrames();
    },
  };
};
