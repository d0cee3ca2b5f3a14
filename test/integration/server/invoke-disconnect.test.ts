import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdminEvent } from '../../../protocol/admin-events';
import { CloseCode } from '../../../protocol/close-codes';
import { ErrorCode } from '../../../protocol/errors';
import { channel, connectAndLogin, RawClient, startTestServer, type TestServer } from './helpers';

describe('invoke and disconnect', () => {
  let t: TestServer;
  let url: string;
  let events: AdminEvent[];
  beforeEach(async () => {
    t = await startTestServer({ channels: [channel('main')], closeTimeoutMs: 300 });
    url = t.server.channelUrl('main');
    events = [];
    t.server.events.subscribe((e) => events.push(e));
  });
  afterEach(() => t.stop());

  it('invoke: returns the client answer with latency', async () => {
    const c = await connectAndLogin(url, 'inv');
    const { connectionId } = await c.next('welcome');
    c.ws.on('message', (raw) => {
      const f = JSON.parse(raw.toString()) as { type: string; id?: string; data?: unknown };
      if (f.type === 'request') c.send({ type: 'response', inReplyTo: f.id, data: { echo: f.data } });
    });
    const r = await t.server.connections.invoke(connectionId, { ping: 1 }, 2000);
    expect(r).toMatchObject({ connectionId, ok: true, data: { echo: { ping: 1 } } });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(r.respondedAt)).toBeGreaterThanOrEqual(Date.parse(r.sentAt));
    c.close();
  });

  it('invoke: times out with InvokeTimeout, then a late answer is refused', async () => {
    const c = await connectAndLogin(url, 'slow');
    const { connectionId } = await c.next('welcome');
    const req = c.next('request');
    await expect(t.server.connections.invoke(connectionId, {}, 150)).rejects.toMatchObject({ code: ErrorCode.InvokeTimeout });
    c.send({ type: 'response', inReplyTo: (await req).id, data: 'late' });
    const err = await c.next('error');
    expect(err.error.code).toBe(ErrorCode.BadRequest);
    c.close();
  });

  it('invoke: unknown connection → ConnectionNotFound; closed mid-invoke → ConnectionClosed', async () => {
    await expect(t.server.connections.invoke('nope', {}, 100)).rejects.toMatchObject({ code: ErrorCode.ConnectionNotFound });
    const c = await connectAndLogin(url, 'leaver');
    const { connectionId } = await c.next('welcome');
    const p = t.server.connections.invoke(connectionId, {}, 5000);
    await c.next('request');
    c.ws.close(1000, 'bye');
    await expect(p).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    await expect(t.server.connections.invoke(connectionId, {}, 100)).rejects.toMatchObject({ code: ErrorCode.ConnectionNotFound });
  });

  it('invoke before login → ConnectionNotReady', async () => {
    const c = new RawClient(url);
    await c.opened;
    const opened = events.find((e) => e.type === 'connection.opened');
    expect(opened).toBeDefined();
    const id = opened!.type === 'connection.opened' ? opened!.connection.connectionId : '';
    await expect(t.server.connections.invoke(id, {}, 100)).rejects.toMatchObject({ code: ErrorCode.ConnectionNotReady });
    c.close();
  });

  it('disconnect: the client gets the code and reason; a closed event is emitted', async () => {
    const c = await connectAndLogin(url, 'kick');
    const { connectionId } = await c.next('welcome');
    const r = await t.server.connections.disconnect(connectionId, 4005, 'bye now ✓');
    expect(r).toMatchObject({ connectionId, code: 4005, reason: 'bye now ✓', terminated: false });
    expect(await c.closed).toEqual({ code: 4005, reason: 'bye now ✓' });
    expect((await t.server.connections.get(connectionId))).toBeUndefined();
    const closed = events.find((e) => e.type === 'connection.closed');
    expect(closed).toMatchObject({ connectionId, clientId: 'kick', channel: 'main', code: 4005, reason: 'bye now ✓', initiator: 'server' });
  });

  it('disconnect: terminates a peer that never finishes the close handshake', async () => {
    const c = await connectAndLogin(url, 'stubborn');
    const { connectionId } = await c.next('welcome');
    // Stop reading: the client never sees the Close frame, so it never answers it.
    c.ws.pause();
    const r = await t.server.connections.disconnect(connectionId, 4005, 'closed by administrator');
    expect(r.terminated).toBe(true);
    expect((await t.server.connections.get(connectionId))).toBeUndefined();
  });

  it('disconnect: validates code and reason', async () => {
    const c = await connectAndLogin(url, 'v');
    const { connectionId } = await c.next('welcome');
    await expect(t.server.connections.disconnect(connectionId, 1006, 'x')).rejects.toMatchObject({ code: ErrorCode.Validation, field: 'code' });
    await expect(t.server.connections.disconnect(connectionId, 4005, 'é'.repeat(62))).rejects.toMatchObject({ code: ErrorCode.Validation, field: 'reason' });
    await expect(t.server.connections.disconnect('nope', 4005, 'x')).rejects.toMatchObject({ code: ErrorCode.ConnectionNotFound });
    c.close();
  });

  it('emits opened at open, updated at login, closed with initiator client', async () => {
    const c = await connectAndLogin(url, 'ev', { clientName: 'Events' });
    const { connectionId } = await c.next('welcome');
    c.ws.close(1000, 'done');
    await c.closed;
    await new Promise<void>((r) => { const un = t.server.events.subscribe((e) => { if (e.type === 'connection.closed') { un(); r(); } }); if (events.some((e) => e.type === 'connection.closed')) { un(); r(); } });
    const mine = events.filter((e) => ('connection' in e ? e.connection.connectionId : 'connectionId' in e ? e.connectionId : '') === connectionId);
    expect(mine[0]).toMatchObject({ type: 'connection.opened', connection: { state: 'awaiting-login', clientId: null } });
    expect(mine.find((e) => e.type === 'connection.updated')).toMatchObject({ connection: { state: 'logged-in', clientId: 'ev', clientName: 'Events' } });
    expect(mine[mine.length - 1]).toMatchObject({ type: 'connection.closed', code: 1000, reason: 'done', initiator: 'client' });
    void CloseCode;
  });

  it('emits throttled connection.updated for counter changes (at most once per statsIntervalMs per connection)', async () => {
    const c = await connectAndLogin(url, 'stats');
    const { connectionId } = await c.next('welcome');
    const updates: number[] = [];
    const un = t.server.events.subscribe((e) => { if (e.type === 'connection.updated' && e.connection.connectionId === connectionId) updates.push(e.connection.msgsIn); });
    for (let i = 0; i < 20; i++) c.send({ type: 'request', id: i, data: i });
    await c.next('response', (f) => f.inReplyTo === 19);
    // statsIntervalMs is 1000 here: wait for one flush.
    await new Promise<void>((r) => { const u = t.server.events.subscribe((e) => { if (e.type === 'connection.updated' && e.connection.connectionId === connectionId) { u(); r(); } }); });
    un();
    expect(updates.length).toBe(1);
    expect(updates[0]).toBe(21);
    c.close();
  });
});
