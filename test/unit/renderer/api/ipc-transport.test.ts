import { describe, expect, it } from 'vitest';
import { createIpcTransport, isPreloadBridge, type PreloadBridge } from '../../../../renderer/src/api/ipc-transport';

const bridge = (over: Record<string, unknown>): PreloadBridge => ({ on: () => () => {}, ...over });

describe('IPC transport (Electron preload bridge)', () => {
  it('recognises the bridge by its on() function', () => {
    expect(isPreloadBridge(undefined)).toBe(false);
    expect(isPreloadBridge({})).toBe(false);
    expect(isPreloadBridge(bridge({}))).toBe(true);
  });

  it('passes the envelope through and rejects malformed replies and unknown calls', async () => {
    const t = createIpcTransport(
      bridge({
        'settings.get': async (input: unknown) => ({ ok: true, value: { input } }),
        'clusters.list': async () => ({ nope: 1 }),
        'clusters.save': async () => {
          throw new Error('ipc broke');
        },
      }),
    );
    await expect(t.call('settings.get', { a: 1 })).resolves.toEqual({ ok: true, value: { input: { a: 1 } } });
    await expect(t.call('clusters.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'SB_ERR_INTERNAL' } });
    await expect(t.call('clusters.save', {})).resolves.toMatchObject({ ok: false, error: { message: 'ipc broke' } });
    await expect(t.call('missing', {})).resolves.toMatchObject({ ok: false, error: { code: 'SB_ERR_NOT_FOUND' } });
    expect(t.link.state).toBe('connected');
  });

  it('subscribes through the bridge and returns its disposer', () => {
    const got: unknown[] = [];
    let handler: ((p: unknown) => void) | null = null;
    const t = createIpcTransport({
      on: (_e: string, h: (p: unknown) => void) => {
        handler = h;
        return () => {
          handler = null;
        };
      },
    });
    const off = t.on('settings.changed', (p) => got.push(p));
    handler!({ x: 1 });
    off();
    expect(handler).toBeNull();
    expect(got).toEqual([{ x: 1 }]);
  });
});
