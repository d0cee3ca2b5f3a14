import { describe, expect, it } from 'vitest';
import { alignBlocked, alignPatchOf, driftOf, driftText } from '../../../../../renderer/src/features/drift/drift';

const topic = (name: string, over: Record<string, unknown> = {}) => ({ name, maxDepth: 100, maxAgeSeconds: 60, overflow: 'drop-oldest', subscriptionTtlSeconds: 3600, depth: 5, ...over });

describe('drift', () => {
  it('names what differs from the first server that has the item, and where it is missing', () => {
    const rows = driftOf('topic', [
      { serverId: 'a', serverName: 'edge-a', items: [topic('news'), topic('same')] },
      { serverId: 'b', serverName: 'edge-b', items: [topic('news', { maxDepth: 10, depth: 0 }), topic('same', { depth: 99 }), topic('only-b')] },
    ]);
    expect(rows.map((r) => r.name)).toEqual(['news', 'only-b']);
    expect(driftText(rows[0]!)).toEqual(['news differs on edge-b: maxDepth 10 vs 100']);
    expect(rows[1]!.referenceId).toBe('b');
    expect(driftText(rows[1]!)).toEqual(['only-b is missing on edge-a']);
    expect(alignPatchOf(rows[0]!.differs[0]!.fields)).toEqual({ maxDepth: 100 });
  });
  it('does not compare channel addresses, and never offers to copy a security definition', () => {
    const ch = (address: string) => ({ name: 'tills', address, pingInterval: 30 });
    expect(driftOf('channel', [
      { serverId: 'a', serverName: 'a', items: [ch('ws://a:1/t')] },
      { serverId: 'b', serverName: 'b', items: [ch('ws://b:2/t')] },
    ])).toEqual([]);
    const [sec] = driftOf('security', [{ serverId: 'a', serverName: 'a', items: [{ name: 's', type: 'basic' }] }, { serverId: 'b', serverName: 'b', items: [] }]);
    expect(alignBlocked(sec!, { missing: true })).toMatch(/secret never leaves/);
  });
});
