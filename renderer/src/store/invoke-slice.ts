import type { InvokeResult } from '../../../protocol/admin-connections';
import type { ErrorInfo } from '../../../protocol/errors';
import type { SliceCreator } from './types';

export interface InvokeEntry {
  id: number;
  /** History is per client ID (it survives reconnects); connectionId is where it went. */
  clientId: string;
  rowKey: string;
  connectionId: string;
  /** The JSON text as typed, so re-send reproduces it exactly. */
  text: string;
  timeoutMs: number;
  sentAtMs: number;
  status: 'pending' | 'ok' | 'error';
  result?: InvokeResult;
  error?: ErrorInfo;
}

export interface InvokeState {
  history: Record<string, InvokeEntry[]>;
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
}

/** Entries kept per client ID (oldest dropped). */
export const INVOKE_HISTORY_LIMIT = 50;

export const initialInvoke = (): InvokeState => ({ history: {} });

// ---- pure updates (unit tested)

export function withEntry(s: InvokeState, entry: InvokeEntry, limit = INVOKE_HISTORY_LIMIT): InvokeState {
  const list = s.history[entry.clientId] ?? [];
  const idx = list.findIndex((e) => e.id === entry.id);
  const next = idx >= 0 ? list.map((e) => (e.id === entry.id ? entry : e)) : [entry, ...list].slice(0, limit);
  return { history: { ...s.history, [entry.clientId]: next } };
}

/** The console's own link failed (not the server, not the client): see api/web-transport.ts. */
export const isConsoleLinkError = (e: ErrorInfo): boolean =>
  e.code === 'SB_ERR_UNAVAILABLE' && typeof e.details === 'object' && e.details !== null && (e.details as { source?: unknown }).source === 'console-link';

/** Human summary of a failed invoke: timeout / gone / closed get their own words. */
export function describeInvokeError(e: ErrorInfo): string {
  if (isConsoleLinkError(e)) {
    const why = e.message.replace(/^console backend unreachable:?\s*/, '');
    return `Console backend unreachable${why ? ` (${why})` : ''}: the console lost its own backend before an answer came. Not the client's fault — the invoke may or may not have reached it.`;
  }
  switch (e.code) {
    case 'SB_ERR_INVOKE_TIMEOUT':
      return `Timed out: the client did not answer in time. ${e.message}`;
    case 'SB_ERR_CONNECTION_NOT_FOUND':
      return `Gone: that connection no longer exists. ${e.message}`;
    case 'SB_ERR_CONNECTION_CLOSED':
      return `Closed: the connection closed while waiting for the answer. ${e.message}`;
    case 'SB_ERR_CONNECTION_NOT_READY':
      return `Not ready: the client has not logged in yet. ${e.message}`;
    default:
      return `${e.code}: ${e.message}`;
  }
}

// ---- slice

export const createInvokeSlice: SliceCreator<InvokeSlice> = (set, _get, deps) => {
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
        const result = await deps.api.call('invoke', {
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
      return done;
    },
  };
};
