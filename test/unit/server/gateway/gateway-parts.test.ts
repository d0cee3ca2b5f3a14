import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Balancer } from '../../../../server/gateway/balancer';
import { forwardedClose } from '../../../../server/gateway/gateway-session';
import { allowedOffer, forwardHeaders, underPrefix, upstreamUrl } from '../../../../server/gateway/handshake';
import { closeFrame, FrameCursor } from '../../../../server/gateway/raw-frames';
import { Listener } from '../../../../server/channels/listener-pool';

const frame = (opcode: number, len: number, { fin = true, masked = false } = {}): Buffer => {
  const head: number[] = [(fin ? 0x80 : 0) | opcode];
  const m = masked ? 0x80 : 0;
  if (len < 126) head.push(m | len);
  else if (len < 65536) head.push(m | 126, len >> 8, len & 0xff);
  else {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(len));
    head.push(m | 127, ...b);
  }
  return Buffer.concat([Buffer.from(head), masked ? Buffer.from([1, 2, 3, 4]) : Buffer.alloc(0), Buffer.alloc(len)]);
};

describe('FrameCursor', () => {
  it('follows boundaries across any chunking, for 7-bit, 16-bit and 64-bit lengths, masked or not', () => {
    const data = Buffer.concat([frame(1, 5), frame(2, 300, { masked: true }), frame(2, 70_000), frame(1, 3, { fin: false }), frame(0, 3), frame(9, 0)]);
    const stream = Buffer.concat([data, frame(8, 2)]);
    for (const size of [1, 2, 3, 7, 100, stream.length]) {
      const c = new FrameCursor();
      for (let i = 0; i < stream.length; i += size) {
        c.feed(stream.subarray(i, Math.min(i + size, stream.length)));
        if (i + size <= data.length) expect(c.sawClose).toBe(false);
      }
      expect(c.atBoundary).toBe(true);
      // text, binary, binary, a fragmented message (counted once at its final frame); pings are not messages
      expect(c.messages).toBe(4);
      expect(c.sawClose).toBe(true);
    }
  });

  it('is not at a boundary in the middle of a header or a payload', () => {
    const c = new FrameCursor();
    c.feed(frame(2, 300).subarray(0, 3));
    expect(c.atBoundary).toBe(false);
    c.feed(frame(2, 300).subarray(3, 100));
    expect(c.atBoundary).toBe(false);
  });

  it('builds Close frames: unmasked to a client, masked to an upstream', () => {
    const plain = closeFrame(1011, 'gone', false);
    expect([...plain.subarray(0, 4)]).toEqual([0x88, 6, 0x03, 0xf3]);
    const masked = closeFrame(1011, 'gone', true);
    expect(masked[1]).toBe(0x80 | 6);
    const mask = masked.subarray(2, 6);
    const payload = Buffer.from(masked.subarray(6).map((b, i) => b ^ mask[i & 3]!));
    expect(payload.readUInt16BE(0)).toBe(1011);
    expect(payload.subarray(2).toString()).toBe('gone');
    const c = new FrameCursor();
    c.feed(masked);
    expect(c.sawClose && c.atBoundary).toBe(true);
  });
});

const req = (rawHeaders: string[]): IncomingMessage => {
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i]!.toLowerCase()] = rawHeaders[i + 1]!;
  return { rawHeaders, headers } as unknown as IncomingMessage;
};

