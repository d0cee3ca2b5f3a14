import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OutgoingSchema } from '../../../protocol/admin-outgoing';
import { errorOf, startHarness, type Harness } from '../admin/helpers';
import { HOOK_SERVICES, hookEvents, killPyPeers, startJsonPeer, startPyPeer, startSilentTcp, waitOutgoing, type JsonPeer } from './helpers';

let h: Harness;
let peer: JsonPeer;

beforeAll(async () => {
  h = await startHarness({}, { services: HOOK_SERVICES });
  peer = await startJsonPeer();
});
afterAll(async () => {
  killPyPeers();
  await h.close();
  await peer.close();
});
beforeEach(() => {
  hookEvents().length = 0;
});

const fast = { autoReconnect: { initialDelayMs: 20, maxDelayMs: 100 } };

describe('outgoing connections to a plain peer', () => {
  it('opens, sends, invokes with correlation, and hooks see connect, message and close with the peer code and reason', async () => {
    const created = await h.api('POST', '/outgoing', {
      body: { name: 'echo', address: peer.url, correlation: { requestPath: 'id', replyPath: 'id' }, onConnect: 'record', onMessage: 'record', onClose: 'record', ...fast },
    });
    expect(created.status).toBe(201);
    OutgoingSchema.parse(created.json);
    const socket = await peer.nextConnection();
    await waitOutgoing(h.server, 'echo', (o) => o.status.state === 'open');

    const sent = await h.api('POST', '/outgoing/echo/send', { body: { data: { hello: 'world' } } });
    expect(sent).toMatchObject({ status: 200, json: { queued: false, bytes: 17 } });
    await expect.poll(() => peer.received).toContainEqual({ hello: 'world' });

    const inv = await h.api('POST', '/outgoing/echo/invoke', { body: { data: { id: 'r1', q: 42 } } });
    expect(inv.status).toBe(200);
    expect(inv.json).toMatchObject({ name: 'echo', ok: true, data: { id: 'r1', echo: { id: 'r1', q: 42 } } });
    // A request without its key gets one generated at requestPath.
    const gen = await h.api('POST', '/outgoing/echo/invoke', { body: { data: { q: 1 } } });
    expect((gen.json as { data: { id: string } }).data.id).toMatch(/^sb-o\d+$/);

    socket.send(JSON.stringify({ push: 1 }));
    await expect.poll(() => hookEvents().filter((e) => e.type === 'message')).toEqual([expect.objectContaining({ name: 'echo', data: { push: 1 } })]);
    expect(hookEvents()[0]).toMatchObject({ type: 'connect', name: 'echo' });

    socket.close(4321, 'peer says bye');
    const after = await waitOutgoing(h.server, 'echo', (o) => o.status.lastClose !== null);
    expect(after.status.lastClose).toMatchObject({ code: 4321, reason: 'peer says bye', initiator: 'peer' });
    await expect.poll(() => hookEvents().find((e) => e.type === 'close')).toMatchObject({ code: 4321, reason: 'peer says bye' });
    // It comes back by itself.
    await peer.nextConnection();
    const back = await waitOutgoing(h.server, 'echo', (o) => o.status.state === 'open');
    expect(back.status.framesOut).toBeGreaterThanOrEqual(3);

    const frames = await h.api('GET', '/outgoing/echo/frames');
    const items = (frames.json as { items: { dir: string; preview: string }[] }).items;
    expect(items.some((f) => f.dir === 'out' && f.preview === '{"hello":"world"}')).toBe(true);
    expect(items.some((f) => f.dir === 'in' && f.preview.includes('"r1"'))).toBe(true);
    await h.api('DELETE', '/outgoing/echo');
  });

  it('refuses invoke without a correlation, and a hook that throws leaves the connection up', async () => {
    await h.api('POST', '/outgoing', { body: { name: 'noc', address: peer.url, onMessage: 'boom', ...fast } });
    const socket = await peer.nextConnection();
    await waitOutgoing(h.server, 'noc', (o) => o.status.state === 'open');
    const inv = await h.api('POST', '/outgoing/noc/invoke', { body: { data: { id: 1 } } });
    expect(inv.status).toBe(400);
    expect(errorOf(inv.json)).toMatchObject({ code: 'SB_ERR_OUTGOING_NO_CORRELATION', field: 'correlation' });
    socket.send('{"x":1}');
    socket.send('{"x":2}');
    await expect.poll(() => hookEvents().filter((e) => e.boom).length).toBe(2);
    expect((await h.server.outgoing!.get('noc'))!.status.state).toBe('open');
    await h.api('DELETE', '/outgoing/noc');
  });

  it('every invalid definition is a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'b1', address: 'http://x:1/' }, 'address'],
      [{ name: 'b2', address: 'ws://127.0.0.1:1/', adress: 'typo' }, 'adress'],
      [{ name: 'b3', address: 'ws://127.0.0.1:1/', kind: 'switchboard' }, 'clientId'],
      [{ name: 'b4', address: 'ws://127.0.0.1:1/', onMessage: 'no-such-service' }, 'onMessage'],
      [{ name: 'b5', address: 'ws://127.0.0.1:1/', tls: { insecure: true } }, 'tls'],
      [{ name: 'b6', address: 'ws://127.0.0.1:1/', autoReconnect: { initialDelayMs: 500, maxDelayMs: 10 } }, 'autoReconnect.maxDelayMs'],
      [{ name: 'b7', address: 'ws://127.0.0.1:1/', security: { type: 'basic', username: 'u' } }, 'security.password'],
      [{ name: 'b8', address: 'ws://127.0.0.1:1/', headers: { 'Bad Header': 'x' } }, 'headers.Bad Header'],
      [{ name: 'b9', address: 'ws://127.0.0.1:1/', sendQueueMax: -1 }, 'sendQueueMax'],
      [{ name: 'b10', address: 'ws://127.0.0.1:1/', dataFormat: 'xml' }, 'dataFormat'],
      [{ name: 'b11', address: 'ws://u:p@127.0.0.1:1/' }, 'address'],
    ];
    for (const [body, field] of cases) {
      const r = await h.api('POST', '/outgoing', { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(r.json).field, JSON.stringify(body)).toBe(field);
    }
    const patch = await h.api('PATCH', '/outgoing/none', { body: { active: false } });
    expect(patch.status).toBe(404);
    expect(errorOf(patch.json).code).toBe('SB_ERR_OUTGOING_NOT_FOUND');
    const list = await h.api('GET', '/outgoing');
    expect((list.json as { items: unknown[] }).items).toEqual([]);
  });

  it('reconnects with backoff when the Python peer is killed and restarted; stop halts the retries', async () => {
    let py = await startPyPeer();
    const port = py.port;
    await h.api('POST', '/outgoing', { body: { name: 'py', address: py.url, correlation: { requestPath: 'id', replyPath: 'id' }, onClose: 'record', autoReconnect: { initialDelayMs: 50, maxDelayMs: 200 } } });
    await waitOutgoing(h.server, 'py', (o) => o.status.state === 'open');
    const inv = await h.api('POST', '/outgoing/py/invoke', { body: { data: { id: 7, text: 'hi' } } });
    expect(inv.json).toMatchObject({ ok: true, data: { id: 7, echo: { id: 7, text: 'hi' } } });

    // Python's own close code and reason reach the hook.
    await h.api('POST', '/outgoing/py/send', { body: { data: 'close:4100:python says bye' } });
    await expect.poll(() => hookEvents().find((e) => e.type === 'close')).toMatchObject({ code: 4100, reason: 'python says bye' });
    await waitOutgoing(h.server, 'py', (o) => o.status.state === 'open');

    await py.kill();
    const down = await waitOutgoing(h.server, 'py', (o) => o.status.state === 'backoff' && o.status.attempts >= 2);
    expect(down.status.reason).toMatch(/DIAL_REFUSED.*retry \d+ in \d+ ms/);
    expect(down.status.lastError?.code).toBe('DIAL_REFUSED');
    expect(down.status.nextAttemptAt).not.toBeNull();

    // Sends are held while the peer is away.
    const q = await h.api('POST', '/outgoing/py/send', { body: { data: { id: 'queued-1' } } });
    expect(q.json).toMatchObject({ queued: true });

    py = await startPyPeer(port);
    const up = await waitOutgoing(h.server, 'py', (o) => o.status.state === 'open');
    expect(up.status.attempts).toBe(0);
    await expect.poll(async () => (await h.api('GET', '/outgoing/py/frames')).json).toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ dir: 'in', preview: expect.stringContaining('queued-1') })]) });

    await py.kill();
    await waitOutgoing(h.server, 'py', (o) => o.status.state === 'backoff');
    const stopped = await h.api('POST', '/outgoing/py/stop', { body: {} });
    expect(stopped.json).toMatchObject({ status: { state: 'stopped' } });
    const attempts = (await h.server.outgoing!.get('py'))!.status.attempts;
    await new Promise((r) => setTimeout(r, 400));
    expect((await h.server.outgoing!.get('py'))!.status).toMatchObject({ state: 'stopped', attempts });
    const refused = await h.api('POST', '/outgoing/py/send', { body: { data: { id: 1 } } });
    expect(refused.status).toBe(409);
    expect(errorOf(refused.json).code).toBe('SB_ERR_OUTGOING_NOT_CONNECTED');
    await h.api('DELETE', '/outgoing/py');
  });

  it('maxAttempts stops retrying; an inactive connection cannot be started; a PATCH of the address redials', async () => {
    const dead = await startSilentTcp();
    await dead.close();
    await h.api('POST', '/outgoing', { body: { name: 'limited', address: dead.url, autoReconnect: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 } } });
    const o = await waitOutgoing(h.server, 'limited', (x) => x.status.state === 'stopped');
    expect(o.status).toMatchObject({ attempts: 3, lastError: { code: 'DIAL_REFUSED' } });
    expect(o.status.reason).toMatch(/not retrying: 3 attempts failed \(maxAttempts\)/);

    const patched = await h.api('PATCH', '/outgoing/limited', { body: { address: peer.url } });
    expect(patched.status).toBe(200);
    await waitOutgoing(h.server, 'limited', (x) => x.status.state === 'open');

    await h.api('PATCH', '/outgoing/limited', { body: { active: false } });
    expect((await h.server.outgoing!.get('limited'))!.status).toMatchObject({ state: 'stopped', reason: expect.stringContaining('deactivated') });
    const start = await h.api('POST', '/outgoing/limited/start');
    expect(start.status).toBe(409);
    expect(errorOf(start.json)).toMatchObject({ code: 'SB_ERR_OUTGOING_NOT_CONNECTED', field: 'active' });
    await h.api('DELETE', '/outgoing/limited');
  });

  it('idleTimeoutMs closes a silent connection, which then reconnects', async () => {
    await h.api('POST', '/outgoing', { body: { name: 'idle', address: peer.url, idleTimeoutMs: 150, ...fast } });
    await waitOutgoing(h.server, 'idle', (x) => x.status.state === 'open');
    const closed = await waitOutgoing(h.server, 'idle', (x) => x.status.lastClose !== null);
    expect(closed.status.lastClose).toMatchObject({ code: 1000, initiator: 'local' });
    await waitOutgoing(h.server, 'idle', (x) => x.status.state === 'open');
    await h.api('DELETE', '/outgoing/idle');
  });

  it('a peer that stops answering pings is dropped after pingsMissedThreshold and redialled', async () => {
    const deaf = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
    await new Promise<void>((r) => deaf.once('listening', () => r()));
    try {
      const url = `ws://127.0.0.1:${(deaf.address() as AddressInfo).port}/`;
      await h.api('POST', '/outgoing', { body: { name: 'deaf', address: url, pingInterval: 1, pingsMissedThreshold: 1, onClose: 'record', ...fast } });
      const o = await waitOutgoing(h.server, 'deaf', (x) => x.status.lastClose !== null, 5000);
      expect(o.status.lastClose).toMatchObject({ code: 1006, reason: '1 pings unanswered', initiator: 'local' });
      await expect.poll(() => hookEvents().find((e) => e.type === 'close' && e.name === 'deaf')).toMatchObject({ code: 1006, reason: '1 pings unanswered' });
      await h.api('DELETE', '/outgoing/deaf');
    } finally {
      for (const c of deaf.clients) c.terminate();
      deaf.close();
    }
  });

  it('bounds the send queue while the peer is down', async () => {
    const silent = await startSilentTcp();
    await h.api('POST', '/outgoing', { body: { name: 'q', address: silent.url, sendQueueMax: 2, connectTimeoutMs: 5000 } });
    for (let i = 0; i < 2; i++) expect((await h.api('POST', '/outgoing/q/send', { body: { data: i } })).json).toMatchObject({ queued: true });
    const full = await h.api('POST', '/outgoing/q/send', { body: { data: 3 } });
    expect(full.status).toBe(503);
    expect(errorOf(full.json)).toMatchObject({ code: 'SB_ERR_OUTGOING_QUEUE_FULL', details: { sendQueueMax: 2 } });
    expect((await h.server.outgoing!.get('q'))!.status.queued).toBe(2);
    await h.api('DELETE', '/outgoing/q');
    await silent.close();
  });

  it('a peer that never answers the handshake times out per connectTimeoutMs', async () => {
    const silent = await startSilentTcp();
    const t0 = Date.now();
    await h.api('POST', '/outgoing', { body: { name: 'slow', address: silent.url, connectTimeoutMs: 300, autoReconnect: { enabled: false } } });
    const o = await waitOutgoing(h.server, 'slow', (x) => x.status.state === 'stopped');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(o.status.lastError?.code).toBe('DIAL_TIMEOUT');
    expect(o.status.reason).toMatch(/autoReconnect is off/);
    await h.api('DELETE', '/outgoing/slow');
    await silent.close();
  });

  it('a 4003 close from the peer stops retrying', async () => {
    const rejecting = await startJsonPeer();
    rejecting.wss.on('connection', (ws) => ws.close(4003, 'credentials refused'));
    await h.api('POST', '/outgoing', { body: { name: 'auth', address: rejecting.url, ...fast } });
    const o = await waitOutgoing(h.server, 'auth', (x) => x.status.state === 'stopped');
    expect(o.status.reason).toMatch(/peer closed 4003 credentials refused; not retrying/);
    expect(o.status.attempts).toBe(1);
    await h.api('DELETE', '/outgoing/auth');
    await rejecting.close();
  });

  it('never returns secrets and seals them in the store; a viewer may not send; a PATCH keeps what it does not name', async () => {
    const r = await h.api('POST', '/outgoing', {
      body: { name: 'kept', active: false, address: 'wss://example.invalid/x?token=query-secret-token&v=2', security: { type: 'bearer', token: 'very-secret-bearer-token' }, headers: { 'X-Custom': 'custom-header-secret' }, tls: { insecure: true } },
    });
    expect(r.status).toBe(201);
    expect(JSON.stringify(r.json)).not.toContain('very-secret');
    expect(r.json).toMatchObject({ address: 'wss://example.invalid/x?token=***&v=***' });
    expect(r.json).toMatchObject({ security: { type: 'bearer', hasSecret: true }, headerNames: ['X-Custom'], tls: { insecure: true }, status: { state: 'idle' } });
    const db = readFileSync(h.dbFile);
    expect(db.includes('very-secret-bearer-token')).toBe(false);
    expect(db.includes('custom-header-secret')).toBe(false);
    expect(db.includes('query-secret-token')).toBe(false);
    const audit = await h.api('GET', '/audit?action=outgoing.create&limit=1');
    const entry = JSON.stringify(audit.json);
    expect(entry).toContain('"action":"outgoing.create"');
    expect(entry).toContain('[redacted]');
    expect(entry).not.toContain('very-secret');
    expect(entry).not.toContain('custom-header-secret');
    const viewer = await h.api('POST', '/outgoing/kept/send', { token: 'integration-viewer-token-x', body: { data: 1 } });
    expect(viewer.status).toBe(403);
    const patched = await h.api('PATCH', '/outgoing/kept', { body: { pingInterval: 5 } });
    expect(patched.json).toMatchObject({ pingInterval: 5, security: { type: 'bearer' }, active: false });
    await h.api('DELETE', '/outgoing/kept');
  });
});
