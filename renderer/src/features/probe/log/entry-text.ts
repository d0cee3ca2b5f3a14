import type { ProbeLogEntry } from '../../../../../protocol/console/probe';
import { base64ToBytes, formatBytes } from '../lib/binary';

/** One-line text of a log entry for the list (the full view renders the entry itself). */
export function entryLine(e: ProbeLogEntry): string {
  switch (e.kind) {
    case 'frame':
      return e.encoding === 'text' ? oneLine(e.data) : `binary ${formatBytes(e.size)}`;
    case 'ping':
      return `ping${e.data ? ` ${payloadText(e)}` : ''}`;
    case 'pong':
      return `pong${e.rttMs !== undefined ? ` · RTT ${formatMs(e.rttMs)}` : ''}${e.data ? ` ${payloadText(e)}` : ''}`;
    case 'close':
      return `close ${e.code}${e.reason ? ` "${e.reason}"` : ''} (by ${e.initiator})`;
    case 'state':
      return `${e.from} → ${e.to}${e.reason ? ` (${e.reason})` : ''}`;
    case 'handshake-request':
      return `GET ${e.url}${e.subprotocols.length ? ` · subprotocols ${e.subprotocols.join(', ')}` : ''}`;
    case 'handshake-response':
      return `${e.status} ${e.statusText}${e.protocol ? ` · protocol ${e.protocol}` : ''}`;
    case 'error':
      return `${e.code}: ${e.message}`;
    case 'reconnect':
      return `reconnect attempt ${e.attempt} after ${formatMs(e.delayMs)}`;
    case 'info':
      return e.message;
    default: {
      const never: never = e;
      throw new Error(`unknown entry ${String(never)}`);
    }
  }
}

function payloadText(e: { encoding: 'text' | 'base64'; data: string }): string {
  return e.encoding === 'text' ? oneLine(e.data) : `(${e.data.length} base64 chars)`;
}

const oneLine = (s: string) => (s.length > 400 ? s.slice(0, 400) : s).replace(/\s*\n\s*/g, ' ');

export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The payload to copy or show in full: text as is, binary as bytes, others as their JSON. */
export type EntryPayload = { kind: 'text'; text: string; json: unknown | undefined } | { kind: 'binary'; bytes: Uint8Array } | { kind: 'other'; text: string };

export function entryPayload(e: ProbeLogEntry): EntryPayload {
  if (e.kind === 'frame' || e.kind === 'ping' || e.kind === 'pong') {
    if (e.encoding === 'base64') {
      try {
        return { kind: 'binary', bytes: base64ToBytes(e.data) };
      } catch {
        return { kind: 'other', text: e.data };
      }
    }
    return { kind: 'text', text: e.data, json: tryJson(e.data) };
  }
  return { kind: 'other', text: JSON.stringify(e, null, 2) };
}

/** Parses only what looks like a JSON object or array (a bare number is better shown as text). */
export function tryJson(s: string): unknown | undefined {
  const t = s.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Text put on the clipboard by "copy". */
export function copyText(e: ProbeLogEntry): string {
  const p = entryPayload(e);
  switch (p.kind) {
    case 'text':
    case 'other':
      return p.text;
    case 'binary':
      return e.kind === 'frame' || e.kind === 'ping' || e.kind === 'pong' ? e.data : '';
    default: {
      const never: never = p;
      throw new Error(`unknown payload ${String(never)}`);
    }
  }
}
