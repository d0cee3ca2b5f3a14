import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness, startWsServer } from './harness';

describe('probe sessions against a real ws server', () => {
  let hx: Harness;
  let srv: Awaited<ReturnType<typeof startWsServer>>;
  beforeEach(async () => {
    hx = new Harness();
    srv = await startWsServer({ handleProtocols: (p) => (p.has('b.v1') ? 'b.v1' : false) });
    srv.wss.on('connection', (ws, req) => {
      ws.send(JSON.stringify({ hello: req.url, auth: req.headers.authorization ?? null, x: req.headers['x-probe'] ?? null, origin: req.headers.origin ?? null }));
      ws.on('message', (data, isBinary) => {
        const text = data.toString();
        if (!isBinary && text.startsWith('close:')) {
          const [, code, reason] = text.split(':');
          ws.close(Number(code), reason);
          return;
        }
        if (!isBinary && text.startsWith('{"id"')) {
          const id = (JSON.parse(text) as { id: string }).id;
          setTimeout(() => ws.send(JSON.stringify({ inReplyTo: id, ok: true })), 20);
          return;
        }
        ws.send(data, { binary: isBinary });
      });
    });
  });
  afterEach(async () => {
    await hx.close();
    await srv.close();
  });

  it('echoes text and binary, negotiates a subprotocol, sends headers, query, origin and bearer auth', async () => {
    const s = await hx.create({ url: `${srv.url}/path`, query: [{ name: 'a', value: '1 2' }], headers: [{ name: 'X-Probe', value: 'yes' }], subprotocols: ['a.v0', 'b.v1'], origin: 'http://example.test', auth: { type: 'bearer', token: 'tok-123' } });
    expect(s.config.auth).toEqual({ type: 'bearer', hasToken: true });
    expect(JSON.stringify(s)).not.toContain('tok-123');
    await hx.h['probe.open']({ sessionId: s.id });
    const opened = await hx.state(s.id, 'open');
    expect((opened.payload as { session: { protocol: string } }).session.protocol).toBe('b.v1');
    const hello = await hx.entry(s.id, (e) => e.kind === 'frame' && e.direction === 'in' && e.data.includes('hello'));
    expect(hello.kind === 'frame' && JSON.parse(hello.data)).toEqual({ hello: '/path?a=1+2', auth: 'Bearer tok-123', x: 'yes', origin: 'http://example.test' });
    const reqEntry = await hx.entry(s.id, (e) => e.kind === 'handshake-request');
    expect(JSON.stringify(reqEntry)).not.toContain('tok-123');
    const resEntry = await hx.entry(s.id, (e) => e.kind === 'handshake-response');
    expect(resEntry.kind === 'handshake-response' && resEntry.status).toBe(101);
    expect(resEntry.kind === 'handshake-response' && resEntry.protocol).toBe('b.v1');

    await hx.h['probe.send']({ sessionId: s.id, message: { type: 'text', data: 'plain text' } });
    await hx.h['probe.send']({ sessionId: s.id, message: { type: 'binary', source: { encoding: 'hex', data: 'de ad be ef' } } });
    await hx.entry(s.id, (e) => e.kind === 'frame' && e.direction === 'in' && e.data === 'plain text', 'text echo');
    const bin = await hx.entry(s.id, (e) => e.kind === 'frame' && e.direction === 'in' && e.opcode === 'binary', 'binary echo');
    expect(bin.kind === 'frame' && Buffer.from(bin.data, 'base64').toString('hex')).toBe('deadbeef');
    for (const e of await hx.entries(s.id)) expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('sends basic auth and pairs request/reply with latency', async () => {
    const s = await hx.create({ url: srv.url, auth: { type: 'basic', username: 'ann', password: 's3cret' } });
    await hx.h['probe.open']({ sessionId: s.id });
    const hello = await hx.entry(s.id, (e) => e.kind === 'frame' && e.direction === 'in');
    expect(hello.kind === 'frame' && JSON.parse(hello.data).auth).toBe(`Basic ${Buffer.from('ann:s3cret').toString('base64')}`);
    const { index } = await hx.h['probe.send']({ sessionId: s.id, message: { type: 'json', data: '{"id":"r1","q":1}' } });
    const reply = await hx.entry(s.id, (e) => e.kind === 'frame' && e.data.includes('inReplyTo'));
    const page = await hx.h['probe.queryLog']({ sessionId: s.id, filter: {}, offset: 0, limit: 100 });
    const reqRow = page.rows.find((r) => r.entry.index === index)!;
    expect(reqRow.pair).toMatchObject({ role: 'request', otherIndex: reply.index, correlationId: 'r1' });
    expect(reqRow.pair!.latencyMs).toBeGreaterThanOrEqual(15);
    const jump = await hx.h['probe.queryLog']({ sessionId: s.id, filter: { kinds: ['frame'] }, offset: 0, limit: 1, anchorIndex: reply.index });
    expect(jump.rows[0]!.entry.index).toBe(reply.index);
    expect(jump.rows[0]!.pair).toMatchObject({ role: 'reply', otherIndex: index });
  });

  it('logs close codes and reasons both ways', async () => {
    const s = await hx.create({ url: srv.url });
    await hx.h['probe.open']({ sessionId: s.id });
    await hx.state(s.id, 'open');
    await hx.h['probe.send']({ sessionId: s.id, message: { type: 'text', data: 'close:4321:server says bye' } });
    await hx.state(s.id, 'closed');
    const serverClose = await hx.entry(s.id, (e) => e.kind === 'close');
    expect(serverClose).toMatchObject({ code: 4321, reason: 'server says bye', initiator: 'server', direction: 'in' });

    const t = await hx.create({ url: srv.url });
    let serverSaw: [number, string] | null = null;
    srv.wss.once('connection', (ws) => ws.on('close', (code, reason) => (serverSaw = [code, reason.toString()])));
    await hx.h['probe.open']({ sessionId: t.id });
    await hx.state(t.id, 'open');
    await hx.h['probe.close']({ sessionId: t.id, code: 3001, reason: 'client done' });
    await hx.state(t.id, 'closed');
    await hx.until(() => serverSaw, 5000, 'server close');
    expect(serverSaw).toEqual([3001, 'client done']);
    const entries = await hx.entries(t.id);
    expect(entries.filter((e) => e.kind === 'close').map((e) => e.kind === 'close' && [e.direction, e.code, e.initiator])).toEqual([
      ['out', 3001, 'client'],
      ['in', 3001, 'client'],
    ]);
    expect(entries.filter((e) => e.kind === 'state').map((e) => e.kind === 'state' && e.to)).toEqual(['connecting', 'open', 'closing', 'closed']);
  });

  it('measures ping RTT', async () => {
    const s = await hx.create({ url: srv.url });
    await hx.h['probe.open']({ sessionId: s.id });
    await hx.state(s.id, 'open');
    await hx.h['probe.send']({ sessionId: s.id, message: { type: 'ping', payload: 'p1' } });
    const pong = await hx.entry(s.id, (e) => e.kind === 'pong');
    expect(pong).toMatchObject({ direction: 'in', data: 'p1' });
    expect(pong.kind === 'pong' && typeof pong.rttMs).toBe('number');
  });
});
