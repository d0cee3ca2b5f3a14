import type { ProbeDirection, ProbeLogEntry, ProbeLogKind, ProbeLogSummary } from '../../../protocol/console/probe';

/** Compact codes so kind/direction filters run over typed arrays, also for spilled entries. */
export const KIND_CODES: readonly ProbeLogKind[] = ['state', 'handshake-request', 'handshake-response', 'frame', 'ping', 'pong', 'close', 'error', 'reconnect', 'info'];
export const DIRECTION_CODES: readonly ProbeDirection[] = ['in', 'out', 'local'];
export const kindCode = (k: ProbeLogKind): number => KIND_CODES.indexOf(k);
export const directionCode = (d: ProbeDirection): number => DIRECTION_CODES.indexOf(d);

const headerText = (headers: { name: string; value: string }[]): string => headers.map((h) => `${h.name}: ${h.value}`).join(' ');

/** One human line describing an entry (not lowercased); the search text is derived from it. */
export function entryText(e: ProbeLogEntry): string {
  switch (e.kind) {
    case 'state':
      return `${e.from} → ${e.to}${e.reason ? ` (${e.reason})` : ''}`;
    case 'handshake-request':
      return `GET ${e.url} ${e.subprotocols.length ? `protocols: ${e.subprotocols.join(', ')} ` : ''}${headerText(e.headers)}`;
    case 'handshake-response':
      return `${e.status} ${e.statusText} protocol: ${e.protocol ?? '-'} extensions: ${e.extensions ?? '-'} ${headerText(e.headers)}`;
    case 'frame':
      if (e.stomp) return `${e.stomp.command} ${headerText(e.stomp.headers)} ${e.stomp.body}`;
      return e.encoding === 'text' ? e.data : `[binary ${e.size} bytes]`;
    case 'ping':
      return `ping ${e.encoding === 'text' ? e.data : ''}`.trimEnd();
    case 'pong':
      return `pong ${e.encoding === 'text' ? e.data : ''}${e.rttMs !== undefined ? ` rtt ${e.rttMs} ms` : ''}`;
    case 'close':
      return `close ${e.code} ${e.reason} by ${e.initiator}`;
    case 'error':
      return `${e.code}: ${e.message}`;
    case 'reconnect':
      return `reconnect attempt ${e.attempt} after ${e.delayMs} ms`;
    case 'info':
      return e.message;
  }
}

/**
 * Lowercased once at append time (filters then only do `includes`), newlines flattened because the
 * spilled search file is one entry per line, and capped so a 16 MiB frame does not cost 32 MiB of index.
 */
export function searchText(e: ProbeLogEntry, maxChars: number): string {
  const t = entryText(e);
  return (t.length > maxChars ? t.slice(0, maxChars) : t).toLowerCase().replace(/[\r\n]/g, ' ');
}

export function summarize(e: ProbeLogEntry): ProbeLogSummary {
  const t = entryText(e).replace(/\s+/g, ' ');
  const size = e.kind === 'frame' || e.kind === 'ping' || e.kind === 'pong' ? e.size : undefined;
  return { index: e.index, at: e.at, direction: e.direction, kind: e.kind, text: t.length > 200 ? `${t.slice(0, 199)}…` : t, ...(size !== undefined ? { size } : {}) };
}
