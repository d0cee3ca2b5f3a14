import { describe, expect, it } from 'vitest';
import { buildStompFrame, buildSwitchboardFrame, decodeBinary, parseStompFrame } from '../../../../main/core/probe/frames';
import { BoundedMap, Pairing, readPath } from '../../../../main/core/probe/pairing';
import { fullJitterDelay } from '../../../../common/backoff';

describe('probe frame helpers', () => {
  it('decodes hex and base64 and names the field on malformed input', async () => {
    expect((await decodeBinary({ encoding: 'hex', data: '0a ff\n10' }, 'message.source')).toString('hex')).toBe('0aff10');
    expect((await decodeBinary({ encoding: 'base64', data: 'AQID' }, 'message.source')).toString('hex')).toBe('010203');
    await expect(decodeBinary({ encoding: 'hex', data: 'abc' }, 'message.source')).rejects.toMatchObject({ info: { field: 'message.source.data' } });
    await expect(decodeBinary({ encoding: 'file', path: '/nonexistent/file' }, 'message.source')).rejects.toMatchObject({ info: { field: 'message.source.path' } });
  });

  it('builds Switchboard frames with generated ids', () => {
    const req = JSON.parse(buildSwitchboardFrame({ kind: 'request', data: '{"a":1}' }));
    expect(req).toMatchObject({ type: 'request', data: { a: 1 } });
    expect(typeof req.id).toBe('string');
    expect(JSON.parse(buildSwitchboardFrame({ kind: 'hello', clientId: 'c1', token: 't' }))).toEqual({ type: 'hello', clientId: 'c1', token: 't' });
    expect(JSON.parse(buildSwitchboardFrame({ kind: 'ack', topic: 'news', seq: 3 }))).toEqual({ type: 'ack', topic: 'news', seq: 3 });
  });

  it('builds and parses STOMP frames, escaping headers', () => {
    const send = buildStompFrame({ command: 'SEND', destination: '/queue/a', body: 'hé', headers: [{ name: 'x:y', value: 'a\nb' }] });
    expect(send).toBe('SEND\ndestination:/queue/a\ncontent-length:3\nx\\cy:a\\nb\n\nhé\0');
    expect(parseStompFrame(send)).toEqual({ command: 'SEND', headers: [{ name: 'destination', value: '/queue/a' }, { name: 'content-length', value: '3' }, { name: 'x:y', value: 'a\nb' }], body: 'hé' });
    expect(parseStompFrame('\n')).toBeNull();
    expect(parseStompFrame('{"json":1}')).toBeNull();
    expect(buildStompFrame({ command: 'CONNECT', host: '/', heartBeat: '0,0', login: 'guest', passcode: 'guest', headers: [] })).toBe('CONNECT\naccept-version:1.2\nhost:/\nheart-beat:0,0\nlogin:guest\npasscode:guest\n\n\0');
  });

  it('pairs by configurable JSON paths in both directions', () => {
    expect(readPath({ meta: { ids: [7] } }, 'meta.ids.0')).toBe('7');
    const p = new Pairing({ requestPath: 'meta.rid', replyPath: 'meta.re' });
    expect(p.observe(0, 'in', 1000, '{"meta":{"rid":"x"}}')).toBeNull();
    expect(p.observe(1, 'in', 1010, '{"meta":{"re":"x"}}')).toBeNull(); // same direction does not answer
    expect(p.observe(2, 'out', 1030, '{"meta":{"re":"x"}}')).toEqual({ role: 'reply', otherIndex: 0, latencyMs: 30, correlationId: 'x' });
    expect(p.pairOf(0)).toMatchObject({ role: 'request', otherIndex: 2 });
  });

  it('forgets the oldest pairs and keeps its bookkeeping bounded', () => {
    const p = new Pairing({ requestPath: 'id', replyPath: 'inReplyTo', maxPairs: 10, maxPending: 5 });
    for (let i = 0; i < 100; i++) {
      p.observe(2 * i, 'out', i, `{"id":${i}}`);
      p.observe(2 * i + 1, 'in', i + 1, `{"inReplyTo":${i}}`);
    }
    expect(p.pairOf(0)).toBeUndefined();
    expect(p.pairOf(199)).toMatchObject({ role: 'reply', otherIndex: 198, latencyMs: 1 });
    const m = new BoundedMap<string, number>(3);
    for (let i = 0; i < 20_000; i++) {
      m.set(`k${i}`, i);
      m.map.delete(`k${i}`); // answered at once: the FIFO must not grow without bound
    }
    expect(m.order.length - m.head).toBeLessThan(2 * 3 + 1024 + 1);
    for (let i = 0; i < 5; i++) m.set(`z${i}`, i);
    expect([...m.map.keys()]).toEqual(['z2', 'z3', 'z4']);
  });

  it('full-jitter backoff stays under the cap', () => {
    for (let a = 0; a < 20; a++) expect(fullJitterDelay(a, { initialDelayMs: 100, maxDelayMs: 1000 }, () => 0.999)).toBeLessThan(1000);
    expect(fullJitterDelay(0, { initialDelayMs: 100, maxDelayMs: 1000 }, () => 0.5)).toBe(50);
  });
});
