import { connect } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Client, type IFrame, type IMessage } from '@stomp/stompjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../server/helpers';

const reachable = (port: number): Promise<boolean> => new Promise((resolve) => {
  const s = connect(port, '127.0.0.1');
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false));
});

/** RabbitMQ's Web-STOMP (enabled by .ci/run); without it this file is skipped. */
const up = await reachable(15674);

const stomp = (url: string, login: string, passcode: string): Client => new Client({
  webSocketFactory: () => new WebSocket(url, ['v12.stomp']),
  connectHeaders: { login, passcode },
  reconnectDelay: 0,
  heartbeatIncoming: 0,
  heartbeatOutgoing: 0,
});

describe.runIf(up)('STOMP through the gateway to RabbitMQ Web-STOMP', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ gateway: { routes: [{ name: 'rabbit', listen: 'ws://127.0.0.1:0', path: '/orders/ws/v1', upstreams: ['ws://127.0.0.1:15674'] }] } });
  });
  afterAll(async () => {
    await ts.stop();
  });

  it('CONNECT with credentials, SUBSCRIBE, SEND and receive the MESSAGE (v12.stomp)', async () => {
    // Client path /orders/ws/v1/ws → upstream /ws.
    const c = stomp(`${ts.server.gatewayUrl('rabbit')}/ws`, 'guest', 'guest');
    const connected = new Promise<IFrame>((r) => (c.onConnect = r));
    c.activate();
    const frame = await connected;
    expect(frame.headers.version).toBe('1.2');
    const queue = `/queue/gw-${randomUUID()}`;
    const got = new Promise<IMessage>((r) => c.subscribe(queue, r, { 'auto-delete': 'true' }));
    // A receipt says the subscription is in place before we send.
    await new Promise<void>((r) => { c.watchForReceipt('sub-1', () => r()); c.publish({ destination: '/queue/unused-probe', body: '', headers: { receipt: 'sub-1' } }); });
    c.publish({ destination: queue, body: 'through the gateway' });
    expect((await got).body).toBe('through the gateway');
    const [s] = (await ts.server.gateway.listSessions({ route: 'rabbit', limit: 5 })).items;
    expect(s).toMatchObject({ subprotocol: 'v12.stomp', upstreamUrl: 'ws://127.0.0.1:15674/ws' });
    expect(s!.client.framesIn).toBeGreaterThanOrEqual(3);
    await c.deactivate();
  });

  it('wrong credentials come back as the upstream’s own refusal (a STOMP ERROR through the open session)', async () => {
    let socket: WebSocket | null = null;
    const c = new Client({
      webSocketFactory: () => (socket = new WebSocket(`${ts.server.gatewayUrl('rabbit')}/ws`, ['v12.stomp'])),
      connectHeaders: { login: 'guest', passcode: 'wrong-password' },
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
    });
    const error = new Promise<IFrame>((r) => (c.onStompError = r));
    c.activate();
    const e = await error;
    expect(e.headers.message).toBe('Bad CONNECT');
    expect(e.body).toMatch(/access refused/i);
    // RabbitMQ keeps the socket open after the refusal; the client closing it ends the session.
    const s = socket as WebSocket | null;
    s?.close(1000);
    void c.deactivate({ force: true });
    await expect.poll(() => ts.server.gatewaySessionCount(), { timeout: 5000 }).toBe(0);
  });
});
