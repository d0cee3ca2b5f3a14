import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthReportSchema } from '../../../protocol/admin-health';
import { MessageLogPageSchema } from '../../../protocol/admin-message-log';
import { AuditListSchema } from '../../../protocol/admin-audit';
import { connectClient, errorOf, startHarness, VIEWER, type Harness } from './helpers';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({}, {
    health: { sampleMs: 1000, historySize: 2 },
    channels: [{ name: 'main', address: 'ws://127.0.0.1:0/main', logReceived: true, logSent: true, logMaxMessages: 4, logKeepSeconds: 60 }],
  });
});
afterAll(async () => {
  await h.close();
});

describe('admin routes behind the console screens', () => {
  it('GET /health: identity and totals for a viewer; unknown query keys refused by name', async () => {
    const r = await h.api('GET', '/health', { token: VIEWER });
    expect(r.status).toBe(200);
    const report = HealthReportSchema.parse(r.json);
    expect(report).toMatchObject({ name: 'admin-int', sampleMs: 1000, historySize: 2, pid: process.pid });
    expect(report.samples.length).toBeLessThanOrEqual(2);
  });

  it('GET /connections/{id}/messages: captured frames both ways, paged by seq, kept after close, then 404', async () => {
    const c = await connectClient(h.server.channelUrl('main'), 'log-1');
    await h.api('POST', `/connections/${c.connectionId}/invoke`, { body: { data: { ping: 1 }, timeoutMs: 2000 } });
    const first = MessageLogPageSchema.parse((await h.api('GET', `/connections/${c.connectionId}/messages?limit=2`, { token: VIEWER })).json);
    expect(first.items.map((e) => e.direction)).toEqual(['received', 'sent']);
    expect(first.items[0]!.text).toContain('"hello"');
    const rest = MessageLogPageSchema.parse((await h.api('GET', `/connections/${c.connectionId}/messages?after=${first.nextAfter}`)).json);
    expect(rest.items.map((e) => e.seq)).toEqual([3, 4]);
    expect(rest.items.map((e) => e.direction)).toEqual(['sent', 'received']);

    c.ws.close(1000, 'bye');
    await c.closed;
    await expect.poll(async () => MessageLogPageSchema.parse((await h.api('GET', `/connections/${c.connectionId}/messages`)).json).closedAt).not.toBeNull();
    expect((await h.api('GET', '/connections/never-was/messages')).status).toBe(404);
    const bad = await h.api('GET', `/connections/${c.connectionId}/messages?since=1`);
    expect(bad.status).toBe(400);
    expect(errorOf(bad.json).field).toBe('since');
  });

  it('GET /audit filters by outcome and token; a malformed time is refused', async () => {
    await h.api('DELETE', '/topics/none-such');
    await h.api('DELETE', '/topics/none-such', { token: VIEWER });
    const errors = AuditListSchema.parse((await h.api('GET', '/audit?outcome=error&actor=watcher')).json);
    expect(errors.items.map((e) => [e.actor, e.action, e.outcome])).toEqual([['watcher', 'topic.delete', 'error']]);
    const bad = await h.api('GET', '/audit?since=yesterday');
    expect(bad.status).toBe(400);
    expect(errorOf(bad.json).field).toBe('since');
  });
});
