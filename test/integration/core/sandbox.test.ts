import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleCore, type ConsoleCore } from '../../../main/core/console-core';
import { MemorySecretStore } from '../../../main/core/storage/secret-store';
import { sandboxController } from '../../../main/embedded/sandbox';
import type { CallName, CallOutput } from '../../../protocol/console/contract';
import type { ConnectionsDelta } from '../../../protocol/console/clusters';
import { ErrorCode } from '../../../protocol/errors';

describe('embedded sandbox', () => {
  let dir: string;
  let core: ConsoleCore;
  const deltas: ConnectionsDelta[] = [];
  const call = async <M extends CallName>(m: M, input: unknown): Promise<CallOutput<M>> => {
    const r = await core.dispatch(m, input);
    if (!r.ok) throw new Error(r.error.message);
    return r.value as CallOutput<M>;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-sandbox-'));
    core = await createConsoleCore({ dataDir: dir, secrets: new MemorySecretStore(), host: 'web', version: 't', sandbox: sandboxController({ dataDir: dir, clients: 4, ephemeral: true }) });
    core.events.subscribe((e, p) => {
      if (e === 'connections.delta') deltas.push(p as ConnectionsDelta);
    });
  });
  afterAll(async () => {
    await core?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('is pre-added as "Local sandbox" with a token, and cannot be edited or removed', async () => {
    const { items } = await call('clusters.list', {});
    expect(items[0]).toMatchObject({ id: 'sandbox', name: 'Local sandbox', builtin: 'sandbox', servers: [{ hasToken: true }] });
    expect(items[1]).toMatchObject({ id: 'sandbox-viewer', name: 'Local sandbox (viewer)', builtin: 'sandbox', servers: [{ hasToken: true }] });
    const info = await call('app.info', {});
    expect(info.sandbox?.channelUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/demo$/);
    const res = await core.dispatch('clusters.remove', { clusterId: 'sandbox' });
    expect(res).toMatchObject({ ok: false, error: { field: 'clusterId' } });
    expect(await core.dispatch('clusters.remove', { clusterId: 'sandbox-viewer' })).toMatchObject({ ok: false, error: { field: 'clusterId' } });
  });

  it('serves its demo clients to the console with operator rights', async () => {
    await call('clusters.open', { clusterId: 'sandbox' });
    const ids = new Set<string>();
    await new Promise<void>((resolve) => {
      const off = core.events.subscribe((e, p) => {
        if (e !== 'connections.delta') return;
        for (const r of (p as ConnectionsDelta).upserts) if (r.clientId && r.state === 'logged-in') ids.add(r.clientId);
        if (ids.size >= 4) {
          off();
          resolve();
        }
      });
    });
    expect([...ids].some((id) => id.startsWith('subscriber-'))).toBe(true);
    const state = await call('clusters.state', { clusterId: 'sandbox' });
    expect(state.servers[0]!.role).toBe('operator');
    const topics = await call('topics.list', { clusterId: 'sandbox' });
    expect(topics.items.map((t) => t.name).sort()).toEqual(['alerts', 'news', 'prices']);
  });

  it('is also there, already connected, through its viewer token: the console can look but not act', async () => {
    let state = await call('clusters.state', { clusterId: 'sandbox-viewer' });
    if (state.servers[0]!.status !== 'connected') {
      state = await new Promise((resolve) => {
        const off = core.events.subscribe((e, p) => {
          const s = p as { clusterId: string; servers: { status: string }[] };
          if (e === 'cluster.status' && s.clusterId === 'sandbox-viewer' && s.servers[0]?.status === 'connected') {
            off();
            resolve(p as typeof state);
          }
        });
      });
    }
    expect(state).toMatchObject({ open: true, servers: [{ status: 'connected', role: 'viewer', tokenName: 'console-viewer' }] });
    const ids = (await call('connections.snapshot', { clusterId: 'sandbox-viewer' })).rows.map((r) => r.connectionId);
    const res = await core.dispatch('connections.disconnect', { clusterId: 'sandbox-viewer', serverId: 'sandbox-server', connectionId: ids[0] ?? 'none' });
    expect(res).toMatchObject({ ok: false, error: { code: ErrorCode.Forbidden } });
  });

  it('turns off and on with the sandbox setting', async () => {
    await call('settings.set', { sandbox: false });
    expect((await call('clusters.list', {})).items.some((c) => c.id === 'sandbox' || c.id === 'sandbox-viewer')).toBe(false);
    expect((await call('app.info', {})).sandbox).toBeNull();
    await call('settings.set', { sandbox: true });
    expect((await call('clusters.list', {})).items.some((c) => c.id === 'sandbox')).toBe(true);
  });
});

describe('sandbox not allowed (--no-sandbox-server)', () => {
  it('says why in getAppInfo, starts nothing, and keeps the stored preference', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-nosandbox-'));
    const core = await createConsoleCore({ dataDir: dir, secrets: new MemorySecretStore(), host: 'web', version: 't', sandbox: sandboxController({ dataDir: dir, clients: 1, ephemeral: true }), sandboxAllowed: false });
    try {
      const r = await core.dispatch('app.info', {});
      expect(r).toMatchObject({ ok: true, value: { sandbox: null, sandboxUnavailable: expect.stringContaining('--no-sandbox-server') } });
      expect(await core.dispatch('clusters.list', {})).toMatchObject({ ok: true, value: { items: [] } });
    } finally {
      await core.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
