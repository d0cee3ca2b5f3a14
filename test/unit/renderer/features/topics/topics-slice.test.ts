import { describe, expect, it } from 'vitest';
import type { Topic } from '../../../../../protocol/admin-pubsub';
import { formatSeconds, mergeTopicRows, topicPatchOf } from '../../../../../renderer/src/features/topics/topics-slice';
import { testStore } from '../../fake-deps';

const topic = (name: string, over: Partial<Topic> = {}): Topic => ({
  name, maxDepth: 100, maxAgeSeconds: 60, overflow: 'drop-oldest', subscriptionTtlSeconds: 3600,
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  subscribers: 0, depth: 0, published: 0, dropped: 0, rejected: 0, lastPublishedAt: null, ...over,
});

describe('topicPatchOf', () => {
  it('sends only the fields that differ from the loaded topic', () => {
    const before = topic('a');
    expect(topicPatchOf(before, { maxDepth: 100, maxAgeSeconds: 60, overflow: 'reject', subscriptionTtlSeconds: 3600 })).toEqual({ overflow: 'reject' });
    expect(topicPatchOf(before, { maxDepth: 5, maxAgeSeconds: 61, overflow: 'drop-oldest', subscriptionTtlSeconds: 3600 })).toEqual({ maxDepth: 5, maxAgeSeconds: 61 });
  });
  it('is empty when nothing changed', () => {
    const before = topic('a');
    expect(topicPatchOf(before, { maxDepth: 100, maxAgeSeconds: 60, overflow: 'drop-oldest', subscriptionTtlSeconds: 3600 })).toEqual({});
  });
});

describe('mergeTopicRows', () => {
  it('sorts by name, then by the server order of the profile, each row naming its server', () => {
    const rows = mergeTopicRows([
      { serverId: 'b', serverName: 'edge-b', items: [topic('news'), topic('alpha')] },
      { serverId: 'a', serverName: 'edge-a', items: [topic('news')] },
    ]);
    expect(rows.map((r) => `${r.topic.name}@${r.serverName}`)).toEqual(['alpha@edge-b', 'news@edge-b', 'news@edge-a']);
  });
});

describe('topics slice', () => {
  it('merges the servers that answer and keeps the refusal of the one that does not', async () => {
    const t = testStore({
      'topics.list': ({ serverId }) => {
        if (serverId === 's2') throw new Error('unreachable');
        return { items: [topic('news')] };
      },
    });
    t.store.getState().showTopicsOf('c1', [
      { serverId: 's1', url: 'http://a', info: null },
      { serverId: 's2', url: 'http://b', info: null },
    ]);
    await expect.poll(() => t.store.getState().topics.rows?.length).toBe(1);
    const s = t.store.getState().topics;
    expect(s.rows![0]).toMatchObject({ serverId: 's1', serverName: 'http://a' });
    expect(s.errors).toEqual({ s2: 'unreachable' });
  });

  it('sends the patch it is given to the named server and refetches', async () => {
    const t = testStore({ 'topics.list': () => ({ items: [topic('news')] }), 'topics.update': () => topic('news', { overflow: 'reject' }) });
    t.store.getState().showTopicsOf('c1', [{ serverId: 's1', url: 'http://a', info: null }]);
    await t.store.getState().updateTopic('s1', 'news', { overflow: 'reject' });
    expect(t.calls.find((c) => c.method === 'topics.update')?.input).toEqual({ clusterId: 'c1', serverId: 's1', name: 'news', patch: { overflow: 'reject' } });
    await expect.poll(() => t.calls.filter((c) => c.method === 'topics.list').length).toBeGreaterThanOrEqual(2);
  });
});

describe('formatSeconds', () => {
  it('shows whole days, hours and minutes as such, anything else in seconds', () => {
    expect(formatSeconds(604800)).toBe('7 d');
    expect(formatSeconds(7200)).toBe('2 h');
    expect(formatSeconds(120)).toBe('2 min');
    expect(formatSeconds(90)).toBe('90 s');
  });
});
