import { describe, expect, it } from 'vitest';
import { ClientFrameSchema } from '../../../../../protocol/client-frames';
import { compileTextFilter, regexError } from '../../../../../renderer/src/features/probe/lib/filter';
import { validateCloseInput } from '../../../../../renderer/src/features/probe/lib/close';
import { formatPairs, parsePairs, validateWsUrl } from '../../../../../renderer/src/features/probe/lib/ws-url';
import * as sb from '../../../../../renderer/src/features/probe/helpers/switchboard-frames';
import * as stomp from '../../../../../renderer/src/features/probe/helpers/stomp-frames';

describe('compileTextFilter', () => {
  it('matches substrings case-insensitively by default and case-sensitively on request', () => {
    const f = compileTextFilter({ text: 'Hello', regex: false, caseSensitive: false });
    expect(f.ok && f.test('say hello')).toBe(true);
    const g = compileTextFilter({ text: 'Hello', regex: false, caseSensitive: true });
    expect(g.ok && g.test('say hello')).toBe(false);
  });
  it('compiles regexes and reports invalid ones without throwing', () => {
    const f = compileTextFilter({ text: '^\\{"id":\\d+', regex: true, caseSensitive: false });
    expect(f.ok && f.test('{"id":42}')).toBe(true);
    expect(f.ok && f.test('{"id":"x"}')).toBe(false);
    expect(regexError('a(b')).toMatch(/invalid regular expression/);
    expect(regexError('a(b)')).toBeNull();
  });
  it('an empty filter matches everything', () => {
    const f = compileTextFilter({ text: '', regex: true, caseSensitive: false });
    expect(f.ok && f.test('anything')).toBe(true);
  });
});

describe('validateCloseInput', () => {
  it('accepts 1000 and the 3000-4999 range', () => {
    expect(validateCloseInput('1000', 'bye')).toEqual({ ok: true, code: 1000, reason: 'bye' });
    expect(validateCloseInput(' 4321 ', '')).toMatchObject({ ok: true, code: 4321 });
  });
  it('rejects reserved codes, non-numbers and long reasons, naming the field', () => {
    expect(validateCloseInput('1006', '')).toMatchObject({ ok: false, field: 'code' });
    expect(validateCloseInput('1001', '')).toMatchObject({ ok: true, code: 1001 });
    expect(validateCloseInput('1005', '')).toMatchObject({ ok: false, field: 'code' });
    expect(validateCloseInput('5000', '')).toMatchObject({ ok: false, field: 'code' });
    expect(validateCloseInput('abc', '')).toMatchObject({ ok: false, field: 'code' });
    expect(validateCloseInput('1000', 'é'.repeat(62))).toMatchObject({ ok: false, field: 'reason' });
    expect(validateCloseInput('1000', 'x'.repeat(123))).toMatchObject({ ok: true });
  });
});

describe('validateWsUrl and pairs', () => {
  it('accepts ws: and wss: only', () => {
    expect(validateWsUrl('ws://127.0.0.1:8080/ws')).toMatchObject({ ok: true });
    expect(validateWsUrl('wss://example.com')).toMatchObject({ ok: true });
    expect(validateWsUrl('http://example.com')).toMatchObject({ ok: false, error: expect.stringContaining('http:') });
    expect(validateWsUrl('not a url')).toMatchObject({ ok: false });
    expect(validateWsUrl('')).toMatchObject({ ok: false });
  });
  it('parses header and query lines, rejecting bad names', () => {
    expect(parsePairs('X-A: 1\n\n# c\nX-B:two:three', ':')).toEqual({ ok: true, pairs: [['X-A', '1'], ['X-B', 'two:three']] });
    expect(parsePairs('bad header: 1', ':')).toMatchObject({ ok: false, line: 1 });
    expect(parsePairs('a=1\nnovalue', '=')).toMatchObject({ ok: false, line: 2 });
    expect(formatPairs([['a', '1']], '=')).toBe('a=1');
  });
});

describe('Switchboard frame helper', () => {
  it('builds frames the server-side schema accepts', () => {
    const frames = [
      sb.helloFrame('probe-1', 'Probe', { kind: 'basic', username: 'u', password: 'p' }),
      sb.helloFrame('probe-1', '', { kind: 'jwt', token: 't' }),
      sb.requestFrame(1, { op: 'x' }),
      sb.subscribeFrame(2, 'prices.eur'),
      sb.unsubscribeFrame(3, 'prices.eur'),
      sb.publishFrame(4, 'prices.eur', { p: 1 }),
      sb.ackFrame('prices.eur', 7),
      sb.responseFrame('r1', { ok: 1 }),
    ];
    for (const f of frames) expect(ClientFrameSchema.safeParse(JSON.parse(f)).success).toBe(true);
  });
  it('finds the topic and seq of a delivery to ack', () => {
    expect(sb.ackForDelivery('{"type":"message","topic":"t","seq":3,"data":1}')).toEqual({ topic: 't', seq: 3 });
    expect(sb.ackForDelivery('{"type":"response"}')).toBeNull();
    expect(sb.ackForDelivery('nope')).toBeNull();
  });
});

describe('STOMP helper', () => {
  it('builds NUL-terminated frames with escaped headers', () => {
    expect(stomp.stompConnect('broker', 'guest', 'pw')).toBe('CONNECT\naccept-version:1.2\nhost:broker\nheart-beat:10000,10000\nlogin:guest\npasscode:pw\n\n\0');
    expect(stomp.stompSubscribe('sub-0', '/topic/a:b', 'client')).toBe('SUBSCRIBE\nid:sub-0\ndestination:/topic/a\\cb\nack:client\n\n\0');
    expect(stomp.stompSend('/queue/x', '{"é":1}')).toContain('content-length:8\n\n{"é":1}\0');
    expect(stomp.stompAck('m-1')).toBe('ACK\nid:m-1\n\n\0');
  });
  it('reads the ack id of a MESSAGE frame', () => {
    expect(stomp.stompAckIdOf('MESSAGE\nsubscription:0\nack:abc\n\nbody\0')).toBe('abc');
    expect(stomp.stompAckIdOf('RECEIPT\nreceipt-id:1\n\n\0')).toBeNull();
  });
});
