import { describe, expect, it } from 'vitest';
import { IllegalTransitionError, Lifecycle, type Transition } from '../../../common/lifecycle';

type S = 'idle' | 'connecting' | 'open' | 'closed';
const TABLE = { idle: ['connecting'], connecting: ['open', 'closed'], open: ['closed'], closed: ['connecting'] } as const;

describe('Lifecycle', () => {
  it('moves along the table and reports {from, to, reason}', () => {
    let now = 1000;
    const lc = new Lifecycle<S>('test', TABLE, 'idle', () => now);
    const seen: Transition<S>[] = [];
    const off = lc.onTransition((t) => seen.push(t));
    now = 1500;
    lc.to('connecting', 'start');
    lc.to('open', 'handshake done');
    off();
    lc.to('closed', 'peer closed');
    expect(seen).toEqual([
      { from: 'idle', to: 'connecting', reason: 'start', at: 1500 },
      { from: 'connecting', to: 'open', reason: 'handshake done', at: 1500 },
    ]);
    expect(lc.state).toBe('closed');
    expect(lc.enteredAt).toBe(1500);
  });

  it('throws on an illegal move and stays where it was', () => {
    const lc = new Lifecycle<S>('probe', TABLE, 'idle');
    expect(() => lc.to('open', 'skip')).toThrow(IllegalTransitionError);
    expect(() => lc.to('open', 'skip')).toThrow('probe: illegal transition idle → open');
    expect(lc.state).toBe('idle');
    expect(lc.tryTo('open', 'skip')).toBe(false);
    expect(lc.tryTo('connecting', 'go')).toBe(true);
    expect(lc.is('connecting', 'open')).toBe(true);
  });
});
