import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../../server/runtime';
import { errorOf, startHarness, VIEWER, type Harness } from '../admin/helpers';
import { closed, EchoUpstream, openClient } from './upstreams';

let h: Harness;
let up: EchoUpstream;

beforeAll(async () => {
  up = await new EchoUpstream().start();
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  await up.stop();
});

describe('gateway admin API', () => {
  it('creates strictly, patches exactly what is sent, lists sessions with both legs, disconnects, deletes', async () => {
    const bad = await h.api('POST', '/gateway/routes', { body: { name: 'o', listen: 'ws://127.0.0.1:0', path: '/o', upstreams: [up.url], idleTimeoutMs: 5000, modee: 'raw' } });
    expect(bad.status).toBe(400);
    expect(errorOf(bad.json).field).toBe('modee');
    const badUrl = await h.api('POST', '/gateway/routes', { body: { name: 'o', listen: 'ws://127.0.0.1:0', path: '/o', upstreams: ['http://x'] } });
    expect(errorOf(badUrl.json).field).toBe('upstreams.0');

    const created = await h.api('POST', '/gateway/routes', { body: { name: 'o', listen: 'ws://127.0.0.1:0', path: '/o', upstreams: [up.url], idleTimeoutMs: 5000 } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'o', mode: 'frames', subprotocols: ['v12.stomp', 'v11.stomp'], connectTimeoutMs: 45_000, listening: true, sessions: 0 });
    expect((await h.api('POST', '/gateway/routes', { body: { name: 'o', listen: 'ws://127.0.0.1:0', path: '/o2' } })).status).toBe(409);

    const patched = await h.api('PATCH', '/gateway/routes/o', { body: { connectTimeoutMs: 2000 } });
    expect(patched.json).toMatchObject({ connectTimeoutMs: 2000, idleTimeoutMs: 5000, mode: 'frames' });
    expect((await h.api('PATCH', '/gateway/routes/o', { body: {} })).status).toBe(400);
    expect((await h.api('PATCH', '/gateway/routes/nope', { body: { mode: 'raw' } })).status).toBe(404);

    const ws = await openClient(h.server.gatewayUrl('o'));
    const list = await h.api('GET', '/gateway/sessions?route=o', { token: VIEWER });
    const body = list.json as { items: { id: string; client: { state: string }; upstream: { state: string } }[]; total: number };
    expect(body.total).toBe(1);
    expect(body.items[0]!.client.state).toBe('open');
    expect(body.items[0]!.upstream.state).toBe('open');
    expect((await h.api('GET', '/gateway/sessions?route=o&clientAddress=10.0.0.1')).json).toMatchObject({ total: 0 });
    expect((await h.api('GET', '/gateway/sessions?colour=red')).status).toBe(400);
    expect((await h.api('POST', `/gateway/sessions/${body.items[0]!.id}/disconnect`, { token: VIEWER, body: {} })).status).toBe(403);

    const [c, u] = [closed(ws), up.nextClose()];
    const dis = await h.api('POST', `/gateway/sessions/${body.items[0]!.id}/disconnect`, { body: { code: 4444, reason: 'maintenance' } });
    expect(dis.json).toEqual({ closed: 1 });
    expect(await c).toMatchObject({ code: 4444, reason: 'maintenance' });
    expect(await u).toEqual({ code: 4444, reason: 'maintenance' });
    expect((await h.api('GET', `/gateway/sessions/${body.items[0]!.id}`)).status).toBe(404);

    const ws2 = await openClient(h.server.gatewayUrl('o'));
    const c2 = closed(ws2);
    expect((await h.api('DELETE', '/gateway/routes/o')).status).toBe(204);
    expect((await c2).code).toBe(4031);
    expect((await h.api('GET', '/gateway/routes/o')).status).toBe(404);
  });

  it('dynamic instances register with a TTL and drop out when it runs out', async () => {
    await h.api('POST', '/gateway/routes', { body: { name: 'dyn', listen: 'ws://127.0.0.1:0', path: '/dyn' } });
    await expect(openClient(h.server.gatewayUrl('dyn'))).rejects.toMatchObject({ status: 503 });
    const reg = await h.api('POST', '/gateway/routes/dyn/instances', { body: { url: up.url, ttlSeconds: 1 } });
    expect(reg.json).toMatchObject({ url: up.url, source: 'dynamic', health: 'healthy' });
    const ws = await openClient(h.server.gatewayUrl('dyn'));
    ws.close();
    await new Promise((r) => setTimeout(r, 1100));
    expect((await h.api('GET', '/gateway/routes/dyn')).json).toMatchObject({ instances: [] });
    await expect(openClient(h.server.gatewayUrl('dyn'))).rejects.toMatchObject({ status: 503 });
  });
});

describe('gateway routes persist', () => {
  it('a route from the config seeds once; admin changes survive a restart; the TLS key is sealed at rest and never returned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-gw-persist-'));
    const key = '-----BEGIN PRIVATE KEY-----\nMIIsecretkeymaterial\n-----END PRIVATE KEY-----';
    const config = { dataDir: dir, logLevel: 'silent' as const, admin: { enabled: false }, reverseDns: { enabled: false }, gateway: { routes: [{ name: 'seeded', listen: 'ws://127.0.0.1:0', path: '/s', upstreams: [up.url] }] } };
    const s1 = await startServer(config);
    await s1.gateway.updateRoute('seeded', { idleTimeoutMs: 7000, tls: { cert: 'CERT', key, insecure: true } });
    const r1 = await s1.gateway.getRoute('seeded');
    expect(r1!.tls).toEqual({ cert: 'CERT', hasKey: true, insecure: true });
    await s1.close();
    expect(readFileSync(join(dir, 'switchboard.db')).includes(Buffer.from('MIIsecretkeymaterial'))).toBe(false);

    const s2 = await startServer({ ...config, gateway: { routes: [] } });
    const r2 = await s2.gateway.getRoute('seeded');
    expect(r2).toMatchObject({ idleTimeoutMs: 7000, listening: true, tls: { hasKey: true, insecure: true } });
    // A patch that leaves tls out keeps the stored key.
    await s2.gateway.updateRoute('seeded', { coolDownMs: 1000 });
    expect((await s2.gateway.getRoute('seeded'))!.tls!.hasKey).toBe(true);
    await s2.gateway.removeRoute('seeded');
    await s2.close();
    // Deleted stays deleted: the config file seeds only once.
    const s3 = await startServer(config);
    expect(await s3.gateway.getRoute('seeded')).toBeUndefined();
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