describe('handshake helpers', () => {
  it('forwards end-to-end headers, never hop-by-hop ones or those Connection names, honours the deny list, joins repeats', () => {
    const h = forwardHeaders(req([
      'Host', 'gw', 'Connection', 'Upgrade, X-Hop', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'k', 'X-Hop', '1', 'Keep-Alive', '5',
      'Authorization', 'Basic x', 'Cookie', 'a=1', 'Cookie', 'b=2', 'Accept', 'x', 'Accept', 'y', 'X-Secret', 's', 'X-Forwarded-For', '10.0.0.1',
    ]), ['x-secret'], '127.0.0.1');
    expect(h).toEqual({ Authorization: 'Basic x', Cookie: 'a=1; b=2', Accept: 'x, y', 'X-Forwarded-For': '10.0.0.1, 127.0.0.1' });
  });

  it('filters the offer by the allow-list in the client’s order; refuses none or only disallowed ones', () => {
    expect(allowedOffer(['mqtt', 'v11.stomp', 'v12.stomp'], ['v12.stomp', 'v11.stomp'])).toEqual(['v11.stomp', 'v12.stomp']);
    expect(allowedOffer(['mqtt'], ['v12.stomp'])).toBeNull();
    expect(allowedOffer([], ['v12.stomp'])).toBeNull();
    expect(allowedOffer([], [])).toEqual([]);
    expect(allowedOffer(['x'], [])).toBeNull();
  });

  it('appends the rest of the path and the query to the upstream URL; the display form has no query', () => {
    expect(upstreamUrl('ws://up:1/svc/', '/orders/ws/v1', '/orders/ws/v1/a/b?t=1')).toEqual({ url: 'ws://up:1/svc/a/b?t=1', display: 'ws://up:1/svc/a/b' });
    expect(upstreamUrl('ws://up:1', '/o', '/o')).toEqual({ url: 'ws://up:1/', display: 'ws://up:1/' });
    expect(upstreamUrl('ws://up:1/ws', '/', '/x?y=2').url).toBe('ws://up:1/ws/x?y=2');
    expect(underPrefix('/ab', '/a')).toBe(false);
    expect(underPrefix('/a/b', '/a')).toBe(true);
  });

  it('forwards close codes as they came; none for 1005; the lost code for 1006', () => {
    const lost = [1011, 'gateway: upstream connection lost'] as const;
    expect(forwardedClose(4100, 'bye', lost)).toEqual([4100, 'bye']);
    expect(forwardedClose(1009, 'big', lost)).toEqual([1009, 'big']);
    expect(forwardedClose(1005, '', lost)).toEqual([]);
    expect(forwardedClose(1006, '', lost)).toEqual([1011, 'gateway: upstream connection lost']);
  });
});

describe('Balancer', () => {
  it('round robin, least sessions, cool-down after failThreshold, dynamic instances expire', () => {
    const b = new Balancer({ policy: 'round-robin', failThreshold: 2, coolDownMs: 1000 }, ['ws://a', 'ws://b']);
    expect([b.pick(0)!.url, b.pick(0)!.url, b.pick(0)!.url]).toEqual(['ws://a', 'ws://b', 'ws://a']);
    const a = b.instances(0)[0]!;
    b.failed(a, 0);
    expect(b.instances(0).every((i) => i.healthy(0))).toBe(true);
    b.failed(a, 0);
    expect([b.pick(10)!.url, b.pick(10)!.url]).toEqual(['ws://b', 'ws://b']);
    expect(b.pick(1000)).not.toBeNull();
    b.options = { ...b.options, policy: 'least-sessions' };
    b.instances(0)[1]!.sessions = 5;
    expect(b.pick(2000)!.url).toBe('ws://a');
    b.register('ws://c', 500, 0);
    expect(b.instances(100).map((i) => i.url)).toContain('ws://c');
    expect(b.instances(600).map((i) => i.url)).not.toContain('ws://c');
    b.setStatic([]);
    expect(b.pick(0)).toBeNull();
  });
});

describe('Listener.lookup', () => {
  it('an exact path wins; otherwise the longest prefix route, segment-wise', () => {
    const l = new Listener('127.0.0.1', {} as never, {} as never);
    const exact = { handleUpgrade: () => undefined };
    const root = { handleUpgrade: () => undefined, prefix: true };
    const deep = { handleUpgrade: () => undefined, prefix: true };
    l.routes.set('/a', exact);
    l.routes.set('/', root);
    l.routes.set('/a/b', deep);
    expect(l.lookup('/a')).toBe(exact);
    expect(l.lookup('/a/b/c')).toBe(deep);
    expect(l.lookup('/a/bc')).toBe(root);
    expect(l.lookup('/zzz')).toBe(root);
    l.routes.delete('/');
    expect(l.lookup('/zzz')).toBeUndefined();
    // A channel (no prefix flag) serves only its exact path.
    expect(l.lookup('/a/x')).toBeUndefined();
  });
});
