import type { ConnectionInfo, ConnectionList, ConnectionListQuery } from '../../protocol/admin-connections';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';

/** What the registry needs of a connection. */
export interface RegistryEntry {
  readonly connectionId: string;
  readonly clientId: string | null;
  readonly channelName: string;
  /** Lower-cased "clientId clientName remoteAddress" for `q` substring filters. */
  readonly searchText: string;
  info(): ConnectionInfo;
}

/** Sort key: awaiting-login connections (clientId null → '') first, then (clientId, connectionId). */
type Key = readonly [string, string];
const keyOf = (e: RegistryEntry): Key => [e.clientId ?? '', e.connectionId];
const cmp = (a: Key, b: Key): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

function encodeCursor(k: Key): string {
  return Buffer.from(JSON.stringify(k)).toString('base64url');
}
function decodeCursor(c: string): Key {
  try {
    const v: unknown = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // fall through to the error below
  }
  throw new SbError(ErrorCode.Validation, 'cursor: not a cursor returned by this server', { field: 'cursor' });
}

/**
 * The live client registry. Keeps every connection in an array sorted by (clientId, connectionId)
 * so that a page, an exact clientId or a clientId prefix is a binary search plus a slice — no
 * full scan and sort per request (it must stay fast at tens of thousands of connections).
 */
export class Registry<T extends RegistryEntry = RegistryEntry> {
  private readonly byId = new Map<string, T>();
  private readonly sorted: T[] = [];
  /** The newest connection that logged in with each client ID (duplicate-login checks are one lookup). */
  private readonly byClientId = new Map<string, T>();

  get size(): number {
    return this.byId.size;
  }

  get(connectionId: string): T | undefined {
    return this.byId.get(connectionId);
  }

  /** The newest connection that logged in as `clientId` and has not closed yet. */
  holder(clientId: string): T | undefined {
    return this.byClientId.get(clientId);
  }

  values(): IterableIterator<T> {
    return this.byId.values();
  }

  add(e: T): void {
    this.byId.set(e.connectionId, e);
    this.sorted.splice(this.lowerBound(keyOf(e)), 0, e);
  }

  remove(e: T): void {
    if (this.byId.get(e.connectionId) !== e) return;
    this.byId.delete(e.connectionId);
    if (e.clientId !== null && this.byClientId.get(e.clientId) === e) this.byClientId.delete(e.clientId);
    this.removeSorted(keyOf(e), e);
  }

  /** Call around a change of clientId: `prevClientId` is the key it was filed under. */
  rekey(e: T, prevClientId: string | null): void {
    if (this.byId.get(e.connectionId) !== e) return;
    this.removeSorted([prevClientId ?? '', e.connectionId], e);
    this.sorted.splice(this.lowerBound(keyOf(e)), 0, e);
    if (prevClientId !== null && this.byClientId.get(prevClientId) === e) this.byClientId.delete(prevClientId);
    if (e.clientId !== null) this.byClientId.set(e.clientId, e);
  }

  list(query: ConnectionListQuery): ConnectionList {
    const n = this.sorted.length;
    let lo = 0;
    let hi = n;
    if (query.clientId !== undefined) {
      const prefix = query.clientId.endsWith('*') ? query.clientId.slice(0, -1) : null;
      // Connections awaiting login have no clientId and never match a clientId filter.
      const firstLoggedIn = this.firstIndex(0, n, (e) => e.clientId !== null);
      if (prefix !== null) {
        lo = Math.max(firstLoggedIn, this.lowerBound([prefix, '']));
        hi = this.firstIndex(lo, n, (e) => !(e.clientId ?? '').startsWith(prefix));
      } else {
        const id = query.clientId;
        lo = Math.max(firstLoggedIn, this.lowerBound([id, '']));
        hi = this.firstIndex(lo, n, (e) => e.clientId !== id);
      }
    }
    const start = query.cursor !== undefined ? Math.max(lo, this.upperBound(decodeCursor(query.cursor))) : lo;
    const limit = query.limit;
    const channel = query.channel;
    const q = query.q?.toLowerCase();

    if (channel === undefined && q === undefined) {
      const end = Math.min(hi, start + limit);
      const page = this.sorted.slice(start, end);
      const last = page[page.length - 1];
      return { items: page.map((e) => e.info()), total: hi - lo, nextCursor: end < hi && last ? encodeCursor(keyOf(last)) : null };
    }

    const matches = (e: RegistryEntry): boolean => (channel === undefined || e.channelName === channel) && (q === undefined || e.searchText.includes(q));
    let total = 0;
    const page: T[] = [];
    let more = false;
    for (let i = lo; i < hi; i++) {
      const e = this.sorted[i]!;
      if (!matches(e)) continue;
      total++;
      if (i < start) continue;
      if (page.length < limit) page.push(e);
      else more = true;
    }
    const last = page[page.length - 1];
    return { items: page.map((e) => e.info()), total, nextCursor: more && last ? encodeCursor(keyOf(last)) : null };
  }

  /** First index in [lo, hi) where pred holds, given pred is false then true over that range. */
  private firstIndex(lo: number, hi: number, pred: (e: RegistryEntry) => boolean): number {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(this.sorted[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private lowerBound(k: Key): number {
    return this.firstIndex(0, this.sorted.length, (e) => cmp(keyOf(e), k) >= 0);
  }

  private upperBound(k: Key): number {
    return this.firstIndex(0, this.sorted.length, (e) => cmp(keyOf(e), k) > 0);
  }

  private removeSorted(k: Key, e: T): void {
    const i = this.lowerBound(k);
    if (this.sorted[i] === e) {
      this.sorted.splice(i, 1);
      return;
    }
    // Defensive: the key changed without rekey(); fall back to a scan so nothing leaks.
    const j = this.sorted.indexOf(e);
    if (j >= 0) this.sorted.splice(j, 1);
  }
}
