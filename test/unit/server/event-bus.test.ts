import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../server/event-bus';

describe('EventBus', () => {
  it('stamps seq and time, keeps delivering when a listener throws, and unsubscribes', () => {
    const bus = new EventBus();
    const seen: number[] = [];
    const origError = console.error;
    console.error = () => undefined;
    try {
      bus.subscribe(() => {
        throw new Error('bad listener');
      });
      const un = bus.subscribe((e) => seen.push(e.seq));
      bus.emit({ type: 'security.changed', name: 'a' });
      bus.emit({ type: 'security.changed', name: 'b' });
      un();
      bus.emit({ type: 'security.changed', name: 'c' });
    } finally {
      console.error = origError;
    }
    expect(seen).toEqual([1, 2]);
    expect(bus.lastSeq).toBe(3);
  });

  it('says whether anyone listens, so callers can skip building costly events', () => {
    const bus = new EventBus();
    expect(bus.hasListeners).toBe(false);
    const un = bus.subscribe(() => undefined);
    expect(bus.hasListeners).toBe(true);
    un();
    expect(bus.hasListeners).toBe(false);
  });
});
