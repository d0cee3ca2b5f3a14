import type { Redis } from 'ioredis';
import { ConnectionInfoSchema, type ConnectionInfo, type ConnectionList, type ConnectionListQuery } from '../../protocol/admin-connections';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';
import { indexMember, parseMember, type ClusterKeys } from './keys';

/**
 * Reads of the cluster registry in Redis: pages in the single-node registry's order with the same
 * cursor format, answered from the lexical index (an exact client ID or a prefix is one range),
 * and the rows behind index members.
 */

const SCAN_BATCH = 1000;

export const encodeCursor = (clientId: string, connectionId: string): string => Buffer.from(JSON.stringify([clientId, connectionId])).toString('base64url');
export function decodeCursor(c: string): string {
  try {
    const v: unknown = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return indexMember(v[0] === '' ? null : v[0], v[1]);
  } catch {
    // fall through to the error below
  }
  throw new SbError(ErrorCode.Validation, 'cursor: not a cursor returned by this server', { field: 'cursor' });
}

/** One page of the whole cluster's connections. */
export async function listConnections(cmd: Redis, k: ClusterKeys, query: ConnectionListQuery): Promise<ConnectionList> {
  let min = '-';
  let max = '+';
  let prefix: string | null = null;
  if (query.clientId !== undefined) {
    if (query.clientId.endsWith('*')) {
      prefix = query.clientId.slice(0, -1);
      min = `[${prefix}`;
      max = `[${prefix}\uffff`;
    } else {
      min = `[${query.clientId}\u0000`;
      max = `(${query.clientId}\u0001`;
    }
  }
  const after = query.cursor !== undefined ? decodeCursor(query.cursor) : null;
  const start = after !== null && (min === '-' || after >= min.slice(1)) ? `(${after}` : min;
  const q = query.q?.toLowerCase();
  // Awaiting-login rows (empty clientId) never match a clientId filter; only an empty prefix can reach them.
  const needsFilter = query.channel !== undefined || q !== undefined || prefix === '';
  const matches = (i: ConnectionInfo): boolean =>
    (query.clientId === undefined || i.clientId !== null)
    && (query.channel === undefined || i.channel === query.channel)
    && (q === undefined || `${i.clientId ?? ''} ${i.clientName ?? ''} ${i.remoteAddress}`.toLowerCase().includes(q));

  if (!needsFilter) {
    const [members, total] = await Promise.all([
      cmd.zrangebylex(k.connIndex, start, max, 'LIMIT', 0, query.limit + 1),
      cmd.zlexcount(k.connIndex, min, max),
    ]);
    const page = members.slice(0, query.limit);
    const items = await readInfos(cmd, k, page);
    const last = page.length > 0 ? parseMember(page[page.length - 1]!) : null;
    return { items, total, nextCursor: members.length > query.limit && last ? encodeCursor(last.clientId, last.connectionId) : null };
  }

  // Filters the index cannot answer: walk the range in batches (counting every match for total).
  let total = 0;
  let more = false;
  const items: ConnectionInfo[] = [];
  let from = min;
  for (;;) {
    const members = await cmd.zrangebylex(k.connIndex, from, max, 'LIMIT', 0, SCAN_BATCH);
    if (members.length === 0) break;
    const infos = await readInfos(cmd, k, members, true);
    for (const [j, info] of infos.entries()) {
      if (!info || !matches(info)) continue;
      total++;
      if (after !== null && members[j]! <= after) continue;
      if (items.length < query.limit) items.push(info);
      else more = true;
    }
    if (members.length < SCAN_BATCH) break;
    from = `(${members[members.length - 1]!}`;
  }
  const last = items[items.length - 1];
  return { items, total, nextCursor: more && last ? encodeCursor(last.clientId ?? '', last.connectionId) : null };
}

/** The rows of index members, in their order (holes dropped, or kept as null). */
export function readInfos(cmd: Redis, k: ClusterKeys, members: readonly string[]): Promise<ConnectionInfo[]>;
export function readInfos(cmd: Redis, k: ClusterKeys, members: readonly string[], keepHoles: true): Promise<(ConnectionInfo | null)[]>;
export async function readInfos(cmd: Redis, k: ClusterKeys, members: readonly string[], keepHoles = false): Promise<(ConnectionInfo | null)[]> {
  if (members.length === 0) return [];
  const rows = await cmd.hmget(k.conns, ...members.map((m) => parseMember(m).connectionId));
  const out = rows.map((raw) => (raw ? parseInfo(raw) : null));
  return keepHoles ? out : out.filter((i): i is ConnectionInfo => i !== null);
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Rows come from other processes: parsed where they enter; a row that does not parse is skipped. */
export function parseInfo(raw: string): ConnectionInfo | null {
  const r = ConnectionInfoSchema.safeParse(safeJson(raw));
  return r.success ? r.data : null;
}
