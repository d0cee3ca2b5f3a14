import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../../protocol/close-codes';
import { startServerProcess, type ServerProcess } from '../helpers/processes';
import { RawWs } from '../helpers/raw-ws';
import { HERE } from './helpers';

/**
 * Every send path against a client that stops reading (its TCP socket paused), with the server in
 * its own process so its memory can be read. What cannot wait (responses, invokes) ends with 4013
 * and the server's resident memory grows by less than GROWTH_BOUND, where an unbounded server
 * would hold LOAD more. Pub/sub only pauses: what was handed to the socket (delivered × size) stays
 * under SENT_BOUND (the kernel's socket buffers plus maxBufferedBytes plus one message); its RSS
 * bound is looser because publishing the messages through the same process churns its heap.
 */
const SOFT = 512 * 1024;
const HARD = 2 * 1024 * 1024;
const PIECE = 512 * 1024;
const PIECES = 100;
const GROWTH_BOUND = 64 * 1024 * 1024;
/** Requests / invokes an unbounded server would queue: 400 × 512 KiB = 200 MiB. */
const LOAD = 400;
const SENT_BOUND = 16 * 1024 * 1024;
const PUBSUB_GROWTH_BOUND = 128 * 1024 * 1024;
const TOKEN = 'slow-consumer-operator-token';

let srv: ServerProcess;
let dir: string;

