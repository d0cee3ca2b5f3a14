import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditListSchema } from '../../../protocol/admin-audit';
import { ChannelSchema, ServerInfoSchema } from '../../../protocol/admin-config';
import { ConnectionInfoSchema, ConnectionListSchema, DisconnectResultSchema, InvokeResultSchema } from '../../../protocol/admin-connections';
import { connectClient, errorOf, startHarness, VIEWER, type Harness, type TestClient } from './helpers';

let h: Harness;
const clients: TestClient[] = [];

beforeAll(async () => {
  h = await startHarness({ maxBodyBytes: 4096 });
  const url = h.server.channelUrl('main');
  for (const id of ['alpha-1', 'alpha-2', 'beta-1', 'beta-2', 'gamma']) clients.push(await connectClient(url, id));
});
afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await h.close();
});

describe('admin API against a real server', () => {
  it('serves server info and rejects missing/unknown tokens with 401', async () => {
    const info = ServerInfoSchema.parse((await h.api('GET', '/server')).json);
    expect(info.name).toBe('admin-int');
    expect(info.counts.connections).toBe(5);
    expect((await h.api('GET', '/server', { token: null })).status).toBe(401);
    expect((await h.api('GET', '/server', { token: 'not-a-known-token-at-all' })).status).toBe(401);
  });

  it('pages and filters connections', async () => {
    const page1 = ConnectionListSchema.parse((await h.api('GET', '/connections?limit=2')).json);
    expect(page1.total).toBe(5);
    expect(page1.items.map((c) => c.clientId)).toEqual(['alpha-1', 'alpha-2']);
    const page2 = ConnectionListSchema.parse((await h.api('GET', `/connections?limit=2&cursor=${encodeURIComponent(page1.nextCursor!)}`)).json);
    expect(page2.items.map((c) => c.clientId)).toEqual(['beta-1', 'beta-2']);
    const prefix = ConnectionListSchema.parse((await h.api('GET', '/connections?clientId=beta*')).json);
    expect(prefix.items.map((c) => c.clientId)).toEqual(['beta-1', 'beta-2']);
    const q = ConnectionListSchema.parse((await h.api('GET', '/connections?q=GAMM')).json);
    expect(q.items.map((c) => c.clientId)).toEqual(['gamma']);
    const none = ConnectionListSchema.parse((await h.api('GET', '/connections?channel=other')).json);
    expect(none.total).toBe(0);
    const bad = await h.api('GET', '/connections?limit=abc');
    expect(bad.status).toBe(400);
    expect(errorOf(bad.json).field).toBe('limit');
  });

  it('gets one connection and 404s an unknown one', async () => {
    const c = ConnectionInfoSchema.parse((await h.api('GET', `/connections/${clients[0]!.connectionId}`)).json);
    expect(c.clientId).toBe('alpha-1');
    expect(c.state).toBe('logged-in');
    expect((await h.api('GET', '/connections/nope')).status).toBe(404);
  });

  it('invokes a client through HTTP and audits it', async () => {
    const target = clients[2]!;
    const r = await h.api('POST', `/connections/${target.connectionId}/invoke`, { body: { data: { ping: 1 }, timeoutMs: 2000 } });
    expect(r.status).toBe(200);
    const result = InvokeResultSchema.parse(r.json);
    expect(result).toMatchObject({ ok: true, data: { echo: { ping: 1 } } });
    const audit = AuditListSchema.parse((await h.api('GET', '/audit?action=connection.invoke')).json);
    expect(audit.items[0]).toMatchObject({ actor: 'ops', role: 'operator', target: target.connectionId, outcome: 'ok', params: { data: { omitted: true }, timeoutMs: 2000 } });
  });

  it('answers 504 and audits the failure when a client does not answer in time', async () => {
    const silent = await connectClient(h.server.channelUrl('main'), 'silent-1', { silent: true });
    clients.push(silent);
    const r = await h.api('POST', `/connections/${silent.connectionId}/invoke`, { body: { data: 1, timeoutMs: 50 } });
    expect(r.status).toBe(504);
    expect(errorOf(r.json).code).toBe('SB_ERR_INVOKE_TIMEOUT');
    const audit = AuditListSchema.parse((await h.api('GET', '/audit?action=connection.invoke&limit=1')).json);
    expect(audit.items[0]).toMatchObject({ target: silent.connectionId, outcome: 'error', error: { code: 'SB_ERR_INVOKE_TIMEOUT' } });
  });

  it('forbids a viewer to disconnect (403, audited, client stays), then an operator disconnects', async () => {
    const target = clients[4]!;
    const denied = await h.api('POST', `/connections/${target.connectionId}/disconnect`, { token: VIEWER, body: { code: 4005 } });
    expect(denied.status).toBe(403);
    expect((await h.api('GET', `/connections/${target.connectionId}`)).status).toBe(200);
    const r = await h.api('POST', `/connections/${target.connectionId}/disconnect`, { body: { code: 4100, reason: 'bye from test' } });
    expect(r.status).toBe(200);
    expect(DisconnectResultSchema.parse(r.json)).toMatchObject({ code: 4100, reason: 'bye from test' });
    expect(await target.closed).toEqual({ code: 4100, reason: 'bye from test' });
    expect((await h.api('GET', `/connections/${target.connectionId}`)).status).toBe(404);
    const audit = AuditListSchema.parse((await h.api('GET', '/audit?action=connection.disconnect')).json);
    expect(audit.items.map((e) => `${e.actor}:${e.outcome}`)).toEqual(['ops:ok', 'watcher:error']);
  });

  it('validates input naming the field (400), rejects bad JSON (400), big bodies (413), wrong methods (405)', async () => {
    const v = await h.api('POST', '/channels', { body: { name: 'x', address: 'ws://127.0.0.1:0/x', pingInterval: 0 } });
    expect(v.status).toBe(400);
    expect(errorOf(v.json)).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'pingInterval' });
    expect((await h.api('GET', '/channels/x')).status).toBe(404);
    expect((await h.api('POST', '/channels', { rawBody: '{', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await h.api('POST', '/channels', { rawBody: '{' })).status).toBe(415);
    expect((await h.api('POST', '/channels', { body: { name: 'big', address: 'ws://127.0.0.1:0/big', service: 'y'.repeat(5000) } })).status).toBe(413);
    expect((await h.api('GET', '/channels/big')).status).toBe(404);
    const m = await h.api('DELETE', '/connections');
    expect(m.status).toBe(405);
    expect(m.headers.get('allow')).toBe('GET');
  });

  it('creates, changes and deletes a channel that really listens', async () => {
    const created = await h.api('POST', '/channels', { body: { name: 'extra', address: 'ws://127.0.0.1:0/extra' } });
    expect(created.status).toBe(201);
    const ch = ChannelSchema.parse(created.json);
    expect(ch.listening).toBe(true);
    const c = await connectClient(h.server.channelUrl('extra'), 'extra-1');
    const patched = ChannelSchema.parse((await h.api('PATCH', '/channels/extra', { body: { pingInterval: 10 } })).json);
    expect(patched.pingInterval).toBe(10);
    expect((await h.api('DELETE', '/channels/extra')).status).toBe(204);
    expect((await c.closed).code).toBe(1001);
    expect((await h.api('GET', '/channels/extra')).status).toBe(404);
    const audit = AuditListSchema.parse((await h.api('GET', '/audit?limit=50')).json);
    expect(audit.items.filter((e) => e.target === 'extra').map((e) => e.action)).toEqual(['channel.delete', 'channel.update', 'channel.create']);
  });

  it('never returns security secrets and keeps them out of the audit log', async () => {
    const r = await h.api('POST', '/security', { body: { name: 'keys', type: 'apikey', key: 'super-secret-api-key', clientIds: ['*'] } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ name: 'keys', type: 'apikey', hasSecret: true });
    const all = JSON.stringify([(await h.api('GET', '/security')).json, (await h.api('GET', '/security/keys')).json, (await h.api('GET', '/audit?limit=100')).json]);
    expect(all).not.toContain('super-secret-api-key');
  });
});
