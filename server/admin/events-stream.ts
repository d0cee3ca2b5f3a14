import { WebSocketServer, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AdminEvent, AdminEventFrame } from '../../protocol/admin-events';
import { CloseCode } from '../../protocol/close-codes';
import type { ServerControl } from '../control/control';

export interface EventStreamOptions {
  /** Batches are flushed at most this often (ms). */
  eventBatchMs: number;
  /** A socket whose unsent bytes exceed this is closed with 4029 instead of buffering without bound. */
  maxEventBufferBytes: number;
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
 */
export class AdminEventStream {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly sockets = new Set<WebSocket>();
  private readonly batcher = new EventBatcher();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private closed = false;

  constructor(private readonly control: ServerControl, private readonly opts: EventStreamOptions) {}

  get watcherCount(): number {
    return this.sockets.size;
  }

  /** Completes an already authenticated upgrade. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.add(ws));
  }

  private add(ws: WebSocket): void {
    if (this.closed) {
      ws.terminate();
      return;
    }
    this.flush();
    this.sockets.add(ws);
    if (!this.unsubscribe) this.unsubscribe = this.control.events.subscribe((e) => this.onEvent(e));
    ws.on('close', () => this.remove(ws));
    ws.on('error', () => ws.terminate());
    // Watchers only listen; anything they send is ignored.
    ws.on('message', () => undefined);
    const ready: AdminEventFrame = { type: 'ready', server: this.control.info(), seq: this.control.events.lastSeq };
    ws.send(JSON.stringify(ready));
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

  private flush(): void {
    this.clearTimer();
    if (this.batcher.size === 0) return;
    const frame: AdminEventFrame = { type: 'events', events: this.batcher.take() };
    const text = JSON.stringify(frame);
    for (const ws of this.sockets) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > this.opts.maxEventBufferBytes) {
        // The close frame queues behind the unsent data; ws terminates the socket if the peer
        // never completes the close handshake. Nothing more is sent to it meanwhile.
        ws.close(CloseCode.EventsOverflow, 'events overflow');
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
    for (const ws of this.sockets) ws.close(CloseCode.GoingAway, 'admin server shutting down');
    const deadline = setTimeout(() => { for (const ws of this.sockets) ws.terminate(); }, 2000);
    await Promise.all([...this.sockets].map((ws) => new Promise<void>((resolve) => {
      if (ws.readyState === ws.CLOSED) resolve();
      else ws.once('close', () => resolve());
    })));
    clearTimeout(deadline);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
