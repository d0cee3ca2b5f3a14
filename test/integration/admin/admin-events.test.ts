import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AdminEventFrameSchema, type AdminEvent, type AdminEventFrame } from '../../../protocol/admin-events';
import { CloseCode } from '../../../protocol/close-codes';
import { connectClient, OPERATOR, startHarness, VIEWER, type Harness } from './helpers';

const BATCH_MS = 40;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ eventBatchMs: BATCH_MS, maxEventBufferBytes: 64 * 1024 });
});
afterAll(async () => {
  await h.close();
});

/** A live-events watcher collecting frames; `until` awaits an event matching a predicate. */
async function watch(token: string) {
  const url = h.server.adminUrl!.replace('http://', 'ws://') + '/admin/v1/events';
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  const frames: AdminEventFrame[] = [];
  const all: AdminEvent[] = [];
  let listeners: (() => void)[] = [];
  let socket: Socket | undefined;
  ws.on('upgrade', (res) => { socket = res.socket as Socket; });
  ws.on('message', (raw) => {
    const frame = AdminEventFrameSchema.parse(JSON.parse(String(raw)));
    frames.push(frame);
    if (frame.type === 'events') all.push(...frame.events);
    const l = listeners;
    listeners = [];
    for (const f of l) f();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const events = (): AdminEvent[] => all;
  const until = async (pred: (e: AdminEvent) => boolean): Promise<AdminEvent> => {
    for (let i = 0; ; ) {
      for (; i < all.length; i++) if (pred(all[i]!)) return all[i]!;
      await new Promise<void>((resolve) => listeners.push(resolve));
    }
  };
  await new Promise<void>((resolve) => listeners.push(resolve));
  return { ws, frames, events, until, closed, socket: () => socket! };
}

describe('admin live events against a real server', () => {
  it('a viewer sees a client open and close, and a channel change, in batches', async () => {
    const w = await watch(VIEWER);
    const ready = w.frames[0]!;
    expect(ready.type).toBe('ready');
    if (ready.type !== 'ready') return;
    expect(ready.server.name).toBe('admin-int');

    const c = await connectClient(h.server.channelUrl('main'), 'watched-1');
    const opened = await w.until((e) => e.type === 'connection.opened' && e.connection.connectionId === c.connectionId);
    expect(opened.seq).toBeGreaterThan(ready.seq);
    await w.until((e) => (e.type === 'connection.opened' || e.type === 'connection.updated') && e.connection.clientId === 'watched-1');
    c.ws.close(1000, 'done');
    const closed = await w.until((e) => e.type === 'connection.closed' && e.connectionId === c.connectionId);
    expect(closed).toMatchObject({ clientId: 'watched-1', code: 1000, initiator: 'client' });

    expect((await h.api('POST', '/channels', { body: { name: 'evt', address: 'ws://127.0.0.1:0/evt' } })).status).toBe(201);
    const changed = await w.until((e) => e.type === 'channel.changed' && e.name === 'evt');
    expect(changed).toMatchObject({ channel: { name: 'evt' } });

    // Batched: never more frames than events, and seqs strictly increase across frames.
    const seqs = w.events().map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    w.ws.close();
    await w.closed;
  });

  it('coalesces connection.updated per connection within one batch', async () => {
    const w = await watch(OPERATOR);
    const before = w.frames.length;
    // Two bursts of updates for one connection inside one batch window arrive as one event.
    const info = { ...(await connectClient(h.server.channelUrl('main'), 'co-1')) };
    const conn = (await h.server.connections.get(info.connectionId))!;
    h.server.events.emit({ type: 'connection.updated', connection: { ...conn, msgsIn: 101 } });
    h.server.events.emit({ type: 'connection.updated', connection: { ...conn, msgsIn: 102 } });
    const last = await w.until((e) => e.type === 'connection.updated' && e.connection.msgsIn === 102);
    expect(w.events().filter((e) => e.type === 'connection.updated' && e.connection.msgsIn === 101)).toHaveLength(0);
    expect(w.frames.length).toBeGreaterThan(before);
    expect(last.type).toBe('connection.updated');
    info.ws.close();
    w.ws.close();
    await w.closed;
  });

  it(`closes a slow consumer with ${CloseCode.EventsOverflow} while a fast one keeps going`, async () => {
    const slow = await watch(VIEWER);
    const fast = await watch(VIEWER);
    slow.socket().pause();
    const pad = 'x'.repeat(400);
    for (let round = 0; round < 4; round++) {
      const seen = fast.frames.length;
      for (let i = 0; i < 5000; i++) h.server.events.emit({ type: 'security.changed', name: `${pad}${round}-${i}` });
      await fast.until((e) => e.type === 'security.changed' && e.name === `${pad}${round}-4999`);
      expect(fast.frames.length).toBeGreaterThan(seen);
    }
    slow.socket().resume();
    expect(await slow.closed).toEqual({ code: CloseCode.EventsOverflow, reason: 'events overflow' });
    expect(fast.ws.readyState).toBe(WebSocket.OPEN);
    fast.ws.close();
    await fast.closed;
  });
});
