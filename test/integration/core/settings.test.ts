import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsoleCore, type ConsoleCore } from '../../../main/core/console-core';
import { MemorySecretStore } from '../../../main/core/storage/secret-store';
import type { CallName, CallOutput } from '../../../protocol/console/contract';
import type { SavedView, Settings } from '../../../protocol/console/clusters';

describe('console settings: theme and saved views', () => {
  let dir: string;
  let core: ConsoleCore;
  const changed: Settings[] = [];
  const call = async <M extends CallName>(m: M, input: unknown): Promise<CallOutput<M>> => {
    const r = await core.dispatch(m, input);
    if (!r.ok) throw new Error(r.error.message);
    return r.value as CallOutput<M>;
  };
  const view = (name: string): SavedView => ({ name, filter: { field: 'any', text: 'x' }, columns: ['clientId'], sort: { key: 'clientId', dir: 'asc' } });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-settings-'));
    core = await createConsoleCore({ dataDir: dir, secrets: new MemorySecretStore(), host: 'web', version: 't' });
    changed.length = 0;
    core.events.subscribe((e, p) => {
      if (e === 'settings.changed') changed.push(p as Settings);
    });
  });
  afterEach(async () => {
    await core?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('a theme patch changes only the theme; an unknown theme or view key is refused naming it', async () => {
    const before = await call('settings.get', {});
    expect(await call('settings.set', { theme: 'dark' })).toEqual({ ...before, theme: 'dark' });
    const bad = await core.dispatch('settings.set', { theme: 'purple' });
    expect(bad).toMatchObject({ ok: false });
    const extra = await core.dispatch('settings.set', { views: { c1: [{ ...view('a'), colour: 'red' }] } });
    expect(extra.ok).toBe(false);
    expect(JSON.stringify(extra)).toMatch(/colour/);
    expect((await call('settings.get', {})).theme).toBe('dark');
  });

  it('removing a cluster forgets its saved views and tells every window', async () => {
    const a = await call('clusters.save', { name: 'a', servers: [{ url: 'http://127.0.0.1:1', token: 'a-token-0123456789abcdef' }] });
    const b = await call('clusters.save', { name: 'b', servers: [{ url: 'http://127.0.0.1:1', token: 'b-token-0123456789abcdef' }] });
    await call('settings.set', { views: { [a.id]: [view('mine')], [b.id]: [view('theirs')] } });
    changed.length = 0;
    await call('clusters.remove', { clusterId: a.id });
    expect((await call('settings.get', {})).views).toEqual({ [b.id]: [view('theirs')] });
    expect(changed.at(-1)?.views).toEqual({ [b.id]: [view('theirs')] });
    await call('clusters.remove', { clusterId: b.id });
    expect((await call('settings.get', {})).views).toEqual({});
  });
});
