import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConnectionInfo } from '../../../../protocol/admin-connections';
import { Registry, type RegistryEntry } from '../../../../server/connections/registry';

class Fake implements RegistryEntry {
  constructor(public connectionId: string, public clientId: string | null, public channelName: string, public searchText: string) {}
  info(): ConnectionInfo {
    return { connectionId: this.connectionId, clientId: this.clientId } as ConnectionInfo;
  }
}

const key = (e: Fake) => [e.clientId ?? '', e.connectionId] as const;
const naiveSort = (xs: Fake[]) => [...xs].sort((a, b) => { const [a0, a1] = key(a); const [b0, b1] = key(b); return a0 < b0 ? -1 : a0 > b0 ? 1 : a1 < b1 ? -1 : a1 > b1 ? 1 : 0; });

describe('Registry', () => {
  it('finds the newest connection logged in as a client ID in one lookup, and forgets it when it goes', () => {
    const reg = new Registry<Fake>();
    const login = (id: string, client: string): Fake => {
      const f = new Fake(id, null, 'c1', '');
      reg.add(f);
      f.clientId = client;
      reg.rekey(f, null);
      return f;
    };
    expect(reg.holder('x')).toBeUndefined();
    const old = login('a', 'x');
    expect(reg.holder('x')).toBe(old);
    const newer = login('b', 'x');
    expect(reg.holder('x')).toBe(newer);
    // The replaced one closes after its successor logged in: the successor stays the holder.
    reg.remove(old);
    expect(reg.holder('x')).toBe(newer);
    reg.remove(newer);
    expect(reg.holder('x')).toBeUndefined();
    const waiting = new Fake('c', null, 'c1', '');
    reg.add(waiting);
    reg.remove(waiting);
    expect(reg.size).toBe(0);
  });

  it('matches a naive filter+sort+paginate model, across adds, removes and rekeys', () => {
    const entry = fc.record({
      id: fc.string({ minLength: 1, maxLength: 4, unit: fc.constantFrom('a', 'b', 'c', 'd') }),
      client: fc.option(fc.string({ minLength: 1, maxLength: 3, unit: fc.constantFrom('x', 'y', 'z') }), { nil: null }),
      channel: fc.constantFrom('c1', 'c2'),
    });
    fc.assert(fc.property(fc.uniqueArray(entry, { selector: (e) => e.id, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 10 }), fc.constantFrom(undefined, 'x', 'x*', 'xy*', '*'), fc.constantFrom(undefined, 'c1'), fc.constantFrom(undefined, 'z'), fc.integer({ min: 1, max: 7 }), (entries, removals, clientId, channel, q, limit) => {
      const reg = new Registry<Fake>();
      const live: Fake[] = [];
      for (const e of entries) {
        const f = new Fake(e.id, null, e.channel, '');
        reg.add(f);
        live.push(f);
        if (e.client !== null) {
          f.clientId = e.client;
          f.searchText = e.client;
          reg.rekey(f, null);
        }
      }
      for (const r of removals) {
        if (live.length === 0) break;
        const [f] = live.splice(r % live.length, 1);
        reg.remove(f!);
      }
      const matches = (f: Fake) =>
        (clientId === undefined || (f.clientId !== null && (clientId.endsWith('*') ? f.clientId.startsWith(clientId.slice(0, -1)) : f.clientId === clientId))) &&
        (channel === undefined || f.channelName === channel) &&
        (q === undefined || f.searchText.includes(q));
      const expected = naiveSort(live.filter(matches)).map((f) => f.connectionId);
      const got: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = reg.list({ limit, ...(clientId ? { clientId } : {}), ...(channel ? { channel } : {}), ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) });
        expect(page.total).toBe(expected.length);
        got.push(...page.items.map((i) => i.connectionId));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(got).toEqual(expected);
      expect(reg.size).toBe(live.length);
    }), { numRuns: 300 });
  });
});
