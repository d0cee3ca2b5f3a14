import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditListSchema } from '../../../../protocol/admin-audit';
import { ChannelSchema, SecuritySchema } from '../../../../protocol/admin-config';
import { ErrorBodySchema } from '../../../../protocol/errors';
import { startAdminServer, type RunningAdminServer } from '../../../../server/admin';
import { AdminConfigSchema } from '../../../../server/admin/options';
import { createStubControl, OPERATOR_TOKEN, TEST_TOKENS, VIEWER_TOKEN, type StubControl } from './stub-control';

let control: StubControl;
let admin: RunningAdminServer;

beforeAll(async () => {
  control = createStubControl();
  admin = await startAdminServer(control, { ...AdminConfigSchema.parse({ tokens: TEST_TOKENS, maxBodyBytes: 2048 }), version: '9.9.9' });
});
afterAll(async () => {
  await admin.close();
  control.dispose();
});

async function call(method: string, path: string, opts: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}) {
  const token = opts.token === undefined ? OPERATOR_TOKEN : opts.token;
  const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers };
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${admin.url}/admin/v1${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as unknown) : undefined };
}
const errorOf = (json: unknown) => ErrorBodySchema.parse(json).error;
const audit = () => control.store.listAudit({ limit: 100 });

describe('admin HTTP: authentication and roles', () => {
  it('answers 401 without a token, with an unknown token and with a malformed header', async () => {
    for (const r of [await call('GET', '/server', { token: null }), await call('GET', '/server', { token: 'x'.repeat(20) }), await call('GET', '/server', { token: null, headers: { authorization: 'Basic abc' } })]) {
      expect(r.status).toBe(401);
      expect(errorOf(r.json).code).toBe('SB_ERR_UNAUTHORIZED');
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('tells each token its name and role', async () => {
    expect((await call('GET', '/whoami')).json).toEqual({ token: 'ops', role: 'operator' });
    expect((await call('GET', '/whoami', { token: VIEWER_TOKEN })).json).toEqual({ token: 'watcher', role: 'viewer' });
  });

  it('lets a viewer read but answers 403 to its actions, changes nothing and audits the attempt', async () => {
    expect((await call('GET', '/channels', { token: VIEWER_TOKEN })).status).toBe(200);
    const r = await call('POST', '/channels', { token: VIEWER_TOKEN, body: { name: 'viewer-made', address: 'ws://127.0.0.1:0/v' } });
    expect(r.status).toBe(403);
    expect(errorOf(r.json).code).toBe('SB_ERR_FORBIDDEN');
    expect(control.channels.get('viewer-made')).toBeUndefined();
    const entry = audit().find((e) => e.action === 'channel.create' && e.actor === 'watcher');
    expect(entry).toMatchObject({ role: 'viewer', outcome: 'error', target: 'viewer-made', error: { code: 'SB_ERR_FORBIDDEN' } });
  });

  it('requires a token for the OpenAPI document too', async () => {
    expect((await call('GET', '/openapi.json', { token: null })).status).toBe(401);
    const r = await call('GET', '/openapi.json', { token: VIEWER_TOKEN });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ openapi: '3.1.0', info: { version: '9.9.9' } });
  });
});

describe('admin HTTP: errors', () => {
  it('answers 404 for unknown routes, outside /admin/v1 and for unknown ids', async () => {
    expect((await call('GET', '/nope')).status).toBe(404);
    const outside = await fetch(`${admin.url}/other`);
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

  it('answers 400 naming the field for invalid input, and creates nothing', async () => {
    const r = await call('POST', '/channels', { body: { name: 'bad-addr', address: 'http://nope' } });
    expect(r.status).toBe(400);
    expect(errorOf(r.json)).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'address' });
    expect(control.channels.get('bad-addr')).toBeUndefined();
    const q = await call('GET', '/connections?limit=0');
    expect(errorOf(q.json)).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'limit' });
    const d = await call('POST', '/connections/x/disconnect', { body: { code: 1005 } });
    expect(errorOf(d.json)).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'code' });
    const strict = await call('PATCH', '/channels/anything', { body: { bogus: true } });
    expect(strict.status).toBe(400);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const r = await call('POST', '/topics', { rawBody: '{not json', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(errorOf(r.json).code).toBe('SB_ERR_BAD_REQUEST');
  });

  it('answers 413 for a body over maxBodyBytes, and changes nothing', async () => {
    const r = await call('POST', '/topics', { body: { name: 'big', pad: 'x'.repeat(4000) } });
    expect(r.status).toBe(413);
    expect(errorOf(r.json).code).toBe('SB_ERR_PAYLOAD_TOO_LARGE');
    expect(control.pubsub.getTopic('big')).toBeUndefined();
  });

  it('answers 500 without the internal message or a stack for unexpected errors', async () => {
    control.failNextList = true;
    const r = await call('GET', '/channels');
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: { code: 'SB_ERR_INTERNAL', message: 'internal error' } });
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
    const actions = audit().filter((e) => e.target === 'orders').map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(['channel.delete:ok', 'channel.create:error', 'channel.update:ok', 'channel.create:ok']);
  });

  it('never returns secrets and strips them from audit params', async () => {
    const r = await call('POST', '/security', { body: { name: 'basic-1', type: 'basic', username: 'u', password: 'hunter2-very-secret' } });
    expect(r.status).toBe(201);
    expect(JSON.stringify(r.json)).not.toContain('leak');
    expect(SecuritySchema.strict().parse(r.json).hasSecret).toBe(true);
    const list = await call('GET', '/security');
    expect(JSON.stringify(list.json)).not.toMatch(/leak|hunter2/);
    const entry = audit().find((e) => e.action === 'security.create' && e.target === 'basic-1');
    expect(entry?.params).toMatchObject({ username: 'u', password: '[redacted]' });
    expect(JSON.stringify(audit())).not.toContain('hunter2');
  });

  it('invokes and disconnects through HTTP with audit entries', async () => {
    control.addConnection('c-1', 'client-1');
    const inv = await call('POST', '/connections/c-1/invoke', { body: { data: { hello: 1 }, timeoutMs: 1000 } });
    expect(inv.status).toBe(200);
    expect(inv.json).toMatchObject({ ok: true, data: { echo: { hello: 1 } } });
    const dis = await call('POST', '/connections/c-1/disconnect');
    expect(dis.json).toMatchObject({ code: 4005, reason: 'closed by administrator' });
    const entries = audit().filter((e) => e.target === 'c-1');
    expect(entries.map((e) => e.action)).toEqual(['connection.disconnect', 'connection.invoke']);
    expect(entries[1]!.params).toEqual({ data: { hello: 1 }, timeoutMs: 1000 });
  });

  it('pages connections and audit entries', async () => {
    for (let i = 0; i < 5; i++) control.addConnection(`p-${i}`, `pc-${i}`, 'paged');
    const first = await call('GET', '/connections?channel=paged&limit=3');
    expect(first.json).toMatchObject({ total: 5, nextCursor: '3' });
    const second = await call('GET', '/connections?channel=paged&limit=3&cursor=3');
    expect((second.json as { items: unknown[] }).items).toHaveLength(2);
    const page1 = AuditListSchema.parse((await call('GET', '/audit?limit=2')).json);
    expect(page1.items).toHaveLength(2);
    const page2 = AuditListSchema.parse((await call('GET', `/audit?limit=2&before=${page1.nextBefore}`)).json);
    expect(page2.items[0]!.id).toBeLessThan(page1.items[1]!.id);
    const invokes = AuditListSchema.parse((await call('GET', '/audit?action=connection.invoke')).json);
    expect(invokes.items.every((e) => e.action === 'connection.invoke')).toBe(true);
  });

  it('records failed operator actions in the audit log', async () => {
    await call('POST', '/subscriptions/k-1/purge');
    const entry = audit().find((e) => e.action === 'subscription.purge');
    expect(entry).toMatchObject({ outcome: 'error', target: 'k-1', error: { code: 'SB_ERR_SUBSCRIPTION_NOT_FOUND' } });
  });
});
