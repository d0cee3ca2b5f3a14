import type { MessageLogEntry, MessageLogPage } from '../../protocol/admin-message-log';
import { HelloFrame } from '../../protocol/client-frames';
import { redactBySchema } from '../../protocol/schema-walk';

/**
 * Closed connections whose logs are kept at most (the oldest closed goes first), whatever the
 * channels' logKeepSeconds: with the per-connection bounds (logMaxMessages × logMaxBytes) this
 * bounds the memory the message log can hold for connections that are gone.
 */
export const MAX_CLOSED_LOGS = 1000;

export interface LogChannel {
  name: string;
  config: { logReceived: boolean; logSent: boolean; logMaxMessages: number; logMaxBytes: number; logKeepSeconds: number };
}

interface Ring {
  channel: LogChannel;
  entries: MessageLogEntry[];
  seq: number;
  dropped: number;
  closedAtMs: number | null;
  expiresAtMs: number;
}

/** Cuts text to at most maxBytes of UTF-8 without splitting a character. */
export function cutUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  if (Buffer.byteLength(text) <= maxBytes) return { text, truncated: false };
  const buf = Buffer.from(text).subarray(0, maxBytes);
  // A cut inside a multi-byte character decodes to U+FFFD at the end; drop it.
  return { text: buf.toString('utf8').replace(/\uFFFD+$/, ''), truncated: true };
}

/** A received hello with its credentials replaced, or null when the frame is not a hello. */
function redactHello(text: string): string | null {
  if (!text.includes('"hello"')) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (json === null || typeof json !== 'object' || (json as { type?: unknown }).type !== 'hello') return null;
  return JSON.stringify(redactBySchema(HelloFrame, json));
}

/** Every connection's message log on this server: one bounded ring each, kept a while after close. */
export class MessageLogBook {
  private readonly rings = new Map<string, Ring>();
  /** Closed connection ids, oldest closed first. */
  private readonly closed: string[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether the channel captures this direction at all (callers skip the work when it does not). */
  static captures(channel: LogChannel, direction: MessageLogEntry['direction']): boolean {
    return direction === 'received' ? channel.config.logReceived : channel.config.logSent;
  }

  record(connectionId: string, channel: LogChannel, direction: MessageLogEntry['direction'], raw: string, bytes: number): void {
    let ring = this.rings.get(connectionId);
    if (!ring) this.rings.set(connectionId, (ring = { channel, entries: [], seq: 0, dropped: 0, closedAtMs: null, expiresAtMs: Infinity }));
    const hello = direction === 'received' ? redactHello(raw) : null;
    const { text, truncated } = cutUtf8(hello ?? raw, channel.config.logMaxBytes);
    ring.entries.push({ seq: ++ring.seq, at: new Date(this.now()).toISOString(), direction, bytes, text, truncated, redacted: hello !== null });
    const over = ring.entries.length - channel.config.logMaxMessages;
    if (over > 0) {
      ring.entries.splice(0, over);
      ring.dropped += over;
    }
  }

  /** The connection closed: its log stays readable for its channel's logKeepSeconds. */
  connectionClosed(connectionId: string): void {
    const ring = this.rings.get(connectionId);
    if (!ring) return;
    const at = this.now();
    ring.closedAtMs = at;
    ring.expiresAtMs = at + ring.channel.config.logKeepSeconds * 1000;
    this.closed.push(connectionId);
    this.sweep();
  }

  /** A page of entries with seq > after, oldest first; undefined when nothing is kept for the id. */
  page(connectionId: string, after: number, limit: number, live?: { channel: LogChannel }): MessageLogPage | undefined {
    this.sweep();
    const ring = this.rings.get(connectionId);
    const channel = ring?.channel ?? live?.channel;
    if (!channel) return undefined;
    const items = (ring?.entries ?? []).filter((e) => e.seq > after).slice(0, limit);
    const c = channel.config;
    return {
      connectionId,
      channel: channel.name,
      closedAt: ring?.closedAtMs != null ? new Date(ring.closedAtMs).toISOString() : null,
      capture: { received: c.logReceived, sent: c.logSent, maxMessages: c.logMaxMessages, maxBytes: c.logMaxBytes },
      items,
      nextAfter: items.length > 0 ? items[items.length - 1]!.seq : after,
      dropped: ring?.dropped ?? 0,
    };
  }

  /** Logs held (open and closed), for tests and bounds checks. */
  get size(): number {
    return this.rings.size;
  }

  private sweep(): void {
    const now = this.now();
    while (this.closed.length > 0) {
      const id = this.closed[0]!;
      const ring = this.rings.get(id);
      if (ring && ring.expiresAtMs > now && this.closed.length <= MAX_CLOSED_LOGS) break;
      this.closed.shift();
      this.rings.delete(id);
    }
  }
}
