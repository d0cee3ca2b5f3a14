import { beforeEach, describe, expect, it, vi } from 'vitest';
import { callNames, eventNames, type CallResult } from '../../../protocol/console/contract';
import { IPC_CALL, IPC_EVENT } from '../../../protocol/console/ipc-channels';

/**
 * No Electron binary can run here, so `electron` is replaced by a recorder of what the preload
 * and the IPC layer hand to it. The real-Electron checks live in test/e2e/electron/.
 */
const fake = vi.hoisted(() => ({
  exposed: {} as Record<string, unknown>,
  rendererListeners: new Map<string, (event: unknown, ...args: unknown[]) => void>(),
  invoked: [] as unknown[][],
  mainHandlers: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (fake.exposed[key] = api) },
  ipcRenderer: {
    on: (channel: string, fn: (event: unknown, ...args: unknown[]) => void) => fake.rendererListeners.set(channel, fn),
    invoke: async (...args: unknown[]) => {
      fake.invoked.push(args);
      return { ok: true, value: 'pong' };
    },
  },
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => Promise<unknown>) => fake.mainHandlers.set(channel, fn),
    removeHandler: (channel: string) => fake.mainHandlers.delete(channel),
  },
}));

describe('preload bridge', () => {
  beforeEach(async () => {
    await import('../../../preload/preload');
  });

  it('exposes exactly one function per call plus on, frozen', () => {
    const api = fake.exposed.switchboard as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...callNames, 'on'].sort());
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('forwards a call as (channel, name, input) and returns the envelope', async () => {
    const api = fake.exposed.switchboard as Record<string, (i: unknown) => Promise<CallResult>>;
    expect(await api['clusters.list']!({})).toEqual({ ok: true, value: 'pong' });
    expect(fake.invoked.at(-1)).toEqual([IPC_CALL, 'clusters.list', {}]);
  });

  it('hands handlers the payload only, never the IPC event, and unsubscribes', () => {
    const api = fake.exposed.switchboard as { on(e: string, h: (...a: unknown[]) => void): () => void };
    const seen: unknown[][] = [];
    const off = api.on(eventNames[0]!, (...args) => seen.push(args));
    const push = fake.rendererListeners.get(IPC_EVENT)!;
    push({ sender: 'ipc-event-object' }, { event: eventNames[0], payload: { x: 1 } });
    expect(seen).toEqual([[{ x: 1 }]]);
    off();
    push({ sender: 'ipc-event-object' }, { event: eventNames[0], payload: { x: 2 } });
    expect(seen).toHaveLength(1);
    expect(() => api.on('not.an.event', () => {})).toThrow(/unknown console event/);
  });
});

describe('main-process IPC handler', () => {
  it('accepts calls only from the app origin top frame and passes them to the dispatcher', async () => {
    const { wireIpc } = await import('../../../main/electron/ipc');
    const { EventHub } = await import('../../../main/core/contract/event-hub');
    const dispatched: unknown[][] = [];
    const contexts: Array<{ subscriber?: { watch(id: string): void } }> = [];
    const events = new EventHub();
    const core = {
      dispatch: async (m: string, i: unknown, ctx: { subscriber?: { watch(id: string): void } }): Promise<CallResult> => (dispatched.push([m, i]), contexts.push(ctx), { ok: true, value: 1 }),
      events,
      missingHandlers: [],
      dispose: async () => {},
    };
    const wired = wireIpc(Promise.resolve(core as never), () => null);
    const handler = fake.mainHandlers.get(IPC_CALL)!;
    expect(await handler({ senderFrame: { url: 'app://switchboard/index.html', parent: null } }, 'clusters.list', {})).toEqual({ ok: true, value: 1 });
    expect(await handler({ senderFrame: { url: 'https://evil.example/', parent: null } }, 'clusters.list', {})).toMatchObject({ ok: false, error: { code: 'SB_ERR_FORBIDDEN' } });
    expect(await handler({ senderFrame: { url: 'app://switchboard/x.html', parent: {} } }, 'clusters.list', {})).toMatchObject({ ok: false });
    expect(await handler({ senderFrame: null }, 'clusters.list', {})).toMatchObject({ ok: false });
    expect(dispatched).toEqual([['clusters.list', {}]]);
    // The window is one subscriber: a watch made through its calls is its own, and a reload drops it.
    contexts[0]!.subscriber!.watch('k1');
    expect(events.isWatched('k1')).toBe(true);
    wired.pageLoaded();
    expect(events.isWatched('k1')).toBe(false);
    wired.dispose();
    expect(fake.mainHandlers.has(IPC_CALL)).toBe(false);
  });
});
