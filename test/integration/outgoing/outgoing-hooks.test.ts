import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../admin/helpers';
import { FIXTURES, startJsonPeer, waitOutgoing, type JsonPeer } from './helpers';

let h: Harness;
let peer: JsonPeer;
const g = globalThis as { __outgoingGate?: Promise<void>; __outgoingGateSeen?: { i: number }[] };

beforeAll(async () => {
  h = await startHarness({}, { services: [{ name: 'gate', module: join(FIXTURES, 'gate.mjs') }] });
  peer = await startJsonPeer();
});
afterAll(async () => {
  await h.close();
  await peer.close();
});

describe('outgoing hooks', () => {
  it('a slow onMessage hook pauses reading past the hook backlog and loses nothing, in order', async () => {
    let open!: () => void;
    g.__outgoingGate = new Promise<void>((r) => (open = r));
    await h.api('POST', '/outgoing', { body: { name: 'slow-hook', address: peer.url, onMessage: 'gate' } });
    const socket = await peer.nextConnection();
    await waitOutgoing(h.server, 'slow-hook', (o) => o.status.state === 'open');
    // Frames big enough to span many socket reads (pausing stops reads; one read's frames still queue).
    const pad = 'x'.repeat(20_000);
    for (let i = 0; i < 300; i++) socket.send(JSON.stringify({ i, pad }));
    // Past HOOK_BACKLOG waiting calls the socket is paused: not all 300 frames are read yet.
    await new Promise((r) => setTimeout(r, 200));
    expect((await h.server.outgoing!.get('slow-hook'))!.status.framesIn).toBeLessThan(300);
    open();
    await expect.poll(() => g.__outgoingGateSeen?.length ?? 0).toBe(300);
    expect(g.__outgoingGateSeen!.map((d) => d.i)).toEqual([...Array(300).keys()]);
    expect((await h.server.outgoing!.get('slow-hook'))!.status).toMatchObject({ state: 'open', framesIn: 300 });
  });
});
