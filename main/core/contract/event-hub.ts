import { consoleEvents, type EventName, type EventPayload } from '../../../protocol/console/contract';
import type { Emit } from './handler-types';

export type EventListener = (event: EventName, payload: unknown) => void;

/**
 * Fan-out of core events to the attached transports (the Electron window, web host sockets).
 * Payloads are checked against the contract's schema on the way out, so a core bug shows up here
 * and not as a confused renderer.
 */
export class EventHub {
  private readonly listeners = new Set<EventListener>();
  constructor(private readonly opts: { validate?: boolean; onInvalid?: (event: string, err: unknown) => void } = {}) {}

  readonly emit: Emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    if (this.opts.validate ?? true) {
      const res = consoleEvents[event].safeParse(sample(event, payload));
      if (!res.success) {
        this.opts.onInvalid?.(event, res.error);
        return;
      }
    }
    for (const l of [...this.listeners]) l(event, payload);
  };

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

/**
 * Rows of a connections.delta were parsed where they entered (the admin API page or event) and only
 * gained three string fields; re-parsing thousands per push costs ~10 µs each on the main thread.
 * Check the envelope and the first row, which catches a shape bug without that cost.
 */
function sample(event: EventName, payload: unknown): unknown {
  if (event !== 'connections.delta' || typeof payload !== 'object' || payload === null) return payload;
  const d = payload as { upserts?: unknown };
  return Array.isArray(d.upserts) && d.upserts.length > 1 ? { ...payload, upserts: d.upserts.slice(0, 1) } : payload;
}
