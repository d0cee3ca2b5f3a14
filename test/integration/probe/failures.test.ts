import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probeCalls } from '../../../protocol/console/probe';
import { validationError } from '../../../protocol/errors';
import { ConsoleError } from '../../../main/core/contract/errors';
import { Harness, startWsServer } from './harness';

/** What the dispatcher does with a call's input: parse it, or answer with a field-named validation error. */
function parseInput<M extends keyof typeof probeCalls>(method: M, input: unknown) {
  const r = probeCalls[method].input.safeParse(input);
  return r.success ? { ok: true as const, value: r.data } : { ok: false as const, error: validationError(r.error) };
}

describe('probe failures and bad input', () => {
  let hx: Harness;
  beforeEach(() => {
    hx = new Harness();
  });
  afterEach(async () => {
    await hx.close();
  });

  it('rejects non-ws URLs, malformed hex, bad close codes and reasons with field-named errors', () => {
    const url = parseInput('probe.saveSession', { config: { name: 'x', url: 'http://example.test/' } });
    expect(url.ok).toBe(false);
    expect(!url.ok && url.error.field).toBe('config.url');
    expect(!url.ok && url.error.message).toContain('only ws: and wss:');
    const garbage = parseInput('probe.saveSession', { config: { name: 'x', url: 'not a url' } });
    expect(!garbage.ok && garbage.error.field).toBe('config.url');
    const hex = parseInput('probe.send', { sessionId: 'a', message: { type: 'binary', source: { encoding: 'hex', data: 'abc' } } });
    expect(!hex.ok && hex.error.field).toBe('message.source.data');
    const json = parseInput('probe.send', { sessionId: 'a', message: { type: 'json', data: '{nope' } });
    expect(!json.ok && json.error.field).toBe('message.data');
    const code = parseInput('probe.close', { sessionId: 'a', code: 1006 });
    expect(!code.ok && code.error.field).toBe('code');
    const reason = parseInput('probe.close', { sessionId: 'a', code: 1000, reason: 'é'.repeat(62) });
    expect(!reason.ok && reason.error.field).toBe('reason');
    expect(parseInput('probe.close', { sessionId: 'a', code: 4999, reason: 'x'.repeat(123) }).ok).toBe(true);
  });

  it('rejects an invalid regex filter on filter.regex and leaves the session as it was', async () => {
    const s = await hx.create({ url: 'ws://127.0.0.1:1/' });
    const err = await hx.h['probe.queryLog']({ sessionId: s.id, filter: { regex: '([a' }, offset: 0, limit: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConsoleError);
    expect((err as ConsoleError).info).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'filter.regex' });
    expect((await hx.h['probe.getSession']({ sessionId: s.id })).state).toBe('idle');
  });

  it('refuses to send on a session that is not open', async () => {
    const s = await hx.create({ url: 'ws://127.0.0.1:1/' });
    const err = await hx.h['probe.send']({ sessionId: s.id, message: { type: 'text', data: 'x' } }).catch((e: unknown) => e);
    expect((err as ConsoleError).info).toMatchObject({ code: 'SB_ERR_CONNECTION_NOT_READY', field: 'sessionId' });
  });

  it('logs a 401 handshake rejection with status and headers', async () => {
    const srv = await startWsServer({ verifyClient: (_info, cb) => cb(false, 401, 'Unauthorized', { 'X-Why': 'no token' }) });
    try {
      const s = await hx.create({ url: srv.url });
      await hx.h['probe.open']({ sessionId: s.id });
      await hx.state(s.id, 'closed');
      const entries = await hx.entries(s.id);
      const res = entries.find((e) => e.kind === 'handshake-response');
      expect(res).toMatchObject({ status: 401, statusText: 'Unauthorized' });
      expect(res?.kind === 'handshake-response' && res.headers).toContainEqual({ name: 'x-why', value: 'no token' });
      expect(entries.find((e) => e.kind === 'error')).toMatchObject({ code: 'DIAL_HANDSHAKE_REJECTED', message: 'handshake rejected: HTTP 401 Unauthorized' });
      expect((await hx.h['probe.getSession']({ sessionId: s.id })).lastError).toContain('401');
    } finally {
      await srv.close();
    }
  });

  it('times out a handshake against a TCP server that never answers', async () => {
    const sockets = new Set<Socket>();
    const tcp: Server = createServer((sock) => {
      sockets.add(sock);
      sock.resume();
    });
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
    try {
      const s = await hx.create({ url: `ws://127.0.0.1:${(tcp.address() as AddressInfo).port}/`, handshakeTimeoutMs: 300 });
      const t0 = Date.now();
      await hx.h['probe.open']({ sessionId: s.id });
      await hx.state(s.id, 'closed');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
      const err = (await hx.entries(s.id)).find((e) => e.kind === 'error');
      expect(err).toMatchObject({ code: 'DIAL_TIMEOUT' });
      expect(err?.kind === 'error' && err.message).toMatch(/handshake has timed out after 300 ms/i);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => tcp.close(() => r()));
    }
  });

  it('closes with 1009 when an incoming message is over maxMessageBytes', async () => {
    const srv = await startWsServer();
    let serverSaw: number | null = null;
    srv.wss.on('connection', (ws) => {
      ws.on('message', () => ws.send('x'.repeat(5000)));
      ws.on('close', (code) => (serverSaw = code));
    });
    try {
      const s = await hx.create({ url: srv.url, limits: { maxMessageBytes: 1000 } });
      await hx.h['probe.open']({ sessionId: s.id });
      await hx.state(s.id, 'open');
      await hx.h['probe.send']({ sessionId: s.id, message: { type: 'text', data: 'go' } });
      await hx.state(s.id, 'closed');
      const entries = await hx.entries(s.id);
      expect(entries.find((e) => e.kind === 'close')).toMatchObject({ code: 1009, initiator: 'client', direction: 'out' });
      await hx.until(() => serverSaw, 5000, 'server close');
      expect(serverSaw).toBe(1009);
      expect(entries.find((e) => e.kind === 'error')).toMatchObject({ code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
      expect(entries.some((e) => e.kind === 'frame' && e.direction === 'in')).toBe(false);
    } finally {
      await srv.close();
    }
  });

  it('reconnects with backoff after the server drops, keeping the log', async () => {
    const srv = await startWsServer();
    let connections = 0;
    srv.wss.on('connection', (ws) => {
      connections++;
      ws.send(`welcome ${connections}`);
      if (connections === 1) setTimeout(() => ws.terminate(), 20);
    });
    try {
      const s = await hx.create({ url: srv.url, reconnect: { enabled: true, initialDelayMs: 10, maxDelayMs: 40 } });
      await hx.h['probe.open']({ sessionId: s.id });
      await hx.entry(s.id, (e) => e.kind === 'frame' && e.data === 'welcome 2', 'second welcome');
      const entries = await hx.entries(s.id);
      expect(entries[0]!.index).toBe(0);
      expect(entries.some((e) => e.kind === 'frame' && e.data === 'welcome 1')).toBe(true);
      const states = entries.filter((e) => e.kind === 'state').map((e) => e.kind === 'state' && e.to);
      expect(states).toEqual(['connecting', 'open', 'reconnecting', 'connecting', 'open']);
      const rc = entries.find((e) => e.kind === 'reconnect');
      expect(rc).toMatchObject({ attempt: 1 });
      expect(rc?.kind === 'reconnect' && rc.delayMs).toBeLessThan(40);
      expect(entries.find((e) => e.kind === 'close')).toMatchObject({ code: 1006, initiator: 'network' });
      await hx.h['probe.close']({ sessionId: s.id, code: 1000, reason: '' });
      await hx.state(s.id, 'closed');
    } finally {
      await srv.close();
    }
  });
});
