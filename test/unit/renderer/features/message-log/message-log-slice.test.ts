import { describe, expect, it } from 'vitest';
import type { MessageLogEntry } from '../../../../../protocol/admin-message-log';
import { MESSAGE_VIEW_MAX, appendFrames, prettyFrame, visibleFrames } from '../../../../../renderer/src/features/message-log/message-log-slice';

const e = (seq: number, direction: MessageLogEntry['direction'] = 'sent', text = `{"n":${seq}}`): MessageLogEntry => ({ seq, at: '2026-01-01T00:00:00.000Z', direction, bytes: text.length, text, truncated: false, redacted: false });

describe('message log view', () => {
  it('appends only newer frames and keeps the newest MESSAGE_VIEW_MAX', () => {
    expect(appendFrames([e(1), e(2)], [e(2), e(3)]).map((x) => x.seq)).toEqual([1, 2, 3]);
    const many = Array.from({ length: MESSAGE_VIEW_MAX + 5 }, (_, i) => e(i + 1));
    const kept = appendFrames([], many);
    expect(kept).toHaveLength(MESSAGE_VIEW_MAX);
    expect(kept[0]!.seq).toBe(6);
  });
  it('filters by direction and text; pretty-prints JSON, leaves the rest as is', () => {
    const items = [e(1, 'sent', '{"a":"ping"}'), e(2, 'received', '{"a":"pong"}')];
    expect(visibleFrames(items, 'PONG', 'all').map((x) => x.seq)).toEqual([2]);
    expect(visibleFrames(items, '', 'sent').map((x) => x.seq)).toEqual([1]);
    expect(prettyFrame('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyFrame('{"a":1')).toBe('{"a":1');
  });
});
