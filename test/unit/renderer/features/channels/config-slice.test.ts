import { describe, expect, it, vi } from 'vitest';
import type { Channel } from '../../../../../protocol/admin-config';
import { REFETCH_DEBOUNCE_MS } from '../../../../../renderer/src/features/channels/config-slice';
import { testStore } from '../../fake-deps';

const channel = (name: string, over: Partial<Channel> = {}): Channel => ({
  name, active: true, address: `ws://127.0.0.1:0/${name}`, service: 'echo', security: null, newTokenWaitTime: 5, tokenTtl: 3600, pingInterval: 30,
  pingsMissedThreshold: 2, maxMessageBytes: 1024, allowSubscribe: ['*'], allowPublish: ['*'], duplicateLogin: 'reject',
  maxBufferedBytes: 4194304, maxBufferedBytesHard: 16777216, maxPingsPerSecond: 10,
  logReceived: false, logSent: false, logMaxMessages: 100, logMaxBytes: 4096, logKeepSeconds: 300,
  createdAt: '2026-11-22T10:00:00.000Z', updatedAt: '2026-11-22T10:00:00.000Z', listening: true, boundPort: 1, connections: 0, ...over,
} as Channel);

describe('channels config slice', () => {
  it('loads one server’s channels and security, sends only the patch it is given, and refetches after it', async () => {
    let list = [channel('tills')];
    const t = testStore({
      'channels.list': () => ({ items: list }),
      'security.list': () => ({ items: [] }),
      'channels.update': (i) => {
        list = [channel('tills', { active: (i.patch as { active: boolean }).active })];
        return list[0]!;
      },
    });
    t.store.getState().showConfigOf('k1', 's1');
    await vi.waitFor(() => expect(t.store.getState().config.channels).toHaveLength(1));
    await t.store.getState().setChannelActive('tills', false);
    const update = t.calls.find((c) => c.method === 'channels.update');
    expect(update?.input).toEqual({ clusterId: 'k1', serverId: 's1', name: 'tills', patch: { active: false } });
    await vi.waitFor(() => expect(t.store.getState().config.channels?.[0]?.active).toBe(false));
    expect(t.store.getState().ui.toasts.at(-1)?.text).toBe('Deactivated tills');
  });

  it('coalesces config.changed notices for the shown server into one refetch, and ignores others', async () => {
    vi.useFakeTimers();
    try {
      const t = testStore({ 'channels.list': () => ({ items: [] }), 'security.list': () => ({ items: [] }) });
      t.store.getState().showConfigOf('k1', 's1');
      await vi.advanceTimersByTimeAsync(0);
      const before = t.calls.filter((c) => c.method === 'channels.list').length;
      const at = '2026-11-22T10:00:00.000Z';
      for (let i = 0; i < 5; i++) t.store.getState().onConfigChanged({ clusterId: 'k1', serverId: 's1', kind: 'channel', name: `c${i}`, at });
      t.store.getState().onConfigChanged({ clusterId: 'k1', serverId: 's2', kind: 'channel', name: 'x', at });
      t.store.getState().onConfigChanged({ clusterId: 'k1', serverId: 's1', kind: 'topic', name: 'x', at });
      await vi.advanceTimersByTimeAsync(REFETCH_DEBOUNCE_MS + 1);
      expect(t.calls.filter((c) => c.method === 'channels.list').length).toBe(before + 1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the server’s refusal for the form (save rethrows) and still refetches', async () => {
    const t = testStore({
      'channels.list': () => ({ items: [] }),
      'security.list': () => ({ items: [] }),
      'channels.create': () => {
        throw Object.assign(new Error('address: in use'), { info: { code: 'SB_ERR_CHANNEL_ADDRESS_IN_USE', message: 'in use', field: 'channel.address' } });
      },
    });
    t.store.getState().showConfigOf('k1', 's1');
    await expect(t.store.getState().saveChannel({ create: { name: 'x', address: 'ws://127.0.0.1:1/x' } })).rejects.toThrow('address: in use');
    await vi.waitFor(() => expect(t.calls.filter((c) => c.method === 'channels.list').length).toBe(2));
  });
});