function rss(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${srv.pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${srv.adminUrl}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Polls the admin API until `pred` holds for the connection (a state change the test cannot see while paused). */
async function until(connectionId: string, pred: (info: Record<string, unknown> | null) => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await api('GET', `/connections/${connectionId}`);
    if (pred(r.status === 200 ? r.json : null)) return;
    if (Date.now() > end) throw new Error(`connection ${connectionId}: condition not met within ${timeoutMs} ms (last: ${JSON.stringify(r.json)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the subscription's delivered position has stopped moving (delivery paused). */
async function deliveryStalls(connectionId: string): Promise<number> {
  let last = -1;
  for (let i = 0; i < 200; i++) {
    const r = await api('GET', `/connections/${connectionId}/subscriptions`);
    const seq = (r.json.items as { lastDeliveredSeq: number }[])[0]?.lastDeliveredSeq ?? 0;
    if (seq > 0 && seq === last) return seq;
    last = seq;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('delivery never paused');
}

async function login(clientId: string): Promise<{ c: RawWs; id: string }> {
  const c = await RawWs.connect(srv.channelUrl('slow'));
  const welcome = await c.hello(clientId);
  return { c, id: welcome.connectionId as string };
}

const isClosing = (i: Record<string, unknown> | null): boolean => i === null || i.state === 'closing';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-slow-'));
  srv = await startServerProcess({
    dir,
    name: 'slow',
    channels: ['slow'],
    tokens: [{ name: 'op', token: TOKEN, role: 'operator' }],
    channelOptions: { service: 'blob', maxBufferedBytes: SOFT, maxBufferedBytesHard: HARD, maxMessageBytes: 2 * PIECE, tokenTtl: 600, pingInterval: 600 },
    config: {
      services: [{ name: 'blob', module: join(HERE, 'fixtures/blob-service.ts') }],
      // Long enough for the test to read the Close frame that queued behind the unread bytes.
      closeTimeoutMs: 30_000,
      pubsub: { topics: [{ name: 'big' }, { name: 'backlog' }] },
    },
  });
}, 60_000);

afterAll(async () => {
  await srv?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('send budget against a client that does not read', () => {
  it('responses: closes with 4013 past maxBufferedBytesHard, memory bounded', async () => {
    const { c, id } = await login('resp');
    c.keep = false;
    c.pause();
    const before = rss();
    // Waves, as a client would keep sending, until the server gives up on the connection.
    let sent = 0;
    while (sent < LOAD) {
      for (let i = 0; i < 8; i++) c.sendJson({ type: 'request', id: sent++, data: { bytes: PIECE } });
      const info = await api('GET', `/connections/${id}`);
      if (info.json.state === 'closing') break;
    }
    await until(id, isClosing);
    const grown = rss() - before;
    c.resume();
    const close = await c.ended;
    expect(close).toMatchObject({ code: CloseCode.SlowConsumer });
    expect(close!.reason).toMatch(/^slow consumer: \d+ bytes unread, over maxBufferedBytesHard \(2097152\)$/);
    // Far fewer responses than requests reached the socket.
    expect(sent).toBeLessThan(LOAD / 4);
    expect(c.textFrames * PIECE).toBeLessThan(SENT_BOUND);
    expect(grown).toBeLessThan(GROWTH_BOUND);
  }, 30_000);

  it('invoke requests: closes with 4013, the waiting invokes fail with SB_ERR_CONNECTION_CLOSED, memory bounded', async () => {
    const { c, id } = await login('inv');
    c.keep = false;
    c.pause();
    const before = rss();
    const piece = 'y'.repeat(PIECE);
    // Waves, as an operator's tool would send them, until the server gives up on the connection:
    // unbounded, all PIECES would be queued for it.
    const pending: Promise<{ status: number; json: Record<string, unknown> }>[] = [];
    for (let wave = 0; wave < LOAD / 8; wave++) {
      for (let i = 0; i < 8; i++) pending.push(api('POST', `/connections/${id}/invoke`, { data: piece, timeoutMs: 20_000 }));
      const info = await api('GET', `/connections/${id}`);
      if (info.json.state === 'closing') break;
    }
    const answers = await Promise.all(pending);
    const grown = rss() - before;
    expect(pending.length).toBeLessThan(LOAD / 4);
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([409]));
    expect(answers.map((a) => (a.json.error as { code: string }).code)).toContain('SB_ERR_CONNECTION_CLOSED');
    c.resume();
    expect(await c.ended).toMatchObject({ code: CloseCode.SlowConsumer });
    expect(grown).toBeLessThan(GROWTH_BOUND);
  }, 30_000);

  it('pub/sub live: delivery pauses at maxBufferedBytes (no close) and resumes when the client reads', async () => {
    const { c, id } = await login('live');
    c.sendJson({ type: 'subscribe', id: 1, topic: 'big' });
    await c.nextJson('response');
    c.keep = false;
    c.pause();
    const before = rss();
    const { c: pub } = await login('live-pub');
    const piece = 'z'.repeat(PIECE);
    for (let i = 0; i < PIECES; i++) pub.sendJson({ type: 'publish', id: i, topic: 'big', data: piece });
    await pub.next((f) => f.opcode === 1 && (JSON.parse(f.payload.toString()) as { inReplyTo?: number }).inReplyTo === PIECES - 1);
    const delivered = await deliveryStalls(id);
    const grown = rss() - before;
    expect(delivered * PIECE).toBeLessThan(SENT_BOUND);
    await until(id, (i) => i?.state === 'logged-in');
    c.resume();
    await c.next((f) => f.opcode === 1 && f.payload.includes(`"seq":${PIECES},`));
    expect(c.close).toBeNull();
    expect(grown).toBeLessThan(PUBSUB_GROWTH_BOUND);
    c.destroy();
    pub.destroy();
  }, 60_000);

  it('backlog on reconnect: checked after every message, so the pump pauses within one message of the bound', async () => {
    const first = await login('back');
    first.c.sendJson({ type: 'subscribe', id: 1, topic: 'backlog' });
    await first.c.nextJson('response');
    first.c.destroy();
    const piece = 'b'.repeat(PIECE);
    const { c: pub } = await login('back-pub');
    for (let i = 0; i < PIECES; i++) pub.sendJson({ type: 'publish', id: i, topic: 'backlog', data: piece });
    await pub.next((f) => f.opcode === 1 && (JSON.parse(f.payload.toString()) as { inReplyTo?: number }).inReplyTo === PIECES - 1);
    pub.destroy();
    const before = rss();
    const c = await RawWs.connect(srv.channelUrl('slow'));
    c.keep = false;
    c.sendJson({ type: 'hello', clientId: 'back' });
    // Stop reading at once: the welcome and the backlog queue up together.
    c.pause();
    let id: string | undefined;
    for (let i = 0; i < 100 && !id; i++) {
      const conns = await api('GET', '/connections?clientId=back');
      id = (conns.json.items as { connectionId: string; state: string }[]).find((x) => x.state === 'logged-in')?.connectionId;
      if (!id) await new Promise((r) => setTimeout(r, 50));
    }
    expect(id).toBeDefined();
    const delivered = await deliveryStalls(id!);
    const grown = rss() - before;
    expect(delivered * PIECE).toBeLessThan(SENT_BOUND);
    c.resume();
    await c.next((f) => f.opcode === 1 && f.payload.includes(`"seq":${PIECES},`));
    expect(c.close).toBeNull();
    expect(grown).toBeLessThan(PUBSUB_GROWTH_BOUND);
    c.destroy();
  }, 60_000);
});
