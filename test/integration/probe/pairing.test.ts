import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProbeLogStats } from '../../../protocol/console/probe';
import { Harness, startWsServer } from './harness';

/** A JSON-RPC 2.0 server: answers `sum` after 20 ms, errors on unknown methods, and asks us `whoami` on connect. */
async function startJsonRpc() {
  const srv = await startWsServer();
  const answers: unknown[] = [];
  srv.wss.on('connection', (ws) => {
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 'srv-1', method: 'whoami' }));
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { id?: unknown; method?: string; params?: number[] };
      if (m.method === undefined) return void answers.push(m);
      const reply = m.method === 'sum' ? { jsonrpc: '2.0', id: m.id, result: (m.params ?? []).reduce((a, b) => a + b, 0) } : { jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'Method not found' } };
      setTimeout(() => ws.send(JSON.stringify(reply)), 20);
    });
  });
  return { ...srv, answers };
}

describe('probe pairing over a real socket', () => {
  let hx: Harness;
  beforeEach(() => {
    hx = new Harness();
  });
  afterEach(async () => {
    await hx.close();
  });

  it('pairs JSON-RPC 2.0 requests and replies by id with the preset, in both directions', async () => {
    const srv = await startJsonRpc();
    try {
      const s = await hx.create({ url: srv.url, correlation: { preset: 'jsonrpc' } });
      expect(s.config.correlation).toEqual({ enabled: true, preset: 'jsonrpc', requestPath: 'id', replyPath: 'id' });
      await hx.h['probe.open']({ sessionId: s.id });
      const ask = await hx.entry(s.id, (e) => e.kind === 'frame' && e.data.includes('whoami'));
      const answer = await hx.h['probe.send']({ sessionId: s.id, message: { type: 'json', data: '{"jsonrpc":"2.0","id":"srv-1","result":"probe"}' } });
      const sum = await hx.h['probe.send']({ sessionId: s.id, message: { type: 'json', data: '{"jsonrpc":"2.0","id":1,"method":"sum","params":[1,2]}' } });
      const nope = await hx.h['probe.send']({ sessionId: s.id, message: { type: 'json', data: '{"jsonrpc":"2.0","id":2,"method":"nope"}' } });
      await hx.entry(s.id, (e) => e.kind === 'frame' && e.data.includes('"result":3'));
      await hx.entry(s.id, (e) => e.kind === 'frame' && e.data.includes('Method not found'));
      const rows = (await hx.h['probe.queryLog']({ sessionId: s.id, filter: { kinds: ['frame'] }, offset: 0, limit: 100 })).rows;
      const pairOf = (i: number) => rows.find((r) => r.entry.index === i)?.pair;
      expect(pairOf(ask.index)).toMatchObject({ role: 'request', otherIndex: answer.index, correlationId: 'srv-1' });
      const sumReply = rows.find((r) => r.entry.kind === 'frame' && r.entry.data.includes('"result":3'))!;
      expect(sumReply.pair).toMatchObject({ role: 'reply', otherIndex: sum.index, correlationId: '1' });
      expect(sumReply.pair!.latencyMs).toBeGreaterThanOrEqual(15);
      expect(pairOf(sum.index)).toMatchObject({ role: 'request', otherIndex: sumReply.entry.index });
      const errReply = rows.find((r) => r.entry.kind === 'frame' && r.entry.data.includes('Method not found'))!;
      expect(errReply.pair).toMatchObject({ role: 'reply', otherIndex: nope.index, correlationId: '2' });
      expect(srv.answers).toEqual([{ jsonrpc: '2.0', id: 'srv-1', result: 'probe' }]);
    } finally {
      await srv.close();
    }
  });

  it('pairs a custom id ↔ id protocol (the request path is the reply path)', async () => {
    const srv = await startWsServer();
    srv.wss.on('connection', (ws) => ws.on('message', (d) => setTimeout(() => ws.send(JSON.stringify({ id: (JSON.parse(d.toString()) as { id: unknown }).id, ok: true })), 10)));
    try {
      const s = await hx.create({ url: srv.url, correlation: { preset: 'custom', requestPath: 'id', replyPath: 'id' } });
      await hx.h['probe.open']({ sessionId: s.id });
      await hx.state(s.id, 'open');
      const sent = await hx.h['probe.send']({ sessionId: s.id, message: { type: 'json', data: '{"id":"q-9","op":"get"}' } });
      const reply = await hx.entry(s.id, (e) => e.kind === 'frame' && e.direction === 'in');
      const rows = (await hx.h['probe.queryLog']({ sessionId: s.id, filter: {}, offset: 0, limit: 100 })).rows;
      expect(rows.find((r) => r.entry.index === reply.index)?.pair).toMatchObject({ role: 'reply', otherIndex: sent.index, correlationId: 'q-9' });
    } finally {
      await srv.close();
    }
  });

  it('keeps the last RTT in the session stats, whatever the log filter shows', async () => {
    const srv = await startWsServer();
    try {
      const s = await hx.create({ url: srv.url });
      expect(s.stats.lastRttMs).toBeNull();
      await hx.h['probe.open']({ sessionId: s.id });
      await hx.state(s.id, 'open');
      await hx.h['probe.send']({ sessionId: s.id, message: { type: 'ping', payload: 'rtt?' } });
      const stats = await hx.until(() => {
        const ev = hx.events.filter((e) => e.event === 'probe.log').map((e) => (e.payload as { stats: ProbeLogStats }).stats);
        return ev.find((x) => x.lastRttMs !== null);
      }, 5000, 'an RTT in probe.log stats');
      expect(stats.lastRttMs).toBeGreaterThanOrEqual(0);
      // A filter that hides pongs changes nothing about it.
      const page = await hx.h['probe.queryLog']({ sessionId: s.id, filter: { kinds: ['frame'] }, offset: 0, limit: 10 });
      expect(page.rows).toEqual([]);
      expect(page.stats.lastRttMs).toBe(stats.lastRttMs);
    } finally {
      await srv.close();
    }
  });

  it('cancels a connect that hangs: closed by the user, no error logged', async () => {
    const sockets = new Set<Socket>();
    const tcp: Server = createServer((sock) => {
      sockets.add(sock);
      sock.resume();
    });
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
    try {
      const s = await hx.create({ url: `ws://127.0.0.1:${(tcp.address() as AddressInfo).port}/`, handshakeTimeoutMs: 60_000 });
      await hx.h['probe.open']({ sessionId: s.id });
      await hx.entry(s.id, (e) => e.kind === 'handshake-request');
      await hx.h['probe.close']({ sessionId: s.id, code: 1000, reason: '' });
      await hx.state(s.id, 'closed');
      const entries = await hx.entries(s.id);
      expect(entries.filter((e) => e.kind === 'state').map((e) => e.kind === 'state' && `${e.to}:${e.reason ?? ''}`)).toEqual(['connecting:', 'closing:cancelled by user', 'closed:closed by user']);
      expect(entries.some((e) => e.kind === 'error')).toBe(false);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => tcp.close(() => r()));
    }
  });
});
