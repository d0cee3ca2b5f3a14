import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { buildStompFrame, parseStompFrame } from '../../../main/core/probe/frames';
import { Harness } from './harness';

const WEB_STOMP = 'ws://127.0.0.1:15674/ws';

const reachable = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/** .ci/run enables Web-STOMP; a developer machine may not have, so try once here (tolerant). */
async function ensureWebStomp(): Promise<boolean> {
  if (await reachable(15674)) return true;
  await new Promise<void>((r) => execFile('rabbitmq-plugins', ['enable', 'rabbitmq_web_stomp'], { timeout: 60_000 }, () => r()));
  for (let i = 0; i < 20; i++) {
    if (await reachable(15674)) return true;
    await new Promise((r) => setTimeout(r, 250)); // the plugin starts asynchronously; nothing to await but the port
  }
  return false;
}

/**
 * Stand-in used only when no RabbitMQ Web-STOMP is reachable: a minimal STOMP 1.2 broker over ws
 * (CONNECT→CONNECTED, SUBSCRIBE, SEND→MESSAGE to subscribers of the destination, DISCONNECT→close 1000, like RabbitMQ).
 */
async function startStandInBroker(): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (p) => (p.has('v12.stomp') ? 'v12.stomp' : false) });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const subs: { ws: import('ws').WebSocket; dest: string; id: string }[] = [];
  wss.on('connection', (ws) => {
    ws.on('message', (d) => {
      const f = parseStompFrame(d.toString());
      if (!f) return;
      const h = (n: string) => f.headers.find((x) => x.name === n)?.value ?? '';
      if (f.command === 'CONNECT') ws.send('CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0');
      if (f.command === 'SUBSCRIBE') subs.push({ ws, dest: h('destination'), id: h('id') });
      if (f.command === 'SEND') for (const s of subs.filter((x) => x.dest === h('destination'))) s.ws.send(`MESSAGE\ndestination:${s.dest}\nsubscription:${s.id}\nmessage-id:1\n\n${f.body}\0`);
      if (f.command === 'DISCONNECT') ws.close(1000, 'STOMP died');
    });
  });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`, close: () => new Promise((r) => wss.close(() => r())) };
}

describe('STOMP helper against a STOMP-over-WebSocket broker', () => {
  let url = WEB_STOMP;
  let standIn: Awaited<ReturnType<typeof startStandInBroker>> | null = null;
  let hx: Harness;
  beforeAll(async () => {
    // PROBE_STOMP_STANDIN=1 forces the stand-in (to check it still behaves like the broker).
    if (process.env.PROBE_STOMP_STANDIN === '1' || !(await ensureWebStomp())) {
      standIn = await startStandInBroker();
      url = standIn.url;
      console.warn('[probe stomp test] RabbitMQ Web-STOMP unreachable: using the stand-in broker');
    }
  }, 90_000);
  afterAll(async () => {
    await standIn?.close();
  });
  beforeEach(() => {
    hx = new Harness();
  });
  afterEach(async () => {
    await hx.close();
  });

  it('connects, subscribes, sends, receives a parsed MESSAGE and is closed by the broker on DISCONNECT', async () => {
    const dest = `/topic/probe-${randomUUID().slice(0, 8)}`;
    const s = await hx.create({ url, subprotocols: ['v12.stomp'], helper: { type: 'stomp' } });
    await hx.h['probe.open']({ sessionId: s.id });
    const open = await hx.state(s.id, 'open');
    expect((open.payload as { session: { protocol: string } }).session.protocol).toBe('v12.stomp');
    const send = (frame: Parameters<typeof buildStompFrame>[0]) => hx.h['probe.send']({ sessionId: s.id, message: { type: 'stomp', frame } });
    await send({ command: 'CONNECT', host: '/', login: 'guest', passcode: 'guest', heartBeat: '0,0', headers: [] });
    const connected = await hx.entry(s.id, (e) => e.kind === 'frame' && e.stomp?.command === 'CONNECTED', 'CONNECTED');
    expect(connected.kind === 'frame' && connected.stomp?.headers.find((h) => h.name === 'version')?.value).toBe('1.2');
    await send({ command: 'SUBSCRIBE', destination: dest, id: 'sub-0', ack: 'auto', headers: [{ name: 'receipt', value: 'r-sub' }] });
    if (!standIn) await hx.entry(s.id, (e) => e.kind === 'frame' && e.stomp?.command === 'RECEIPT', 'subscribe receipt');
    await send({ command: 'SEND', destination: dest, body: 'hello stomp', contentType: 'text/plain', headers: [] });
    const msg = await hx.entry(s.id, (e) => e.kind === 'frame' && e.stomp?.command === 'MESSAGE', 'MESSAGE');
    expect(msg.kind === 'frame' && msg.stomp?.body).toBe('hello stomp');
    expect(msg.kind === 'frame' && msg.stomp?.headers).toContainEqual({ name: 'subscription', value: 'sub-0' });
    const found = await hx.h['probe.queryLog']({ sessionId: s.id, filter: { text: 'hello stomp', directions: ['in'] }, offset: 0, limit: 10 });
    expect(found.matched).toBe(1);
    await send({ command: 'DISCONNECT', receipt: 'bye-1', headers: [] });
    // RabbitMQ 3.10 Web-STOMP answers DISCONNECT by closing the WebSocket (1000 "STOMP died") without a RECEIPT.
    await hx.state(s.id, 'closed');
    const close = (await hx.entries(s.id)).find((e) => e.kind === 'close');
    expect(close).toMatchObject({ direction: 'in', code: 1000, initiator: 'server' });
  });
});
