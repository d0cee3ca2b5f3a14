import type { ProbeDirection, ProbePair } from '../../../protocol/console/probe';

export interface PairingOptions {
  /** Dotted JSON path of the correlation id on a request, e.g. `id` or `meta.requestId`. */
  requestPath: string;
  /** Dotted JSON path on a reply, e.g. `inReplyTo`. */
  replyPath: string;
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
 * Pairs requests with replies in both directions: an outgoing request is answered by an incoming
 * reply and vice versa. Bounded maps: insertion order is age order, so eviction drops the oldest.
 */
export class Pairing {
  private readonly pending = new Map<string, { index: number; atMs: number }>();
  private readonly pairs = new Map<number, ProbePair>();
  private readonly maxPending: number;
  private readonly maxPairs: number;
  private readonly maxParseChars: number;

  constructor(private readonly opts: PairingOptions) {
    this.maxPending = opts.maxPending ?? 10_000;
    this.maxPairs = opts.maxPairs ?? 200_000;
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
    const replyId = readPath(parsed, this.opts.replyPath);
    if (replyId !== null) {
      const key = `${direction === 'in' ? 'out' : 'in'}:${replyId}`;
      const req = this.pending.get(key);
      if (req) {
        this.pending.delete(key);
        const latencyMs = Math.max(0, atMs - req.atMs);
        this.remember(req.index, { role: 'request', otherIndex: index, latencyMs, correlationId: replyId });
        const pair: ProbePair = { role: 'reply', otherIndex: req.index, latencyMs, correlationId: replyId };
        this.remember(index, pair);
        return pair;
      }
      return null;
    }
    const reqId = readPath(parsed, this.opts.requestPath);
    if (reqId !== null) {
      const key = `${direction}:${reqId}`;
      this.pending.delete(key);
      this.pending.set(key, { index, atMs });
      if (this.pending.size > this.maxPending) this.pending.delete(this.pending.keys().next().value!);
    }
    return null;
  }

  pairOf(index: number): ProbePair | undefined {
    return this.pairs.get(index);
  }

  private remember(index: number, pair: ProbePair): void {
    this.pairs.set(index, pair);
    if (this.pairs.size > this.maxPairs) this.pairs.delete(this.pairs.keys().next().value!);
  }
}
