import { describe, expect, it } from 'vitest';
import { encode, decode, getPath, Ring, withPath } from '../../../../server/outgoing/frames';
import { OUTGOING_TRANSITIONS } from '../../../../server/outgoing/outgoing-connection';
import { OutgoingCreateSchema, OutgoingPatchSchema, outgoingConfigProblem } from '../../../../protocol/admin-outgoing';

describe('outgoing frames', () => {
  it('encodes per data format and refuses what the format cannot carry', () => {
    expect(encode('json', { a: 'é' })).toMatchObject({ payload: '{"a":"é"}', binary: false, bytes: 10 });
    expect(encode('text', 'hi')).toMatchObject({ payload: 'hi', bytes: 2 });
    expect(encode('binary', 'AAEC')).toMatchObject({ binary: true, bytes: 3 });
    expect(() => encode('text', 1)).toThrow(/a string is required/);
    expect(() => encode('binary', 'not base64!')).toThrow(/base64/);
    expect(() => encode('json', undefined)).toThrow(/JSON value/);
  });

  it('decodes JSON, and keeps text that is not JSON with the parse error', () => {
    expect(decode('json', Buffer.from('{"x":1}'), false)).toEqual({ data: { x: 1 }, parseError: null });
    expect(decode('json', Buffer.from('nope'), false)).toMatchObject({ data: 'nope', parseError: expect.any(String) });
    expect(decode('text', Buffer.from('{"x":1}'), false).data).toBe('{"x":1}');
  });

  it('reads and writes dotted paths without touching the input', () => {
    const v = { meta: { id: 3 } };
    expect(getPath(v, 'meta.id')).toBe(3);
    expect(getPath(v, 'meta.nope.x')).toBeUndefined();
    const w = withPath(v, 'meta.reply.id', 'k');
    expect(w).toEqual({ meta: { id: 3, reply: { id: 'k' } } });
    expect(v).toEqual({ meta: { id: 3 } });
  });

  it('keeps the newest items of a ring, oldest first, and shrinks it', () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.toArray()).toEqual([3, 4, 5]);
    r.resize(2);
    expect(r.toArray()).toEqual([4, 5]);
    r.resize(0);
    r.push(9);
    expect(r.toArray()).toEqual([]);
  });
});

describe('outgoing definitions', () => {
  it('every state can reach stopped, and stopped only leads back to connecting', () => {
    for (const [from, to] of Object.entries(OUTGOING_TRANSITIONS)) if (from !== 'stopped') expect(to, from).toContain('stopped');
    expect(OUTGOING_TRANSITIONS.stopped).toEqual(['connecting']);
  });

  it('defaults apply on create only; a patch names at least one field', () => {
    const c = OutgoingCreateSchema.parse({ name: 'a', address: 'ws://h:1/' });
    expect(c).toMatchObject({ kind: 'plain', sendQueueMax: 100, autoReconnect: { enabled: true, maxAttempts: 0 } });
    expect(OutgoingPatchSchema.parse({ pingInterval: 3 })).toEqual({ pingInterval: 3 });
    expect(OutgoingPatchSchema.safeParse({}).success).toBe(false);
  });

  it('whole-definition rules name their field', () => {
    const base = OutgoingCreateSchema.parse({ name: 'a', address: 'ws://h:1/' });
    expect(outgoingConfigProblem({ ...base, kind: 'switchboard' })?.field).toBe('clientId');
    expect(outgoingConfigProblem({ ...base, topics: ['t'] })?.field).toBe('topics');
    expect(outgoingConfigProblem({ ...base, kind: 'switchboard', clientId: 'x', dataFormat: 'text' })?.field).toBe('dataFormat');
    expect(outgoingConfigProblem(base)).toBeNull();
  });
});
