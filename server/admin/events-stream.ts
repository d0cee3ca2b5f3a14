import type { WebSocket } from 'ws';
import type { AdminEvent, AdminEventFrame } from '../../protocol/admin-events';
import { CloseCode } from '../../protocol/close-codes';
import type { ServerControl } from '../control/control';

export interface AdminEventStreamOptions {
  /** Batches are flushed at most this often (ms). */
  eventBatchMs: number;
  /** A socket whose unsent bytes would exceed this gets no more events and is closed with 4029. */
  maxEventBufferBytes: number;
  /** A 4029-closed socket that never reads up to its Close frame is terminated after this. */
  eventsCloseTimeoutMs: number;
}

/** A batch also flushes early at this many events, so one burst cannot build an unbounded frame. */
export const MAX_EVENTS_PER_BATCH = 5000;

/**
 * Collects AdminEvents into batches, coalescing connection.updated per connection (the latest
 * wins; dropped when the same batch closes the connection). Pure, so it is unit-tested alone.
 */
export class EventBatcher {
  private events: (AdminEvent | null)[] = [];
  private live = 0;
  private readonly updateIndex = new Map<string, number>();

  get size(): number {
    return this.live;
  }

  add(e: AdminEvent): void {
    if (e.type === 'connection.updated' || e.type === 'connection.closed') {
      const id = e.type === 'connection.updated' ? e.connection.connectionId : e.connectionId;
      const prev = this.updateIndex.get(id);
      if (prev !== undefined) {
        this.events[prev] = null;
        this.live--;
        this.updateIndex.delete(id);
      }
      if (e.type === 'connection.updated') this.updateIndex.set(id, this.events.length);
    }
    this.events.push(e);
    this.live++;
  }

  /** Returns the batch in seq order and starts a new one. */
  take(): AdminEvent[] {
    const out = this.events.filter((e): e is AdminEvent => e !== null);
    this.events = [];
    this.live = 0;
    this.updateIndex.clear();
    return out;
  }
}

/**
 * The live events endpoint. One batch is serialized once and sent to every watcher. A watcher
 * joins between batches (the pending batch is flushed first), so it receives exactly the events
 * with seq greater than its `ready` seq.
 *
 * A watcher whose send buffer passes maxEventBufferBytes gets nothing more: its 4029 Close frame
 * is queued behind what it has not read yet, so a consumer that is slow but reading sees every
 * event up to the overflow and then 4029; one that stops reading altogether is terminated after
 * eventsCloseTimeoutMs and sees the connection drop (1006). Either way memory stays bounded.
 */
export class AdminEventStream {
  private readonly sockets = new Set<WebSocket>();
  private readonly batcher = new EventBatcher();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private closed = false;

  constructor(private readonly control: ServerControl, private readonly opts: AdminEventStreamOptions) {}

  get watcherCount(): number {
    return this.sockets.size;
  }

  /** Takes an authenticated, upgraded socket. */
  add(ws: WebSocket): void {
    ws.on('error', () => ws.terminate());
    // Watchers only listen; anything they send is ignored.
    ws.on('message', () => undefined);
    ws.on('close', () => this.remove(ws));
    if (this.closed) {
      ws.close(CloseCode.GoingAway, 'admin server shutting down');
      return;
    }
    void this.control.info().then((server) => {
      if (ws.readyState !== ws.OPEN) return;
      if (this.closed) return void ws.close(CloseCode.GoingAway, 'admin server shutting down');
      // Everything before this point went out in earlier batches; the watcher starts after it.
      this.flush();
      this.sockets.add(ws);
      if (!this.unsubscribe) this.unsubscribe = this.control.events.subscribe((e) => this.onEvent(e));
      const ready: AdminEventFrame = { type: 'ready', server, seq: this.control.events.lastSeq };
      ws.send(JSON.stringify(ready));
    }, () => ws.close(CloseCode.InternalError, 'server info unavailable'));
  }

  private remove(ws: WebSocket): void {
    this.sockets.delete(ws);
    if (this.sockets.size === 0 && this.unsubscribe) {
      this.unsubscribe();
      this.unsubscribe = null;
      this.batcher.take();
      this.clearTimer();
    }
  }

  private onEvent(e: AdminEvent): void {
    this.batcher.add(e);
    if (this.batcher.size >= MAX_EVENTS_PER_BATCH) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.opts.eventBatchMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private overflow(ws: WebSocket): void {
    // Out of the fan-out at once: nothing more is queued for it.
    this.sockets.delete(ws);
    ws.close(CloseCode.EventsOverflow, 'events overflow');
    setTimeout(() => ws.terminate(), this.opts.eventsCloseTimeoutMs).unref();
  }

  private flush(): void {
    this.clearTimer();
    if (this.batcher.size === 0) return;
    const frame: AdminEventFrame = { type: 'events', events: this.batcher.take() };
    const text = JSON.stringify(frame);
    for (const ws of [...this.sockets]) {
      if (ws.readyState !== ws.OPEN) continue;
      // Memory per watcher stays under maxEventBufferBytes plus one batch (at most MAX_EVENTS_PER_BATCH events).
      if (ws.bufferedAmount > this.opts.maxEventBufferBytes) {
        this.overflow(ws);
        continue;
      }
      ws.send(text);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    this.unsubscribe?.();
    this.unsubscribe = null;
    const all = [...this.sockets];
    for (const ws of all) ws.close(CloseCode.GoingAway, 'admin server shutting down');
    const deadline = setTimeout(() => { for (const ws of all) ws.terminate(); }, 2000);
    await Promise.all(all.map((ws) => new Promise<void>((resolve) => {
      if (ws.readyState === ws.CLOSED) resolve();
      else ws.once('close', () => resolve());
    })));
    clearTimeout(deadline);
  }
}
