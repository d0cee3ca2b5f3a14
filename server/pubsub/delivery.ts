import type { DeliveryOptions } from './options';
import type { PubSubSession } from './session-port';
import { messageFrameText, type SubState, type TopicState } from './state';
import type { PubSubStore } from '../store/pubsub-store';

/** Rows of the first backlog read of a session, before their size is known. */
const FIRST_READ_ROWS = 16;

interface Attached {
  session: PubSubSession;
  pumpScheduled: boolean;
  /** A pump is running (it may await the store); a new request re-runs it once it is done. */
  pumping: boolean;
  pumpAgain: boolean;
  /** Set while the socket buffers more than the session's maxBufferedBytes, until it drains. */
  throttled: boolean;
  /** The re-check for sessions that cannot report 'drain'. */
  throttleTimer: NodeJS.Timeout | null;
  /** Mean stored size of the rows read so far (0: none yet), to size backlog reads to the send budget. */
  rowBytes: number;
  closed: boolean;
}

/**
 * Pushes queued messages to attached sessions with flow control: per subscription at most
 * `windowPerSubscription` delivered-but-unacked messages, per session nothing while the socket
 * buffers more than the session's `maxBufferedBytes` (checked after every message, so a socket
 * holds at most that plus one message). Backlogs are read from the store in batches, so memory
 * stays bounded whatever the queue depth.
 */
export class Delivery {
  private readonly byClient = new Map<string, Attached>();
  private readonly byConnection = new Map<string, Attached>();

  constructor(
    private readonly opts: DeliveryOptions,
    private readonly store: PubSubStore,
    private readonly topics: Map<string, TopicState>,
    private readonly subsOfClient: (clientId: string) => Iterable<SubState>,
  ) {}

  /**
   * Attaches a session; every unacked message of its client's subscriptions is (re)delivered to it.
   * A client ID has one logged-in connection at a time (the login's duplicate policy), so a session
   * of the same client ID that is still attached is one being replaced: it stops receiving now.
   */
  attach(session: PubSubSession): void {
    const previous = this.byClient.get(session.clientId);
    if (previous) {
      this.stop(previous);
      this.byConnection.delete(previous.session.connectionId);
    }
    const a: Attached = { session, pumpScheduled: false, pumping: false, pumpAgain: false, throttled: false, throttleTimer: null, rowBytes: 0, closed: false };
    this.byConnection.set(session.connectionId, a);
    this.activate(a);
  }

  detach(connectionId: string): void {
    const a = this.byConnection.get(connectionId);
    if (!a) return;
    this.stop(a);
    this.byConnection.delete(connectionId);
    if (this.byClient.get(a.session.clientId) === a) this.byClient.delete(a.session.clientId);
  }

  isAttached(clientId: string): boolean {
    return this.byClient.has(clientId);
  }

  private activate(a: Attached): void {
    a.closed = false;
    this.byClient.set(a.session.clientId, a);
    for (const s of this.subsOfClient(a.session.clientId)) s.delivered = s.acked;
    this.schedulePump(a);
  }

  private stop(a: Attached): void {
    a.closed = true;
    a.throttled = false;
    if (a.throttleTimer) clearTimeout(a.throttleTimer);
    a.throttleTimer = null;
  }

  /** A new subscription or an ack may have opened the window. */
  kick(clientId: string): void {
    const a = this.byClient.get(clientId);
    if (a) this.schedulePump(a);
  }

  /**
   * Delivers a freshly committed message straight from memory to every subscription that is
   * caught up; the others get it from the store when their pump reaches it.
   */
  fanOut(topic: TopicState, pos: number, data: unknown, dataJson: string, publishedAt: string): void {
    const topicJson = JSON.stringify(topic.name);
    const window = this.opts.windowPerSubscription;
    for (const s of topic.subs.values()) {
      const a = this.byClient.get(s.clientId);
      if (!a || a.throttled) continue;
      if (s.delivered !== pos - 1 || s.delivered - s.acked >= window) {
        this.schedulePump(a);
        continue;
      }
      s.delivered = pos;
      if (s.sent < pos) s.sent = pos;
      const seq = pos - s.base;
      const session = a.session;
      if (session.sendText) session.sendText(messageFrameText(topicJson, seq, dataJson, publishedAt));
      else session.send({ type: 'message', topic: topic.name, seq, data, publishedAt });
      if (session.bufferedAmount() > session.maxBufferedBytes()) this.throttle(a);
    }
  }

