import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../server/helpers';
import { closed, EchoUpstream, nextMessage, openClient } from './upstreams';

let ts: TestServer;
let up: EchoUpstream;
let up2: EchoUpstream;

beforeAll(async () => {
  up = await new EchoUpstream().start();
  up2 = await new EchoUpstream().start();
  ts = await startTestServer({ channels: [{ name: 'plain', address: 'ws://127.0.0.1:0/plain' }] });
});
afterAll(async () => {
  await ts.stop();
  await up.stop();
  await up2.stop();
});
afterEach(async () => {
  for (const r of await ts.server.gateway.listRoutes()) await ts.server.gateway.removeRoute(r.name);
  up.refuse = null;
});

const route = async (name: string, extra: Record<string, unknown> = {}) => {
  await ts.server.gateway.createRoute({ name, listen: 'ws://127.0.0.1:0', path: `/${name}/ws/v1`, upstreams: [`${up.url}/svc`], ...extra });
  return ts.server.gatewayUrl(name);
};

describe('gateway: handshake first', () => {
  it('echoes in frames mode; the upstream sees the rest of the path, the query, end-to-end headers and the chosen subprotocol', async () => {
    const url = await route('orders');
    const ws = await openClient(`${url}/deep/path?token=abc&x=1`, ['v12.stomp'], { headers: { Authorization: 'Basic dTpw', Cookie: 'a=1', 'X-Custom': 'yes', 'Proxy-Authorization': 'no' } });
    expect(ws.protocol).toBe('v12.stomp');
    const seen = up.seen.at(-1)!;
    expect(seen.url).toBe('/svc/deep/path?token=abc&x=1');
    expect(seen.headers.authorization).toBe('Basic dTpw');
    expect(seen.headers.cookie).toBe('a=1');
    expect(seen.headers['x-custom']).toBe('yes');
    expect(seen.headers['proxy-authorization']).toBeUndefined();
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    ws.send('hello');
    const m = await nextMessage(ws);
    expect(m.data.toString()).toBe('hello');
    expect(m.isBinary).toBe(false);
    ws.send(Buffer.from([1, 2, 3]));
    const b = await nextMessage(ws);
    expect(b.isBinary).toBe(true);
    expect([...b.data]).toEqual([1, 2, 3]);
    const list = await ts.server.gateway.listSessions({ route: 'orders', limit: 10 });
    expect(list.total).toBe(1);
    const s = list.items[0]!;
    expect(s).toMatchObject({ route: 'orders', state: 'open', subprotocol: 'v12.stomp', path: '/orders/ws/v1/deep/path', upstreamUrl: `${up.url}/svc/deep/path`, instance: `${up.url}/svc` });
    expect(s.client).toMatchObject({ state: 'open', framesIn: 2, bytesIn: 8 });
    expect(s.upstream).toMatchObject({ state: 'open', framesIn: 2, bytesIn: 8 });
    ws.close(4100, 'bye');
    expect(await up.nextClose()).toEqual({ code: 4100, reason: 'bye' });
  });

  it('echoes in raw mode and forwards close codes byte for byte', async () => {
    const url = await route('raw', { mode: 'raw' });
    const ws = await openClient(`${url}/x`, ['v11.stomp']);
    expect(ws.protocol).toBe('v11.stomp');
    ws.send('raw hello');
    expect((await nextMessage(ws)).data.toString()).toBe('raw hello');
    const [s] = (await ts.server.gateway.listSessions({ route: 'raw', limit: 10 })).items;
    expect(s!.mode).toBe('raw');
    expect(s!.client.framesIn).toBe(1);
    const upWs = [...up.sockets].at(-1)!;
    const c = closed(ws);
    upWs.close(4200, 'upstream says bye');
    expect(await c).toMatchObject({ code: 4200, reason: 'upstream says bye' });
  });

  it('forwards an upstream close to the client with its code and reason (frames)', async () => {
    const url = await route('fwd');
    const conn = up.nextConnection();
    const ws = await openClient(url);
    const c = closed(ws);
    (await conn).close(4201, 'later');
    expect(await c).toMatchObject({ code: 4201, reason: 'later' });
  });

  it('answers real HTTP errors with a JSON body: 404, 400, 401 passed through, 502, 504, 503', async () => {
    const url = await route('errs', { connectTimeoutMs: 300 });
    const base = url.replace('/errs/ws/v1', '');
    await expect(openClient(`${base}/nothing/here`)).rejects.toMatchObject({ status: 404, body: { error: { code: 'SB_ERR_NOT_FOUND', field: 'url' } } });
    await expect(openClient(url, ['mqtt'])).rejects.toMatchObject({ status: 400, body: { error: { code: 'SB_ERR_GATEWAY_SUBPROTOCOL' } } });
    await expect(openClient(url, [])).rejects.toMatchObject({ status: 400, body: { error: { code: 'SB_ERR_GATEWAY_SUBPROTOCOL' } } });
    await expect(openClient(url, [], { headers: { 'Sec-WebSocket-Protocol': 'v12.stomp,,x y' } })).rejects.toMatchObject({ status: 400, body: { error: { code: 'SB_ERR_BAD_REQUEST' } } });
    up.refuse = 401;
    await expect(openClient(url)).rejects.toMatchObject({ status: 401, body: { error: { code: 'SB_ERR_GATEWAY_UPSTREAM_REJECTED', details: { upstreamStatus: 401 } } }, headers: { 'www-authenticate': 'Basic realm="up"' } });
    up.refuse = null;

    // Nothing listens: 502. A TCP server that never answers the upgrade: 504.
    const dead = await new Promise<Server>((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => r(s)); });
    const deadPort = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const silent = await new Promise<Server>((r) => { const s = createServer(() => undefined); s.listen(0, '127.0.0.1', () => r(s)); });
    await ts.server.gateway.updateRoute('errs', { upstreams: [`ws://127.0.0.1:${deadPort}`] });
    await expect(openClient(url)).rejects.toMatchObject({ status: 502, body: { error: { code: 'SB_ERR_GATEWAY_UPSTREAM_UNREACHABLE', details: { dialCode: 'DIAL_REFUSED' } } } });
    await ts.server.gateway.updateRoute('errs', { upstreams: [`ws://127.0.0.1:${(silent.address() as AddressInfo).port}`] });
    await expect(openClient(url)).rejects.toMatchObject({ status: 504, body: { error: { code: 'SB_ERR_GATEWAY_UPSTREAM_TIMEOUT' } } });
    await ts.server.gateway.updateRoute('errs', { upstreams: [] });
    await expect(openClient(url)).rejects.toMatchObject({ status: 503, body: { error: { code: 'SB_ERR_GATEWAY_NO_INSTANCE' } } });
    silent.close();
    const r = await ts.server.gateway.getRoute('errs');
    expect(r!.refusedTotal).toMatchObject({ 400: 3, 401: 1, 502: 1, 503: 1, 504: 1 });
    expect(ts.server.gatewaySessionCount()).toBe(0);
  });

  it('an upstream killed mid-session closes the client with 1011 within 1 s (frames and raw)', async () => {
    for (const mode of ['frames', 'raw'] as const) {
      const url = await route(`kill-${mode}`, { mode });
      const ws = await openClient(url);
      ws.send('x');
      await nextMessage(ws);
      const c = closed(ws);
      const t0 = Date.now();
      up.kill();
      const got = await c;
      expect(got).toMatchObject({ code: 1011, reason: 'gateway: upstream connection lost' });
      expect(got.at - t0).toBeLessThan(1000);
    }
    await expect.poll(() => ts.server.gatewaySessionCount()).toBe(0);
  });

  it('a client lost without a Close frame closes the upstream with 4032', async () => {
    const url = await route('lost');
    const ws = await openClient(url);
    const c = up.nextClose();
    (ws as unknown as { _socket: import('node:net').Socket })._socket.destroy();
    expect(await c).toEqual({ code: 4032, reason: 'gateway: client connection lost' });
  });

  it('the idle timeout closes both legs with 4030', async () => {
    const url = await route('idle', { idleTimeoutMs: 1000 });
    const ws = await openClient(url);
    const [c, u] = [closed(ws), up.nextClose()];
    expect(await c).toMatchObject({ code: 4030, reason: 'gateway: idle for 1000 ms' });
    expect((await u).code).toBe(4030);
  });

  it('an oversize message gets 1009 on the side that sent it', async () => {
    const url = await route('big', { maxMessageBytes: 1024 });
    const ws = await openClient(url);
    const c = closed(ws);
    ws.send(Buffer.alloc(4096));
    expect((await c).code).toBe(1009);
  });

  it('balances two instances round robin and skips one that fails', async () => {
    const dead = await new Promise<Server>((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => r(s)); });
    const deadUrl = `ws://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise<void>((r) => dead.close(() => r()));
    const url = await route('lb', { upstreams: [up.url, up2.url] });
    const a = await openClient(url);
    const b = await openClient(url);
    const insts = (await ts.server.gateway.listSessions({ route: 'lb', limit: 10 })).items.map((s) => s.instance).sort();
    expect(insts).toEqual([up.url, up2.url].sort());
    a.close();
    b.close();
    await ts.server.gateway.updateRoute('lb', { upstreams: [up.url, deadUrl], failThreshold: 1, coolDownMs: 60_000 });
    const results = await Promise.allSettled([0, 1, 2, 3].map(() => openClient(url)));
    // At most one attempt meets the dead instance; after it cools down every session lands on the live one.
    expect(results.filter((r) => r.status === 'rejected').length).toBeLessThanOrEqual(1);
    const more = await Promise.all([0, 1, 2].map(() => openClient(url)));
    const route1 = await ts.server.gateway.getRoute('lb');
    expect(route1!.instances.find((i) => i.url === deadUrl)!.health).toBe('cooling-down');
    for (const w of [...more, ...results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))]) w.close();
  });

  it('admin disconnect sends the chosen code to both legs and leaves nothing behind; admin events tell', async () => {
    const events: { type: string; [k: string]: unknown }[] = [];
    const off = ts.server.events.subscribe((e) => { if (e.type.startsWith('gateway.')) events.push(e); });
    const url = await route('admin');
    const ws = await openClient(url);
    const [s] = (await ts.server.gateway.listSessions({ route: 'admin', limit: 10 })).items;
    const [c, u] = [closed(ws), up.nextClose()];
    expect(await ts.server.gateway.disconnectSession(s!.id, 4005, 'closed by an administrator')).toBe(1);
    expect(await c).toMatchObject({ code: 4005, reason: 'closed by an administrator' });
    expect(await u).toEqual({ code: 4005, reason: 'closed by an administrator' });
    expect((await ts.server.gateway.listSessions({ route: 'admin', limit: 10 })).total).toBe(0);
    off();
    expect(events.map((e) => e.type)).toEqual(['gateway.session.opened', 'gateway.session.closed']);
    expect(events[0]).toMatchObject({ session: { id: s!.id, route: 'admin', state: 'open' } });
    expect(events[1]).toMatchObject({ id: s!.id, route: 'admin', client: { code: 4005 }, upstream: { code: 4005 } });
  });

  it('shares a port with a channel, routed by path', async () => {
    const chan = ts.server.channelUrl('plain');
    const listen = chan.replace('/plain', '');
    await ts.server.gateway.createRoute({ name: 'shared', listen, path: '/gw', upstreams: [up.url] });
    const ws = await openClient(`${listen}/gw/a`);
    ws.send('s');
    expect((await nextMessage(ws)).data.toString()).toBe('s');
    ws.close();
    const plain = new WebSocket(chan);
    await new Promise((r, j) => { plain.once('open', r); plain.once('error', j); });
    plain.close();
  });

  it('pauses the reading leg when the other leg is over maxBufferedBytes', async () => {
    const url = await route('bp', { maxBufferedBytes: 64 * 1024, maxMessageBytes: 1024 * 1024 });
    const conn = up.nextConnection();
    const ws = await openClient(url);
    const upWs = await conn;
    // The upstream stops reading: the gateway's send buffer towards it fills.
    (upWs as unknown as { _socket: import('node:net').Socket })._socket.pause();
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < 200; i++) ws.send(chunk);
    await expect.poll(async () => (await ts.server.gateway.listSessions({ route: 'bp', limit: 1 })).items[0]!.client.paused, { timeout: 5000 }).toBe(true);
    const s = (await ts.server.gateway.listSessions({ route: 'bp', limit: 1 })).items[0]!;
    // Bounded: the client leg stopped being read well before all 12.5 MiB arrived.
    expect(s.client.bytesIn).toBeLessThan(200 * 64 * 1024);
    (upWs as unknown as { _socket: import('node:net').Socket })._socket.resume();
    await expect.poll(async () => (await ts.server.gateway.listSessions({ route: 'bp', limit: 1 })).items[0]!.client.bytesIn, { timeout: 10_000 }).toBe(200 * 64 * 1024);
    ws.terminate();
  });
});
