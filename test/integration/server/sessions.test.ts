import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode } from '../../../protocol/close-codes';
import { ErrorCode } from '../../../protocol/errors';
import { channel, connectAndLogin, RawClient, startTestServer, type TestServer } from './helpers';

describe('sessions', () => {
  let t: TestServer;
  let url: string;
  beforeEach(async () => {
    t = await startTestServer({
      channels: [channel('main', { newTokenWaitTime: 1, tokenTtl: 1, pingInterval: 3600, maxMessageBytes: 1024 })],
    });
    url = t.server.channelUrl('main');
  });
  afterEach(() => t.stop());

  it('welcomes a hello with a random connectionId and expiresAt', async () => {
    const a = await connectAndLogin(url, 'client-a', { clientName: 'A' });
    const b = await connectAndLogin(url, 'client-b');
    const wa = await a.next('welcome');
    const wb = await b.next('welcome');
    expect(wa.clientId).toBe('client-a');
    expect(wa.serverName).toBe('test-server');
    expect(wa.connectionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(wa.connectionId).not.toBe(wb.connectionId);
    expect(Date.parse(wa.expiresAt)).toBeGreaterThan(Date.now());
    a.close();
    b.close();
  });

  it('closes with 4001 when no hello arrives within newTokenWaitTime', async () => {
    const c = new RawClient(url);
    await c.opened;
    const t0 = Date.now();
    const closed = await c.closed;
    expect(closed.code).toBe(CloseCode.LoginTimeout);
    expect(closed.reason).toMatch(/login timeout/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('closes with 4008 when nothing arrives for tokenTtl, and traffic extends the session', async () => {
    // tokenTtl 2 s leaves 1.5 s of slack between the 0.5 s keep-alive requests on a busy machine.
    await t.server.channels.update('main', { tokenTtl: 2 });
    const c = await connectAndLogin(url, 'ttl');
    const t0 = Date.now();
    // Keep it alive for ~1.5 s with traffic, then go silent.
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 500));
      c.send({ type: 'request', id: `k${i}`, data: i });
    }
    const closed = await c.closed;
    expect(closed.code).toBe(CloseCode.SessionExpired);
    expect(closed.reason).toMatch(/expired/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3400);
  });

  it('closes with 1008 on invalid JSON, an unknown type, and a request before hello', async () => {
    const bad = [ 'not json', { type: 'nope' }, { type: 'request', id: 1, data: null } ];
    const results = await Promise.all(bad.map(async (frame) => {
      const c = new RawClient(url);
      await c.opened;
      c.send(frame);
      return c.closed;
    }));
    for (const r of results) expect(r.code).toBe(CloseCode.InvalidMessage);
    expect(results[0]!.reason).toBe('invalid JSON');
    expect(results[2]!.reason).toMatch(/expected hello/);
  });

  it('closes with 1009 (with a reason) on a frame over maxMessageBytes', async () => {
    const c = await connectAndLogin(url, 'big');
    const event = new Promise((resolve) => t.server.events.subscribe((e) => { if (e.type === 'connection.closed') resolve(e); }));
    c.send({ type: 'request', id: 1, data: 'x'.repeat(2000) });
    const closed = await c.closed;
    expect(closed.code).toBe(CloseCode.MessageTooLarge);
    expect(closed.reason).toBe('message too large');
    expect(await event).toMatchObject({ clientId: 'big', code: 1009, reason: 'message too large', initiator: 'server' });
  });

  it('runs the echo service', async () => {
    const c = await connectAndLogin(url, 'echo');
    c.send({ type: 'request', id: 'r1', data: { hello: 'world' } });
    const res = await c.next('response', (f) => f.inReplyTo === 'r1');
    expect(res).toEqual({ type: 'response', inReplyTo: 'r1', ok: true, data: { hello: 'world' } });
    c.close();
  });

  it('closes with 4002 when pings go unanswered', async () => {
    await t.server.channels.update('main', { pingInterval: 1, pingsMissedThreshold: 1, tokenTtl: 60 });
    const c = new RawClient(url, { autoPong: false });
    await c.hello('silent');
    const closed = await c.closed;
    expect(closed.code).toBe(CloseCode.PingsMissed);
    expect(closed.reason).toMatch(/pings missed/);
  });

  it('keeps a connection that answers pings', async () => {
    await t.server.channels.update('main', { pingInterval: 1, pingsMissedThreshold: 1, tokenTtl: 60 });
    const c = await connectAndLogin(url, 'ponger');
    const pinged = new Promise<void>((r) => c.ws.once('ping', () => r()));
    await pinged;
    await new Promise<void>((r) => c.ws.once('ping', () => r()));
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.close();
  });

});

describe('user services', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(
      { services: [{ name: 'ctx', module: 'fixtures/throwing-service.ts' }], channels: [channel('svc', { service: 'ctx' })] },
    );
  });
  afterEach(() => t.stop());

  it('gives the service the connection identity and answers ok:false SB_ERR_SERVICE_FAILED when it throws, keeping the connection', async () => {
    const c = await connectAndLogin(t.server.channelUrl('svc'), 'svc-client', { clientName: 'Svc' });
    const welcome = await c.next('welcome');
    c.send({ type: 'request', id: 'bad', data: { fail: true } });
    const failed = await c.next('response', (f) => f.inReplyTo === 'bad');
    expect(failed.ok).toBe(false);
    expect(failed.error?.code).toBe(ErrorCode.ServiceFailed);
    expect(failed.error?.message).toMatch(/boom/);
    c.send({ type: 'request', id: 'good', data: {} });
    const good = await c.next('response', (f) => f.inReplyTo === 'good');
    expect(good).toMatchObject({ ok: true, data: { connectionId: welcome.connectionId, clientId: 'svc-client', clientName: 'Svc', channel: 'svc', requestId: 'good' } });
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.close();
  });
});
