import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../../protocol/close-codes';
import { ErrorCode } from '../../../protocol/errors';
import { channel, connectAndLogin, RawClient, startTestServer, type TestServer } from './helpers';

describe('channels', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('serves two channels on one port, routed by path; an unknown path is refused with 404', async () => {
    t = await startTestServer({ channels: [channel('a')] });
    const port = (await t.server.channels.get('a'))!.boundPort!;
    const b = await t.server.channels.create({ name: 'b', address: `ws://127.0.0.1:${port}/b` });
    expect(b).toMatchObject({ listening: true, boundPort: port, connections: 0 });
    const ca = await connectAndLogin(t.server.channelUrl('a'), 'on-a');
    const cb = await connectAndLogin(t.server.channelUrl('b'), 'on-b');
    expect((await t.server.connections.list({ limit: 10 })).items.map((i) => [i.clientId, i.channel, i.localPort])).toEqual([['on-a', 'a', port], ['on-b', 'b', port]]);
    await expect(new RawClient(`ws://127.0.0.1:${port}/nope`).opened).rejects.toThrow(/404/);
    ca.close();
    cb.close();
  });

  it('address conflicts → ChannelAddressInUse and nothing changes', async () => {
    t = await startTestServer({ channels: [channel('a')] });
    const port = (await t.server.channels.get('a'))!.boundPort!;
    await expect(t.server.channels.create({ name: 'dup', address: `ws://127.0.0.1:${port}/a` })).rejects.toMatchObject({ code: ErrorCode.ChannelAddressInUse, field: 'address' });
    expect((await t.server.channels.get('dup'))).toBeUndefined();
    await expect(t.server.channels.create({ name: 'a', address: 'ws://127.0.0.1:0/x' })).rejects.toMatchObject({ code: ErrorCode.ChannelExists });
    await expect(t.server.channels.update('a', { maxMessageBytes: 1 })).rejects.toMatchObject({ code: ErrorCode.Validation, field: 'maxMessageBytes' });
    await expect(t.server.channels.update('missing', { active: false })).rejects.toMatchObject({ code: ErrorCode.ChannelNotFound });
  });

  it('deactivating closes live connections with 1001 and refuses new ones; only the shared port stays up while another channel uses it', async () => {
    t = await startTestServer({ channels: [channel('a')] });
    const port = (await t.server.channels.get('a'))!.boundPort!;
    await t.server.channels.create({ name: 'b', address: `ws://127.0.0.1:${port}/b` });
    const ca = await connectAndLogin(t.server.channelUrl('a'), 'a1');
    const cb = await connectAndLogin(t.server.channelUrl('b'), 'b1');
    const updated = await t.server.channels.update('a', { active: false });
    expect(updated).toMatchObject({ active: false, listening: false, connections: 0 });
    expect(await ca.closed).toEqual({ code: CloseCode.GoingAway, reason: 'channel deactivated' });
    // b still served on the same port; a's path is gone.
    await expect(new RawClient(`ws://127.0.0.1:${port}/a`).opened).rejects.toThrow(/404/);
    expect(cb.ws.readyState).toBe(cb.ws.OPEN);
    await t.server.channels.update('b', { active: false });
    expect(await cb.closed).toMatchObject({ code: CloseCode.GoingAway });
    await expect(new RawClient(`ws://127.0.0.1:${port}/b`).opened).rejects.toThrow(/ECONNREFUSED/);
    // Reactivating binds again.
    await t.server.channels.update('b', { active: true });
    const again = await connectAndLogin(t.server.channelUrl('b'), 'b2');
    expect((await again.next('welcome')).clientId).toBe('b2');
    again.close();
  });

  it('changing the address moves the channel; deleting closes with 1001', async () => {
    t = await startTestServer({ channels: [channel('a')] });
    const oldUrl = t.server.channelUrl('a');
    const c = await connectAndLogin(oldUrl, 'mover');
    const moved = await t.server.channels.update('a', { address: 'ws://127.0.0.1:0/moved' });
    expect(moved.address).toBe('ws://127.0.0.1:0/moved');
    expect(await c.closed).toMatchObject({ code: CloseCode.GoingAway });
    expect(t.server.channelUrl('a')).toMatch(/\/moved$/);
    const c2 = await connectAndLogin(t.server.channelUrl('a'), 'mover2');
    await t.server.channels.remove('a');
    expect(await c2.closed).toEqual({ code: CloseCode.GoingAway, reason: 'channel deleted' });
    expect((await t.server.channels.list())).toEqual([]);
  });

  it('channel changes survive a restart; the config file seeds only the first start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-restart-'));
    try {
      const config = { channels: [channel('seeded')], security: [{ name: 'k', type: 'apikey' as const, key: 'key-12345678', clientIds: ['*'] }] };
      const first = await startTestServer(config, dir);
      await first.server.channels.create({ name: 'added', address: 'ws://127.0.0.1:0/added', security: 'k', tokenTtl: 77 });
      await first.server.channels.update('seeded', { active: false });
      await first.server.close();
      const second = await startTestServer(config, dir);
      try {
        expect((await second.server.channels.list()).map((c) => [c.name, c.active, c.listening])).toEqual([['added', true, true], ['seeded', false, false]]);
        expect((await second.server.channels.get('added'))).toMatchObject({ security: 'k', tokenTtl: 77 });
        expect((await second.server.security.get('k'))).toMatchObject({ type: 'apikey', usedBy: ['added'] });
        await second.server.channels.remove('seeded');
      } finally {
        await second.server.close();
      }
      const third = await startTestServer(config, dir);
      expect((await third.server.channels.list()).map((c) => c.name)).toEqual(['added']);
      await third.server.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('emits channel.changed on create, update and delete', async () => {
    t = await startTestServer();
    const seen: string[] = [];
    t.server.events.subscribe((e) => { if (e.type === 'channel.changed') seen.push(`${e.name}:${e.channel ? e.channel.active : 'deleted'}`); });
    await t.server.channels.create({ name: 'x', address: 'ws://127.0.0.1:0/x' });
    await t.server.channels.update('x', { active: false });
    await t.server.channels.remove('x');
    expect(seen).toEqual(['x:true', 'x:false', 'x:deleted']);
  });
});
