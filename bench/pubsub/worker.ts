/**
 * Bench client process (forked by bench/pubsub/run.ts): holds many sockets so the measured
 * process only does server work. Commands arrive over IPC; results go back over IPC.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { z } from 'zod';

const Command = z.discriminatedUnion('cmd', [
  z.object({ cmd: z.literal('subscribers'), url: z.string(), count: z.number().int(), mode: z.enum(['raw', 'sb']), idPrefix: z.string(), topic: z.string() }),
  z.object({ cmd: z.literal('publishers'), url: z.string(), sockets: z.number().int(), inflight: z.number().int(), durationMs: z.number().int(), topic: z.string() }),
  z.object({ cmd: z.literal('ack') }),
  z.object({ cmd: z.literal('close') }),
]);
type Command = z.infer<typeof Command>;

const sockets: WebSocket[] = [];
const send = (m: unknown): void => void process.send!(m);
let received = 0;
let expected = 0;
let round = 0;
const lastOf = new Map<WebSocket, () => void>();
const ackAll = (): void => {
  for (const ack of lastOf.values()) ack();
};

function open(url: string): Promise<WebSocket> {
  return new Promise((res, rej) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => res(ws));
    ws.once('error', rej);
  });
}

/** Sends a frame and waits for the first frame back (welcome or response). */
function roundTrip(ws: WebSocket, frame: unknown): Promise<{ type: string; ok?: boolean }> {
  return new Promise((res) => {
    ws.once('message', (raw) => res(JSON.parse(String(raw)) as { type: string; ok?: boolean }));
    ws.send(JSON.stringify(frame));
  });
}

async function subscribers(c: Extract<Command, { cmd: 'subscribers' }>): Promise<void> {
  expected = c.count;
  const CONCURRENCY = 100;
  let next = 0;
  const one = async (i: number): Promise<void> => {
    const ws = await open(c.url);
    if (c.mode === 'sb') {
      await roundTrip(ws, { type: 'hello', clientId: `${c.idPrefix}-${i}` });
      const r = await roundTrip(ws, { type: 'subscribe', id: 1, topic: c.topic });
      if (!r.ok) throw new Error(`subscribe failed: ${JSON.stringify(r)}`);
    }
    // Count first; acks (cumulative) go out only when the parent says so ({cmd:'ack'}), after it
    // has read the server's CPU time for the round: ack handling is not part of the fan-out.
    let last: string | null = null;
    ws.on('message', (raw) => {
      if (c.mode === 'sb') {
        const text = String(raw);
        if (!text.startsWith('{"type":"message"')) return;
        last = text;
      }
      if (++received === expected) {
        send({ done: round, at: performance.timeOrigin + performance.now() });
        received = 0;
        round++;
      }
    });
    lastOf.set(ws, () => {
      if (last === null) return;
      const m = JSON.parse(last) as { topic: string; seq: number };
      last = null;
      ws.send(JSON.stringify({ type: 'ack', topic: m.topic, seq: m.seq }));
    });
    sockets.push(ws);
  };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < c.count) await one(next++);
    }),
  );
  send({ ready: sockets.length });
}

async function publishers(c: Extract<Command, { cmd: 'publishers' }>): Promise<void> {
  const conns = await Promise.all(Array.from({ length: c.sockets }, () => open(c.url)));
  await Promise.all(conns.map((ws, i) => roundTrip(ws, { type: 'hello', clientId: `bench-pub-${i}` })));
  let acks = 0;
  let failed = 0;
  let stop = false;
  let id = 0;
  const payload = { kind: 'throughput', pad: 'x'.repeat(64) };
  await new Promise<void>((done) => {
    let open = conns.length * c.inflight;
    for (const ws of conns) {
      ws.on('message', (raw) => {
        const f = JSON.parse(String(raw)) as { type: string; ok?: boolean };
        if (f.type !== 'response') return;
        if (f.ok) acks++;
        else failed++;
        if (stop) {
          if (--open === 0) done();
          return;
        }
        ws.send(JSON.stringify({ type: 'publish', id: ++id, topic: c.topic, data: payload }));
      });
      for (let k = 0; k < c.inflight; k++) ws.send(JSON.stringify({ type: 'publish', id: ++id, topic: c.topic, data: payload }));
    }
    setTimeout(() => (stop = true), c.durationMs);
  });
  for (const ws of conns) ws.close();
  send({ acks, failed });
}

// Never outlive the bench: a parent that dies leaves no process holding thousands of sockets.
process.on('disconnect', () => process.exit(0));

process.on('message', (raw) => {
  const c = Command.parse(raw);
  switch (c.cmd) {
    case 'subscribers':
      subscribers(c).catch((err: unknown) => send({ error: String(err) }));
      return;
    case 'publishers':
      publishers(c).catch((err: unknown) => send({ error: String(err) }));
      return;
    case 'ack':
      ackAll();
      return;
    case 'close':
      for (const ws of sockets) ws.terminate();
      process.exit(0);
  }
});
