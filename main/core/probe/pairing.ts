import type { ProbeDirection, ProbePair } from '../../../protocol/console/probe';

export interface PairingOptions {
  /** Dotted JSON path of the correlation id on a request, e.g. `id` or `meta.requestId`. */
  requestPath: string;
  /** Dotted JSON path on a reply, e.g. `inReplyTo`. May equal requestPath (JSON-RPC's `id` ↔ `id`). */
  replyPath: string;
  /**
   * `paths` (default): any frame with a value at replyPath may answer a pending request, and any
   * frame with a value at requestPath that answered nothing is a request. `jsonrpc`: JSON-RPC 2.0's
   * own rule — an object with `method` is a request, one with `result` or `error` (and no `method`)
   * is a reply; batches (arrays) are not paired.
   */
  mode?: 'paths' | 'jsonrpc';
  /** Requests waiting for a reply; the oldest are forgotten beyond this. Default 10,000. */
  maxPending?: number;
  /** Pairs remembered for queries (each pair costs two map entries). Default 200,000. */
  maxPairs?: number;
  /** Frames longer than this are not parsed for correlation. Default 1 MiB. */
  maxParseChars?: number;
}

/** Reads a dotted path (`a.b.0.c`) out of a parsed JSON value; only string/number ids count. */
export function readPath(value: unknown, path: string): string | null {
  let cur: unknown = value;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'string' || typeof cur === 'number' ? String(cur) : null;
}

/**
 * A Map bounded to `max` keys, evicting the oldest insert. Age order is kept in an explicit FIFO:
 * evicting with `map.keys().next()` is quadratic in V8 (every call walks the deleted-entry holes).
 */
export class BoundedMap<K, V> {
  readonly map = new Map<K, V>();
  /** Exposed for tests: keys in age order, possibly with stale ones. */
  order: K[] = [];
  head = 0;
  constructor(private readonly max: number) {}

  set(key: K, value: V): void {
    if (!this.map.has(key)) this.order.push(key);
    this.map.set(key, value);
    while (this.map.size > this.max && this.head < this.order.length) this.map.delete(this.order[this.head++]!);
    // Keys deleted directly (answered requests) linger in the FIFO: rebuild it before it outgrows the map.
    if (this.order.length - this.head > 2 * this.max + 1024) {
      this.order = [...this.map.keys()];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}

/** JSON-RPC 2.0 roles: `method` makes a request (or notification), `result`/`error` a response. */
function jsonRpcRole(v: unknown): 'request' | 'reply' | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.method === 'string') return 'request';
  if ('result' in o || 'error' in o) return 'reply';
  return null;
}

/**
 * Pairs requests with replies in both directions: an outgoing request is answered by an incoming
 * reply and vice versa. Both maps are bounded; the oldest entries are forgotten first.
 */
export class Pairing {
  private readonly pending: BoundedMap<string, { index: number; atMs: number }>;
  private readonly pairs: BoundedMap<number, ProbePair>;
  private readonly maxParseChars: number;

  constructor(private readonly opts: PairingOptions) {
    this.pending = new BoundedMap(opts.maxPending ?? 10_000);
    this.pairs = new BoundedMap(opts.maxPairs ?? 200_000);
    this.maxParseChars = opts.maxParseChars ?? 1024 * 1024;
  }

  /** Feeds one text frame; returns the pair when this frame completed one. */
  observe(index: number, direction: ProbeDirection, atMs: number, text: string): ProbePair | null {
    if (direction === 'local' || text.length > this.maxParseChars) return null;
    const first = text.trimStart()[0];
    if (first !== '{' && first !== '[') return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return null;
    }
    const role = this.opts.mode === 'jsonrpc' ? jsonRpcRole(parsed) : 'either';
    if (role === null) return null;
    if (role !== 'request') {
      const replyId = readPath(parsed, this.opts.replyPath);
      const pair = replyId === null ? null : this.answer(index, direction, atMs, replyId);
      if (pair) return pair;
      if (role === 'reply') return null;
    }
    // Not a reply to anything pending: a request, when it carries a request id. Checking this after
    // the reply lookup (rather than returning early) is what lets id ↔ id protocols pair at all.
    const reqId = readPath(parsed, this.opts.requestPath);
    if (reqId !== null) this.pending.set(`${direction}:${reqId}`, { index, atMs });
    return null;
  }

  private answer(index: number, direction: 'in' | 'out', atMs: number, replyId: string): ProbePair | null {
    const key = `${direction === 'in' ? 'out' : 'in'}:${replyId}`;
    const req = this.pending.map.get(key);
    if (!req) return null;
    // A stale key stays in the FIFO; evicting it later is a harmless no-op.
    this.pending.map.delete(key);
    const latencyMs = Math.max(0, atMs - req.atMs);
    this.remember(req.index, { role: 'request', otherIndex: index, latencyMs, correlationId: replyId });
    const pair: ProbePair = { role: 'reply', otherIndex: req.index, latencyMs, correlationId: replyId };
    this.remember(index, pair);
    return pair;
  }

  pairOf(index: number): ProbePair | undefined {
    return this.pairs.map.get(index);
  }

  private remember(index: number, pair: ProbePair): void {
    this.pairs.set(index, pair);
  }
}