  private schedulePump(a: Attached): void {
    if (a.closed || a.throttled) return;
    if (a.pumping) {
      a.pumpAgain = true;
      return;
    }
    if (a.pumpScheduled) return;
    a.pumpScheduled = true;
    setImmediate(() => {
      a.pumpScheduled = false;
      this.runPump(a);
    });
  }

  private runPump(a: Attached): void {
    if (a.closed || a.pumping) return;
    a.pumping = true;
    a.pumpAgain = false;
    this.pump(a)
      .catch(() => undefined) // a failed read leaves the cursor where it was; the next ack or attach retries
      .finally(() => {
        a.pumping = false;
        if (a.pumpAgain) this.schedulePump(a);
      });
  }

  private throttle(a: Attached): void {
    if (a.throttled || a.closed) return;
    a.throttled = true;
    const resume = (): void => this.resume(a);
    if (a.session.whenDrained) a.session.whenDrained(resume);
    else a.throttleTimer = setTimeout(resume, this.opts.resumeCheckMs);
  }

  private resume(a: Attached): void {
    a.throttleTimer = null;
    if (a.closed || !a.throttled) return;
    a.throttled = false;
    if (a.session.bufferedAmount() > a.session.maxBufferedBytes()) this.throttle(a);
    else this.schedulePump(a);
  }

  private async pump(a: Attached): Promise<void> {
    const { windowPerSubscription: window, batchSize } = this.opts;
    const session = a.session;
    const maxBufferedBytes = session.maxBufferedBytes();
    if (session.bufferedAmount() > maxBufferedBytes) return this.throttle(a);
    for (const s of this.subsOfClient(session.clientId)) {
      const topic = this.topics.get(s.topic);
      if (!topic) continue;
      if (s.delivered < s.acked) s.delivered = s.acked;
      const topicJson = JSON.stringify(topic.name);
      while (s.delivered < topic.head && s.delivered - s.acked < window) {
        // A read holds its rows in memory until they are sent: read about one send budget's worth
        // (a few rows until their size is known), not batchSize rows of whatever size.
        const fit = a.rowBytes === 0 ? FIRST_READ_ROWS : Math.max(1, Math.floor(maxBufferedBytes / a.rowBytes));
        const limit = Math.min(batchSize, fit, window - (s.delivered - s.acked), topic.head - s.delivered);
        const read = this.store.readMessages(topic.name, s.delivered, limit);
        const rows = Array.isArray(read) ? read : await read;
        if (a.closed) return;
        if (rows.length === 0) {
          // Nothing stored up to head (trimmed after acks/expiry): nothing left to deliver.
          s.delivered = topic.head;
          break;
        }
        let bytes = 0;
        for (const m of rows) bytes += m.data.length;
        a.rowBytes = a.rowBytes === 0 ? bytes / rows.length : (a.rowBytes + bytes / rows.length) / 2;
        for (const m of rows) {
          // An asynchronous read may overlap a drop that moved the cursor past these rows.
          if (m.pos <= s.delivered) continue;
          s.delivered = m.pos;
          if (s.sent < m.pos) s.sent = m.pos;
          const seq = m.pos - s.base;
          if (session.sendText) session.sendText(messageFrameText(topicJson, seq, m.data, m.publishedAt));
          else session.send({ type: 'message', topic: topic.name, seq, data: JSON.parse(m.data) as unknown, publishedAt: m.publishedAt });
          // After every message, not every batch: a batch of large messages would pass the budget many times over.
          if (session.bufferedAmount() > maxBufferedBytes) return this.throttle(a);
        }
      }
    }
  }

  close(): void {
    for (const a of this.byConnection.values()) this.stop(a);
    this.byConnection.clear();
    this.byClient.clear();
  }
}
