import type { AdminEvent } from '../protocol/admin-events';

/** An admin event before the bus stamps it with seq and time. */
export type AdminEventInput = AdminEvent extends infer E ? (E extends AdminEvent ? Omit<E, 'seq' | 'at'> : never) : never;

export type AdminEventListener = (event: AdminEvent) => void;

/**
 * In-process fan-out of admin events. Stamps each with a per-server increasing seq and a time.
 * Listeners are called synchronously; the admin event stream does its own batching.
 */
export class EventBus {
  private seq = 0;
  private readonly listeners = new Set<AdminEventListener>();

  get lastSeq(): number {
    return this.seq;
  }

  /** False when nobody listens: callers may skip building events that are expensive to make. */
  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  /**
   * emit() for events that are costly to build (a ConnectionInfo formats times and reads socket
   * addresses, and its caches then stay with the connection): built only when someone listens.
   */
  emitLazy(make: () => AdminEventInput): void {
    if (this.listeners.size === 0) {
      this.seq++;
      return;
    }
    this.emit(make());
  }

  emit(event: AdminEventInput): void {
    if (this.listeners.size === 0) {
      this.seq++;
      return;
    }
    const stamped = { ...event, seq: ++this.seq, at: new Date().toISOString() } as AdminEvent;
    for (const l of this.listeners) {
      // Emitters are socket and timer callbacks: a throwing listener must not take them down.
      try {
        l(stamped);
      } catch (err) {
        console.error('event listener failed:', err);
      }
    }
  }

  /** Returns the disposer. */
  subscribe(listener: AdminEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
