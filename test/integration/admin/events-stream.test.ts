import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AdminEventFrameSchema, type AdminEventFrame } from '../../../protocol/admin-events';
import { CloseCode } from '../../../protocol/close-codes';
import { OPERATOR as OPERATOR_TOKEN, startHarness, VIEWER as VIEWER_TOKEN, type Harness } from './helpers';

let h: Harness;
const BATCH_MS = 30;

beforeAll(async () => {
  h = await startHarness({ eventBatchMs: BATCH_MS, maxEventBufferBytes: 64 * 1024 });
});
afterAll(async () => {
  await h.close();
});

const control = { events: { emit: (e: Parameters<Harness['server']['events']['emit']>[0]) => h.server.events.emit(e) } };
const eventsUrl = () => h.server.adminUrl!.replace('http://', 'ws://') + '/admin/v1/events';

/** Opens a watcher and collects its parsed frames; resolves once the ready frame is in. */
async function watch(opts: { token?: string; query?: boolean } = {}) {
  const token = opts.token ?? VIEWER_TOKEN;
  const ws = opts.query
    ? new WebSocket(`${eventsUrl()}?access_token=${encodeURIComponent(token)}`)
    : new WebSocket(eventsUrl(), { headers: { authorization: `Bearer ${token}` } });
  const frames: AdminEventFrame[] = [];
  const waiters: (() => void)[] = [];
  let rawSocket: Socket | undefined;
  ws.on('upgrade', (res) => { rawSocket = res.socket as Socket; });
  ws.on('message', (data) => {
    frames.push(AdminEventFrameSchema.parse(JSON.parse(String(data))));
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const nextFrame = () => new Promise<void>((resolve) => waiters.push(resolve));
  await nextFrame();
  return { ws, frames, nextFrame, closed, socket: () => rawSocket! };
}

describe('admin live events', () => {
  it('sends ready with server info and the current seq, then batches events', async () => {
    const w = await watch();
    const ready = w.frames[0]!;
    expect(ready.type).toBe('ready');
    if (ready.type !== 'ready') return;
    expect(ready.server.name).toBe('admin-int');
    const t0 = Date.now();
    control.events.emit({ type: 'security.changed', name: 'a' });
    control.events.emit({ type: 'security.changed', name: 'b' });
    control.events.emit({ type: 'channel.changed', name: 'c', channel: null });
    await w.nextFrame();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(BATCH_MS - 5);
    const batch = w.frames[1]!;
    expect(batch.type).toBe('events');
    if (batch.type !== 'events') return;
    expect(batch.events.map((e) => e.seq)).toEqual([ready.seq + 1, ready.seq + 2, ready.seq + 3]);
    w.ws.close();
    await w.closed;
  });

  it('accepts the token as ?access_token= and rejects a missing or unknown one with 401', async () => {
    const w = await watch({ token: OPERATOR_TOKEN, query: true });
    expect(w.frames[0]!.type).toBe('ready');
    w.ws.close();
    for (const headers of [{}, { authorization: 'Bearer nope-nope-nope-nope' }]) {
      const ws = new WebSocket(eventsUrl(), { headers });
      const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
      expect(status).toBe(401);
    }
  });

  it('answers 400 to a GET of /events without an upgrade', async () => {
    const res = await fetch(`${h.server.adminUrl!}/admin/v1/events`, { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } });
    expect(res.status).toBe(400);
  });

  it(`closes a consumer that falls behind with ${CloseCode.EventsOverflow}`, async () => {
    const slow = await watch();
    const fast = await watch();
    slow.socket().pause();
    const pad = 'x'.repeat(400);
    // 5000 events flush at once (MAX_EVENTS_PER_BATCH), so each round is one ~2.5 MB frame.
    for (let round = 0; round < 4; round++) {
      const received = fast.nextFrame();
      for (let i = 0; i < 5000; i++) control.events.emit({ type: 'security.changed', name: `${pad}${i}` });
      // The fast watcher keeps up: it reads each batch before the next one is made.
      await received;
    }
    slow.socket().resume();
    const { code, reason } = await slow.closed;
    expect(code).toBe(CloseCode.EventsOverflow);
    expect(reason).toBe('events overflow');
    expect(fast.ws.readyState).toBe(WebSocket.OPEN);
    expect(fast.frames.filter((f) => f.type === 'events')).toHaveLength(4);
    fast.ws.close();
    await fast.closed;
  });
});
