import { describe, expect, it } from 'vitest';
import { Pairing } from '../../../../main/core/probe/pairing';

const j = (v: unknown) => JSON.stringify(v);

describe('Pairing with the same field on both sides (id ↔ id)', () => {
  it('registers a request whose own id sits at the reply path, and pairs the reply that reuses it', () => {
    const p = new Pairing({ requestPath: 'id', replyPath: 'id' });
    // Before the fix, this frame had a value at the reply path, answered nothing, and was dropped.
    expect(p.observe(0, 'out', 1000, j({ id: 7, op: 'sum' }))).toBeNull();
    expect(p.observe(1, 'in', 1012, j({ id: 7, result: 3 }))).toEqual({ role: 'reply', otherIndex: 0, latencyMs: 12, correlationId: '7' });
    expect(p.pairOf(0)).toEqual({ role: 'request', otherIndex: 1, latencyMs: 12, correlationId: '7' });
  });

  it('pairs server-initiated requests answered by us, too', () => {
    const p = new Pairing({ requestPath: 'id', replyPath: 'id' });
    p.observe(0, 'in', 0, j({ id: 'srv-1', op: 'ask' }));
    expect(p.observe(1, 'out', 5, j({ id: 'srv-1', ok: true }))).toMatchObject({ role: 'reply', otherIndex: 0 });
  });

  it('still pairs Switchboard id ↔ inReplyTo, and a reply frame that also carries its own id registers it', () => {
    const p = new Pairing({ requestPath: 'id', replyPath: 'inReplyTo' });
    p.observe(0, 'out', 0, j({ type: 'request', id: 'a' }));
    expect(p.observe(1, 'in', 4, j({ inReplyTo: 'a', id: 'b' }))).toMatchObject({ otherIndex: 0 });
    // An unmatched inReplyTo with an id is a request in its own right.
    p.observe(2, 'in', 6, j({ inReplyTo: 'zzz', id: 'c' }));
    expect(p.observe(3, 'out', 9, j({ inReplyTo: 'c' }))).toMatchObject({ otherIndex: 2, latencyMs: 3 });
  });
});

describe('Pairing, JSON-RPC 2.0 preset', () => {
  it('pairs a request with its result or error by id, in both directions', () => {
    const p = new Pairing({ requestPath: 'id', replyPath: 'id', mode: 'jsonrpc' });
    p.observe(0, 'out', 100, j({ jsonrpc: '2.0', id: 1, method: 'sum', params: [1, 2] }));
    p.observe(1, 'out', 101, j({ jsonrpc: '2.0', id: 2, method: 'fail' }));
    expect(p.observe(2, 'in', 130, j({ jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'no' } }))).toMatchObject({ role: 'reply', otherIndex: 1, latencyMs: 29 });
    expect(p.observe(3, 'in', 140, j({ jsonrpc: '2.0', id: 1, result: 3 }))).toMatchObject({ role: 'reply', otherIndex: 0, latencyMs: 40 });
    p.observe(4, 'in', 200, j({ jsonrpc: '2.0', id: 'srv', method: 'ping' }));
    expect(p.observe(5, 'out', 203, j({ jsonrpc: '2.0', id: 'srv', result: 'pong' }))).toMatchObject({ otherIndex: 4, latencyMs: 3 });
  });

  it('does not take a request with a reused id for a reply, and ignores notifications and batches', () => {
    const p = new Pairing({ requestPath: 'id', replyPath: 'id', mode: 'jsonrpc' });
    p.observe(0, 'out', 0, j({ jsonrpc: '2.0', id: 5, method: 'a' }));
    // The server's own request numbered 5 is a request, not our answer.
    expect(p.observe(1, 'in', 1, j({ jsonrpc: '2.0', id: 5, method: 'b' }))).toBeNull();
    expect(p.observe(2, 'in', 2, j({ jsonrpc: '2.0', method: 'notify' }))).toBeNull();
    expect(p.observe(3, 'in', 3, j([{ jsonrpc: '2.0', id: 5, result: 1 }]))).toBeNull();
    expect(p.observe(4, 'in', 4, j({ jsonrpc: '2.0', id: 5, result: 'ok' }))).toMatchObject({ otherIndex: 0 });
    expect(p.observe(5, 'out', 5, j({ jsonrpc: '2.0', id: 5, result: 'for b' }))).toMatchObject({ otherIndex: 1 });
  });
});
