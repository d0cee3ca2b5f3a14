import { describe, expect, it } from 'vitest';
import { MAX_CLOSED_LOGS, MessageLogBook, cutUtf8, type LogChannel } from '../../../../server/connections/message-log';

const channel = (over: Partial<LogChannel['config']> = {}): LogChannel => ({
  name: 'tills',
  config: { logReceived: true, logSent: true, logMaxMessages: 3, logMaxBytes: 32, logKeepSeconds: 60, ...over },
});

describe('MessageLogBook', () => {
  it('keeps at most logMaxMessages per connection, counting what the ring pushed out', () => {
    const book = new MessageLogBook();
    const ch = channel();
    for (let i = 1; i <= 5; i++) book.record('c1', ch, 'sent', `{"n":${i}}`, 7);
    const page = book.page('c1', 0, 100)!;
    expect(page.items.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(page.dropped).toBe(2);
    expect(book.page('c1', 4, 100)!.items.map((e) => e.seq)).toEqual([5]);
    expect(book.page('c1', 5, 100)!.nextAfter).toBe(5);
  });

  it('redacts hello credentials before keeping the frame, and truncates long frames', () => {
    const book = new MessageLogBook();
    book.record('c1', channel({ logMaxBytes: 1024 }), 'received', JSON.stringify({ type: 'hello', clientId: 'till-1', password: 'hunter2' }), 60);
    book.record('c1', channel(), 'received', JSON.stringify({ type: 'request', id: '1', data: 'x'.repeat(100) }), 130);
    const [hello, big] = book.page('c1', 0, 10)!.items;
    expect(hello!.text).not.toContain('hunter2');
    expect(hello!.text).toContain('[redacted]');
    expect(hello!.redacted).toBe(true);
    expect(big!.truncated).toBe(true);
    expect(Buffer.byteLength(big!.text)).toBeLessThanOrEqual(32);
    expect(big!.bytes).toBe(130);
  });

  it('keeps a closed connection readable for logKeepSeconds, then forgets it', () => {
    let now = 0;
    const book = new MessageLogBook(() => now);
    book.record('c1', channel({ logKeepSeconds: 10 }), 'sent', '{}', 2);
    book.connectionClosed('c1');
    now = 9_999;
    expect(book.page('c1', 0, 10)!.closedAt).toBe(new Date(0).toISOString());
    now = 10_000;
    expect(book.page('c1', 0, 10)).toBeUndefined();
  });

  it(`keeps at most ${MAX_CLOSED_LOGS} closed connections' logs`, () => {
    const book = new MessageLogBook(() => 0);
    for (let i = 0; i < MAX_CLOSED_LOGS + 5; i++) {
      book.record(`c${i}`, channel(), 'sent', '{}', 2);
      book.connectionClosed(`c${i}`);
    }
    expect(book.size).toBe(MAX_CLOSED_LOGS);
    expect(book.page('c0', 0, 1)).toBeUndefined();
  });

  it('cuts UTF-8 on a character boundary', () => {
    expect(cutUtf8('ééé', 3)).toEqual({ text: 'é', truncated: true });
  });
});
