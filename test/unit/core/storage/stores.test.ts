import { mkdtemp, readdir, readFile, rm, stat, chmod, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileStore, secretKey } from '../../../../main/core/storage/profile-store';
import { FileSecretStore } from '../../../../main/core/storage/secret-store';
import { SettingsStore } from '../../../../main/core/storage/settings-store';
import { ConsoleError } from '../../../../main/core/contract/errors';
import { clusterCalls } from '../../../../protocol/console/clusters';

const TOKEN = 'operator-token-0123456789';
const save = (input: unknown) => clusterCalls['clusters.save'].input.parse(input);

describe('profile store + secrets', () => {
  let dir: string;
  let secrets: FileSecretStore;
  let store: ProfileStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-core-'));
    secrets = new FileSecretStore(dir);
    store = new ProfileStore(dir, secrets);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps tokens out of clusters.json and reports hasToken', async () => {
    const c = await store.save(save({ name: 'prod', servers: [{ url: 'http://10.0.0.1:7070/', token: TOKEN }] }));
    const onDisk = await readFile(join(dir, 'clusters.json'), 'utf8');
    expect(onDisk).not.toContain(TOKEN);
    expect(c.servers[0]).toMatchObject({ url: 'http://10.0.0.1:7070', hasToken: true });
    expect(await store.token(c.id, c.servers[0]!.id)).toBe(TOKEN);
  });

  it('writes the secrets file with mode 0600 and tightens a loosened one', async () => {
    await secrets.set('k', 'v');
    expect((await stat(secrets.filePath)).mode & 0o777).toBe(0o600);
    await chmod(secrets.filePath, 0o644);
    expect(await secrets.get('k')).toBe('v');
    expect((await stat(secrets.filePath)).mode & 0o777).toBe(0o600);
  });

  it('stores secrets through its codec and reads back null for what the codec cannot decode', async () => {
    const codec = { encode: (v: string) => `enc:${[...v].reverse().join('')}`, decode: (s: string) => (s.startsWith('enc:') ? [...s.slice(4)].reverse().join('') : null) };
    const store = new FileSecretStore(dir, 'coded.json', codec);
    await store.set('a', 'token-123');
    const onDisk = await readFile(join(dir, 'coded.json'), 'utf8');
    expect(onDisk).not.toContain('token-123');
    expect(onDisk).toContain('enc:321-nekot');
    expect(await store.get('a')).toBe('token-123');
    const plain = new FileSecretStore(dir, 'coded.json');
    await plain.set('b', 'not-encoded');
    expect(await store.get('b')).toBeNull();
  });

  it('keeps the token when omitted, forgets it on null, and drops removed servers’ tokens', async () => {
    const c = await store.save(save({ name: 'a', servers: [{ url: 'http://h1:1', token: TOKEN }, { url: 'http://h2:1', token: TOKEN }] }));
    const [s1, s2] = c.servers;
    const kept = await store.save(save({ id: c.id, name: 'a', servers: [{ id: s1!.id, url: 'http://h1:1' }] }));
    expect(kept.servers).toHaveLength(1);
    expect(kept.servers[0]!.hasToken).toBe(true);
    expect(await secrets.get(secretKey(c.id, s2!.id))).toBeNull();
    const cleared = await store.save(save({ id: c.id, name: 'a', servers: [{ id: s1!.id, url: 'http://h1:1', token: null }] }));
    expect(cleared.servers[0]!.hasToken).toBe(false);
    expect(await store.token(c.id, s1!.id)).toBeNull();
  });

  it('refuses a duplicate name and a server listed twice, naming the field, and changes nothing', async () => {
    await store.save(save({ name: 'prod', servers: [{ url: 'http://h:1' }] }));
    const before = await readFile(join(dir, 'clusters.json'), 'utf8');
    const dup = await store.save(save({ name: 'PROD', servers: [{ url: 'http://h:2' }] })).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ConsoleError);
    expect((dup as ConsoleError).info.field).toBe('name');
    const twice = await store.save(save({ name: 'x', servers: [{ url: 'http://h:1' }, { url: 'http://h:1/' }] })).catch((e: unknown) => e);
    expect((twice as ConsoleError).info.field).toBe('servers.1.url');
    expect(await readFile(join(dir, 'clusters.json'), 'utf8')).toBe(before);
  });

  it('writes atomically: concurrent saves all land and no temp files are left', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.save(save({ name: `c${i}`, servers: [{ url: `http://h:${i + 1}` }] }))));
    expect((await store.list()).map((c) => c.name).sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('remove deletes the profile and its tokens', async () => {
    const c = await store.save(save({ name: 'a', servers: [{ url: 'http://h:1', token: TOKEN }] }));
    await store.remove(c.id);
    expect(await store.list()).toEqual([]);
    expect(await secrets.get(secretKey(c.id, c.servers[0]!.id))).toBeNull();
  });

  it('settings default to local time, the system theme and sandbox on, and persist patches', async () => {
    const s = new SettingsStore(dir);
    expect(await s.get()).toEqual({ timeMode: 'local', theme: 'system', views: {}, sandbox: true });
    await s.update({ timeMode: 'utc' });
    await s.update({ theme: 'dark' });
    expect(await new SettingsStore(dir).get()).toEqual({ timeMode: 'utc', theme: 'dark', views: {}, sandbox: true });
  });

  it('a settings file from before the theme existed reads as the system theme', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ timeMode: 'utc', sandbox: false }));
    expect(await new SettingsStore(dir).get()).toEqual({ timeMode: 'utc', theme: 'system', views: {}, sandbox: false });
  });
});
