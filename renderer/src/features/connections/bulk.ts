import type { BulkDisconnectResult } from '../../../../protocol/admin-connections';
import type { Row } from './connection-table';

/** What happened to one row of a bulk disconnect, for the dialog's per-row list. */
export interface BulkRowResult {
  key: string;
  clientId: string | null;
  connectionId: string;
  serverName: string;
  ok: boolean;
  /** "closed 4005" or the error's message. */
  text: string;
}

/** Rows that can still be closed (open, not stale), grouped by the server that owns them: one request each. */
export function groupByServer(rows: readonly Row[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    if (r.closed || r.c.staleSince !== null) continue;
    const list = out.get(r.c.serverId);
    if (list) list.push(r);
    else out.set(r.c.serverId, [r]);
  }
  return out;
}

/** Maps one server's answer back onto the rows it was asked about; a row the answer does not name failed. */
export function resultsOf(rows: readonly Row[], answer: BulkDisconnectResult): BulkRowResult[] {
  const byId = new Map(answer.items.map((i) => [i.connectionId, i]));
  return rows.map((r) => {
    const item = byId.get(r.c.connectionId);
    const base = { key: r.key, clientId: r.c.clientId, connectionId: r.c.connectionId, serverName: r.c.serverName };
    if (!item) return { ...base, ok: false, text: 'not in the server’s answer' };
    if (item.ok) return { ...base, ok: true, text: `closed ${item.result.code}${item.result.terminated ? ' (terminated)' : ''}` };
    return { ...base, ok: false, text: item.error.message };
  });
}

/** Every row of the server failed the same way (the request itself failed). */
export function failedAll(rows: readonly Row[], message: string): BulkRowResult[] {
  return rows.map((r) => ({ key: r.key, clientId: r.c.clientId, connectionId: r.c.connectionId, serverName: r.c.serverName, ok: false, text: message }));
}
