import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../../protocol/close-codes';
import { rawHttp, RawWs } from '../helpers/raw-ws';
import { channel, startTestServer, type TestServer } from './helpers';

let t: TestServer | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

const portOf = (url: string): number => Number(new URL(url).port);
const upgrade = (path: string): string =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;

describe('channel listeners and client frames, as an attacker would use them', () => {
  it('answers pings within maxPingsPerSecond and closes a ping flood with 4014', async () => {
    t = await startTestServer({ channels: [channel('p', { maxPingsPerSecond: 5 })] });
    const c = await RawWs.connect(t.server.channelUrl('p'));
    await c.hello('pinger');
    c.sendFrame(9, 'abc');
    const pong = await c.next((f) => f.opcode === 10);
    expect(pong.payload.toString()).toBe('abc');
    for (let i = 0; i < 20; i++) c.sendFrame(9, `p${i}`);
    expect(await c.ended).toEqual({ code: CloseCode.PingFlood, reason: 'ping flood: more than 5 pings in one second (maxPingsPerSecond)' });
  });

  it('maxPingsPerSecond 0 answers every ping', async () => {
    t = await startTestServer({ channels: [channel('p', { maxPingsPerSecond: 0 })] });
    const c = await RawWs.connect(t.server.channelUrl('p'));
    await c.hello('pinger');
    for (let i = 0; i < 200; i++) c.sendFrame(9, `p${i}`);
    await c.next((f) => f.opcode === 10 && f.payload.toString() === 'p199');
    expect(c.frames.filter((f) => f.opcode === 10)).toHaveLength(200);
    expect(c.close).toBeNull();
    c.destroy();
  });

  it('answers an upgrade with a malformed URL with 400 and an unknown path with 404, as JSON naming the field', async () => {
    t = await startTestServer({ channels: [channel('u')] });
    const port = portOf(t.server.channelUrl('u'));
    const bad = await rawHttp(port, upgrade('//a:99999/'));
    expect(bad).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(bad.slice(bad.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'SB_ERR_BAD_REQUEST', message: 'malformed request URL: expected /path', field: 'url' } });
    const absent = await rawHttp(port, upgrade('/nope'));
    expect(absent).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(JSON.parse(absent.slice(absent.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'SB_ERR_NOT_FOUND', field: 'url' } });
  });

  it('cuts a socket whose headers never finish (slowloris) after headersTimeoutMs', async () => {
    t = await startTestServer({ channels: [channel('s')], channelListeners: { headersTimeoutMs: 1000, requestTimeoutMs: 1000 } });
    const port = portOf(t.server.channelUrl('s'));
    const started = Date.now();
    const answer = await rawHttp(port, 'GET /s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 10_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('caps connections per address (429) while the ones it holds keep working', async () => {
    t = await startTestServer({ channels: [channel('c')], channelListeners: { maxConnectionsPerIp: 3 } });
    const url = t.server.channelUrl('c');
    const held = await Promise.all([0, 1, 2].map(() => RawWs.connect(url)));
    const refused = await rawHttp(portOf(url), upgrade('/c'));
    expect(refused).toMatch(/^HTTP\/1\.1 429 Too Many Requests\r\n/);
    expect(refused).toContain('"code":"SB_ERR_RATE_LIMITED"');
    await held[0]!.hello('still-here');
    held[2]!.destroy();
    await held[2]!.ended;
    // The freed slot is counted back once the socket has closed on the server too.
    let again: RawWs | null = null;
    for (let i = 0; i < 50 && !again; i++) again = await RawWs.connect(url).catch(() => null);
    expect(again).not.toBeNull();
    for (const c of [...held, again!]) c.destroy();
  });

  it('closes a frame nested 5,000 levels deep with 1008 and keeps serving', async () => {
    t = await startTestServer({ channels: [channel('d')] });
    const url = t.server.channelUrl('d');
    const c = await RawWs.connect(url);
    await c.hello('deep');
    c.sendText(`{"type":"request","id":1,"data":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(await c.ended).toEqual({ code: CloseCode.InvalidMessage, reason: 'invalid frame: JSON nested deeper than 64 levels (maxJsonDepth)' });
    const d = await RawWs.connect(url);
    await d.hello('after');
    d.sendJson({ type: 'request', id: 2, data: { ok: [[[1]]] } });
    expect(await d.nextJson('response')).toMatchObject({ inReplyTo: 2, ok: true, data: { ok: [[[1]]] } });
    d.destroy();
  });

  it('a raw TCP socket that connects and sends nothing gets 408 at the header timeout too', async () => {
    t = await startTestServer({ channels: [channel('n')], channelListeners: { headersTimeoutMs: 1000, requestTimeoutMs: 1000 } });
    const s = net.connect(portOf(t.server.channelUrl('n')), '127.0.0.1');
    s.on('error', () => undefined);
    let answer = '';
    s.on('data', (c: Buffer) => (answer += c.toString()));
    const started = Date.now();
    await new Promise((r) => s.once('close', r));
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
