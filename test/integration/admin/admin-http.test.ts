import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditListSchema, type AuditEntry } from '../../../protocol/admin-audit';
import { ChannelSchema, SecuritySchema } from '../../../protocol/admin-config';
import { BulkDisconnectResultSchema, ConnectionListSchema } from '../../../protocol/admin-connections';
import { connectClient, errorOf, OPERATOR, startHarness, VIEWER, type Harness } from './helpers';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await h.close();
});

const call = (method: string, path: string, opts: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}) => h.api(method, path, opts);
const audit = async (): Promise<AuditEntry[]> => AuditListSchema.parse((await call('GET', '/audit?limit=1000')).json).items;

describe('admin HTTP: authentication and roles', () => {
  it('answers 401 without a token, with an unknown token and with a malformed header', async () => {
    const raw = await fetch(`${h.server.adminUrl!}/admin/v1/server`, { headers: { authorization: 'Basic abc' } });
    for (const r of [await call('GET', '/server', { token: null }), await call('GET', '/server', { token: 'x'.repeat(20) }), { status: raw.status, headers: raw.headers, json: await raw.json() }]) {
      expect(r.status).toBe(401);
      expect(errorOf(r.json).code).toBe('SB_ERR_UNAUTHORIZED');
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('tells each token its name and role', async () => {
    expect((await call('GET', '/whoami')).json).toEqual({ token: 'ops', role: 'operator' });
    expect((await call('GET', '/whoami', { token: VIEWER })).json).toEqual({ token: 'watcher', role: 'viewer' });
  });

  it('lets a viewer read but answers 403 to its actions, changes nothing, and audits the attempt without storing its body', async () => {
    expect((await call('GET', '/channels', { token: VIEWER })).status).toBe(200);
    const r = await call('POST', '/channels', { token: VIEWER, body: { name: 'viewer-made', address: 'ws://127.0.0.1:0/v', pad: 'p'.repeat(1500) } });
    expect(r.status).toBe(403);
    expect(errorOf(r.json).code).toBe('SB_ERR_FORBIDDEN');
    expect(await h.server.channels.get('viewer-made')).toBeUndefined();
    const entry = (await audit()).find((e) => e.action === 'channel.create' && e.actor === 'watcher');
    expect(entry).toMatchObject({ role: 'viewer', outcome: 'error', target: null, error: { code: 'SB_ERR_FORBIDDEN' } });
    expect(entry?.params).toBeUndefined();
  });

  it('requires a token for the OpenAPI document too', async () => {
    expect((await call('GET', '/openapi.json', { token: null })).status).toBe(401);
    const r = await call('GET', '/openapi.json', { token: VIEWER });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ openapi: '3.1.0', info: { title: 'Switchboard admin API' } });
  });
});

describe('admin HTTP: errors', () => {
  it('answers 404 for unknown routes, outside /admin/v1 and for unknown ids', async () => {
    expect((await call('GET', '/nope')).status).toBe(404);
    const outside = await fetch(`${h.server.adminUrl!}/other`);
    expect(outside.status).toBe(404);
    const r = await call('GET', '/channels/does-not-exist');
    expect(r.status).toBe(404);
    expect(errorOf(r.json).code).toBe('SB_ERR_CHANNEL_NOT_FOUND');
    expect(errorOf((await call('GET', '/connections/c-missing')).json).code).toBe('SB_ERR_CONNECTION_NOT_FOUND');
    expect(errorOf((await call('POST', '/connections/c-missing/invoke', { body: { data: 1 } })).json).code).toBe('SB_ERR_CONNECTION_NOT_FOUND');
    expect((await call('DELETE', '/subscriptions/nope')).status).toBe(404);
  });

  it('answers 405 with an Allow header for a wrong method', async () => {
    const r = await call('PUT', '/channels');
    expect(r.status).toBe(405);
    expect(errorOf(r.json).code).toBe('SB_ERR_METHOD_NOT_ALLOWED');
    expect(r.headers.get('allow')).toBe('GET, POST');
  });

  it('answers 400 naming the field for invalid input, unknown keys and unknown query parameters, and creates nothing', async () => {
    const r = await call('POST', '/channels', { body: { name: 'bad-addr', address: 'http://nope' } });
    expect(r.status).toBe(400);
    expect(errorOf(r.json)).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'address' });
    expect(await h.server.channels.get('bad-addr')).toBeUndefined();
    const typo = await call('POST', '/channels', { body: { name: 'typo', address: 'ws://127.0.0.1:0/t', securty: 'keys' } });
    expect(errorOf(typo.json)).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'securty' });
    expect(await h.server.channels.get('typo')).toBeUndefined();
    const q = await call('GET', '/connections?limit=0');
    expect(errorOf(q.json)).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'limit' });
    const unknownQuery = await call('GET', '/connections?clientid=x');
    expect(errorOf(unknownQuery.json)).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'clientid' });
    const d = await call('POST', '/connections/x/disconnect', { body: { code: 1005 } });
    expect(errorOf(d.json)).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'code' });
    const strict = await call('PATCH', '/channels/main', { body: { bogus: true } });
    expect(errorOf(strict.json)).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'bogus' });
    const empty = await call('PATCH', '/channels/main', { body: {} });
    expect(empty.status).toBe(400);
  });

  it('answers 400 for a body that is not JSON, 415 for one that is not declared JSON', async () => {
    const r = await call('POST', '/topics', { rawBody: '{not json', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(errorOf(r.json)).toMatchObject({ code: 'SB_ERR_BAD_REQUEST', field: 'body' });
    const t = await call('POST', '/topics', { rawBody: '{"name":"t"}', headers: { 'content-type': 'text/plain' } });
    expect(t.status).toBe(415);
    expect(errorOf(t.json).code).toBe('SB_ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 400 (not 500) for a body nested 5000 deep', async () => {
    let deep = '1';
    for (let i = 0; i < 5000; i++) deep = `{"a":${deep}}`;
    const r = await call('POST', '/channels', { rawBody: `{"name":"deep","address":"ws://127.0.0.1:0/d","x":${deep}}`, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(errorOf(r.json).field).toBe('x');
  });

  it('answers 413 for a body over maxBodyBytes, and changes nothing', async () => {
    const r = await call('POST', '/topics', { body: { name: 'big', pad: 'x'.repeat(70_000) } });
    expect(r.status).toBe(413);
    expect(errorOf(r.json).code).toBe('SB_ERR_PAYLOAD_TOO_LARGE');
    expect(await h.server.pubsub.getTopic('big')).toBeUndefined();
  });

  it('answers 500 without the internal message or a stack for unexpected errors', async () => {
    const real = h.server.channels.list;
    h.server.channels.list = async () => {
      throw new Error('secret internal detail /etc/passwd');
    };
    try {
      const r = await call('GET', '/channels');
      expect(r.status).toBe(500);
      expect(r.json).toEqual({ error: { code: 'SB_ERR_INTERNAL', message: 'internal error' } });
    } finally {
      h.server.channels.list = real;
    }
  });
});

describe('admin HTTP: routes', () => {
  it('creates, reads, patches and deletes a channel, auditing each change', async () => {
    const created = await call('POST', '/channels', { body: { name: 'orders', address: 'ws://127.0.0.1:0/orders' } });
    expect(created.status).toBe(201);
    expect(ChannelSchema.parse(created.json).service).toBe('echo');
    expect((await call('GET', '/channels/orders')).status).toBe(200);
    const patched = await call('PATCH', '/channels/orders', { body: { active: false } });
    expect(ChannelSchema.parse(patched.json).active).toBe(false);
    expect((await call('POST', '/channels', { body: { name: 'orders', address: 'ws://127.0.0.1:0/orders' } })).status).toBe(409);
    expect((await call('DELETE', '/channels/orders')).status).toBe(204);
    expect((await call('GET', '/channels/orders')).status).toBe(404);
    const actions = (await audit()).filter((e) => e.target === 'orders').map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(['channel.delete:ok', 'channel.create:error', 'channel.update:ok', 'channel.create:ok']);
  });

  it('never returns secrets and redacts the fields the schema marks secret in audit params', async () => {
    const r = await call('POST', '/security', { body: { name: 'basic-1', type: 'basic', username: 'u', password: 'hunter2-very-secret', clientIds: ['*'] } });
    expect(r.status).toBe(201);
    expect(SecuritySchema.strict().parse(r.json).hasSecret).toBe(true);
    const list = await call('GET', '/security');
    expect(JSON.stringify(list.json)).not.toMatch(/hunter2/);
    const entry = (await audit()).find((e) => e.action === 'security.create' && e.target === 'basic-1');
    expect(entry?.params).toMatchObject({ username: 'u', password: '[redacted]' });
    expect(JSON.stringify(await audit())).not.toContain('hunter2');
  });

  it('invokes and disconnects through HTTP; audit keeps the invoke payload only as its size', async () => {
    const c = await connectClient(h.server.channelUrl('main'), 'client-1');
    const inv = await call('POST', `/connections/${c.connectionId}/invoke`, { body: { data: { hello: 1, passwd: 'do-not-store', client_secret: 'nor-this' }, timeoutMs: 1000 } });
    expect(inv.status).toBe(200);
    expect(inv.json).toMatchObject({ ok: true, data: { echo: { hello: 1 } } });
    const dis = await call('POST', `/connections/${c.connectionId}/disconnect`);
    expect(dis.json).toMatchObject({ code: 4005, reason: 'closed by administrator' });
    await c.closed;
    const entries = (await audit()).filter((e) => e.target === c.connectionId);
    expect(entries.map((e) => e.action)).toEqual(['connection.disconnect', 'connection.invoke']);
    expect(entries[1]!.params).toMatchObject({ timeoutMs: 1000, data: { omitted: true } });
    const viewerSees = JSON.stringify((await call('GET', '/audit?limit=1000', { token: VIEWER })).json);
    expect(viewerSees).not.toContain('do-not-store');
    expect(viewerSees).not.toContain('nor-this');
  });

  it('disconnects every connection of a client ID, or of a channel, in one request each', async () => {
    await call('POST', '/channels', { body: { name: 'bulk', address: 'ws://127.0.0.1:0/bulk' } });
    const url = h.server.channelUrl('bulk');
    // A client ID has one connection at a time (duplicateLogin), so by client ID matches one.
    const twins = [await connectClient(url, 'twin'), await connectClient(url, 'other'), await connectClient(url, 'third')];
    const byClient = BulkDisconnectResultSchema.parse((await call('POST', '/connections/disconnect', { body: { clientId: 'twin', code: 4100, reason: 'bulk' } })).json);
    expect(byClient.matched).toBe(1);
    expect(byClient.items.every((i) => i.ok)).toBe(true);
    expect((await twins[0]!.closed).code).toBe(4100);
    const byChannel = BulkDisconnectResultSchema.parse((await call('POST', '/connections/disconnect', { body: { channel: 'bulk' } })).json);
    expect(byChannel.matched).toBe(2);
    expect((await twins[1]!.closed)).toEqual({ code: 4005, reason: 'closed by administrator' });
    expect((await twins[2]!.closed)).toEqual({ code: 4005, reason: 'closed by administrator' });
    const both = await call('POST', '/connections/disconnect', { body: { channel: 'bulk', clientId: 'x' } });
    expect(errorOf(both.json)).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'channel' });
    const gone = BulkDisconnectResultSchema.parse((await call('POST', '/connections/disconnect', { body: { connectionIds: ['never-was'] } })).json);
    expect(gone.items[0]).toMatchObject({ ok: false, error: { code: 'SB_ERR_CONNECTION_NOT_FOUND' } });
    expect((await call('POST', '/connections/disconnect', { body: { clientId: 'twin' }, token: VIEWER })).status).toBe(403);
  });

  it('pages connections and audit entries', async () => {
    await call('POST', '/channels', { body: { name: 'paged', address: 'ws://127.0.0.1:0/paged' } });
    const cs = [];
    for (let i = 0; i < 5; i++) cs.push(await connectClient(h.server.channelUrl('paged'), `pc-${i}`));
    const first = ConnectionListSchema.parse((await call('GET', '/connections?channel=paged&limit=3')).json);
    expect(first.total).toBe(5);
    expect(first.items.map((i) => i.clientId)).toEqual(['pc-0', 'pc-1', 'pc-2']);
    const second = ConnectionListSchema.parse((await call('GET', `/connections?channel=paged&limit=3&cursor=${first.nextCursor!}`)).json);
    expect(second.items.map((i) => i.clientId)).toEqual(['pc-3', 'pc-4']);
    const page1 = AuditListSchema.parse((await call('GET', '/audit?limit=2')).json);
    expect(page1.items).toHaveLength(2);
    const page2 = AuditListSchema.parse((await call('GET', `/audit?limit=2&before=${page1.nextBefore}`)).json);
    expect(page2.items[0]!.id).toBeLessThan(page1.items[1]!.id);
    const invokes = AuditListSchema.parse((await call('GET', '/audit?action=connection.invoke')).json);
    expect(invokes.items.every((e) => e.action === 'connection.invoke')).toBe(true);
    for (const c of cs) c.ws.terminate();
  });

  it('records failed operator actions in the audit log', async () => {
    await call('POST', '/subscriptions/k-1/purge');
    const entry = (await audit()).find((e) => e.action === 'subscription.purge');
    expect(entry).toMatchObject({ outcome: 'error', target: 'k-1', error: { code: 'SB_ERR_SUBSCRIPTION_NOT_FOUND' } });
  });

  it('lists the loaded services', async () => {
    expect((await call('GET', '/services', { token: VIEWER })).json).toEqual({ items: [{ name: 'echo', builtin: true }] });
  });

  it('keeps the operator token out of everything it answers', async () => {
    const all = JSON.stringify([(await call('GET', '/audit?limit=1000')).json, (await call('GET', '/server')).json, (await call('GET', '/openapi.json')).json]);
    expect(all).not.toContain(OPERATOR);
  });
});
