import { ErrorCode } from '../../../../protocol/errors';
import { INVOKE_DEFAULT_TIMEOUT_MS, type InvokeResult } from '../../../../protocol/admin-connections';
import type { ErrorInfo } from '../../../../protocol/errors';
import type { SliceCreator } from '../../store/types';

export interface InvokeEntry {
  id: number;
  /** History is per client ID (it survives reconnects); connectionId is where it went. */
  clientId: string;
  rowKey: string;
  connectionId: string;
  /** The JSON text as typed, so re-send reproduces it exactly. */
  text: string;
  timeoutMs: number;
  /** deps.now() when sent (Date.now() in the browser); the panel shows it and the time waited. */
  sentAtMs: number;
  /** `cancelled`: the user stopped waiting; a late answer is discarded (the server still waits until its timeout). */
  status: 'pending' | 'ok' | 'error' | 'cancelled';
  cancelledAtMs?: number;
  result?: InvokeResult;
  error?: ErrorInfo;
}

/** What the invoke panel holds for one connection while the user switches tabs or rows. */
export interface InvokeDraft {
  text: string;
  /** As typed (validated by the panel). */
  timeout: string;
}

export interface InvokeState {
  history: Record<string, InvokeEntry[]>;
  /** Per connection (row key), most recently edited last. */
  drafts: Record<string, InvokeDraft>;
}

export interface InvokeTarget {
  clusterId: string;
  serverId: string;
  connectionId: string;
  rowKey: string;
  clientId: string;
}

export interface InvokeSlice {
  invoke: InvokeState;
  sendInvoke(target: InvokeTarget, text: string, timeoutMs: number): Promise<InvokeEntry>;
  setInvokeDraft(rowKey: string, patch: Partial<InvokeDraft>): void;
  /** Stops waiting for a pending invoke. */
  cancelInvoke(clientId: string, id: number): void;
}

/** Entries kept per client ID (oldest dropped). */
export const INVOKE_HISTORY_LIMIT = 50;
/** Connections whose draft is kept (the least recently edited is dropped). */
export const INVOKE_DRAFT_LIMIT = 200;

export const initialInvoke = (): InvokeState => ({ history: {}, drafts: {} });

// ---- pure updates (unit tested)

export function withEntry(s: InvokeState, entry: InvokeEntry, limit = INVOKE_HISTORY_LIMIT): InvokeState {
  const list = s.history[entry.clientId] ?? [];
  const idx = list.findIndex((e) => e.id === entry.id);
  // A cancelled invoke stays cancelled: its late answer must not bring it back.
  if (idx >= 0 && list[idx]!.status === 'cancelled' && entry.status !== 'cancelled') return s;
  const next = idx >= 0 ? list.map((e) => (e.id === entry.id ? entry : e)) : [entry, ...list].slice(0, limit);
  return { ...s, history: { ...s.history, [entry.clientId]: next } };
}

export function withDraft(s: InvokeState, rowKey: string, patch: Partial<InvokeDraft>, base: InvokeDraft, limit = INVOKE_DRAFT_LIMIT): InvokeState {
  const { [rowKey]: before, ...rest } = s.drafts;
  const drafts: Record<string, InvokeDraft> = { ...rest, [rowKey]: { ...(before ?? base), ...patch } };
  const keys = Object.keys(drafts);
  for (const k of keys.slice(0, Math.max(0, keys.length - limit))) delete drafts[k];
  return { ...s, drafts };
}

/** Marks a pending entry cancelled; anything else is left as it is. */
export function withCancelled(s: InvokeState, clientId: string, id: number, atMs: number): InvokeState {
  const e = s.history[clientId]?.find((x) => x.id === id);
  if (!e || e.status !== 'pending') return s;
  return withEntry(s, { ...e, status: 'cancelled', cancelledAtMs: atMs });
}

/** The console's own link failed (not the server, not the client): see api/web-transport.ts. */
export const isConsoleLinkError = (e: ErrorInfo): boolean =>
  e.code === ErrorCode.Unavailable && typeof e.details === 'object' && e.details !== null && (e.details as { source?: unknown }).source === 'console-link';

/** Human summary of a failed invoke: timeout / gone / closed get their own words. */
export function describeInvokeError(e: ErrorInfo): string {
  if (isConsoleLinkError(e)) {
    const why = e.message.replace(/^console backend unreachable:?\s*/, '');
    return `Console backend unreachable${why ? ` (${why})` : ''}: the console lost its own backend before an answer came. Not the client's fault — the invoke may or may not have reached it.`;
  }
  switch (e.code) {
    case ErrorCode.InvokeTimeout:
      return `Timed out: the client did not answer in time. ${e.message}`;
    case ErrorCode.ConnectionNotFound:
      return `Gone: that connection no longer exists. ${e.message}`;
    case ErrorCode.ConnectionClosed:
      return `Closed: the connection closed while waiting for the answer. ${e.message}`;
    case ErrorCode.ConnectionNotReady:
      return `Not ready: the client has not logged in yet. ${e.message}`;
    default:
      return `${e.code}: ${e.message}`;
  }
}

// ---- slice

/** A new connection's draft. */
export const DEFAULT_DRAFT = (timeoutMs: number): InvokeDraft => ({ text: '{\n  "ping": true\n}', timeout: String(timeoutMs) });

export const createInvokeSlice: SliceCreator<InvokeSlice> = (set, get, deps) => {
  let nextId = 1;
  return {
    invoke: initialInvoke(),
    async sendInvoke(target, text, timeoutMs) {
      const data: unknown = JSON.parse(text);
      const base: InvokeEntry = {
        id: nextId++,
        clientId: target.clientId,
        rowKey: target.rowKey,
        connectionId: target.connectionId,
        text,
        timeoutMs,
        sentAtMs: deps.now(),
        status: 'pending',
      };
      set((s) => ({ invoke: withEntry(s.invoke, base) }));
      let done: InvokeEntry;
      try {
        const result = await deps.api.call('connections.invoke', {
          clusterId: target.clusterId,
          serverId: target.serverId,
          connectionId: target.connectionId,
          data,
          timeoutMs,
        });
        done = result.ok ? { ...base, status: 'ok', result } : { ...base, status: 'error', result, ...(result.error ? { error: result.error } : {}) };
      } catch (err) {
        done = { ...base, status: 'error', error: deps.errorInfo(err) };
      }
      set((s) => ({ invoke: withEntry(s.invoke, done) }));
      return get().invoke.history[target.clientId]?.find((e) => e.id === base.id) ?? done;
    },
    setInvokeDraft(rowKey, patch) {
      set((s) => ({ invoke: withDraft(s.invoke, rowKey, patch, DEFAULT_DRAFT(INVOKE_DEFAULT_TIMEOUT_MS)) }));
    },
    cancelInvoke(clientId, id) {
      set((s) => ({ invoke: withCancelled(s.invoke, clientId, id, deps.now()) }));
    },
  };
};
