import { describe, expect, it } from 'vitest';
import { failedAll, groupByServer, resultsOf } from '../../../../../renderer/src/features/connections/bulk';
import type { Row } from '../../../../../renderer/src/features/connections/connection-table';
import { conn } from '../../fixtures';

const row = (over: Parameters<typeof conn>[0] = {}, closed = false): Row => {
  const c = conn(over);
  return { key: c.rowKey, c, closed: closed ? { code: 1000, reason: '', atMs: 0 } : null };
};

describe('bulk disconnect', () => {
  it('groups open, live rows by server and leaves closed and stale rows out', () => {
    const a = row({ serverId: 's1' });
    const b = row({ serverId: 's2' });
    const c = row({ serverId: 's1' });
    const closed = row({ serverId: 's1' }, true);
    const stale = row({ serverId: 's2', staleSince: '2026-11-22T10:00:00.000Z' });
    const groups = groupByServer([a, b, c, closed, stale]);
    expect([...groups.keys()]).toEqual(['s1', 's2']);
    expect(groups.get('s1')!.map((r) => r.key)).toEqual([a.key, c.key]);
    expect(groups.get('s2')!.map((r) => r.key)).toEqual([b.key]);
  });

  it('maps an answer onto its rows: closed, failed with the message, or missing from the answer', () => {
    const [a, b, c] = [row(), row(), row()];
    const results = resultsOf([a, b, c], {
      code: 4005,
      reason: 'closed by administrator',
      matched: 2,
      items: [
        { ok: true, connectionId: a.c.connectionId, result: { connectionId: a.c.connectionId, code: 4005, reason: 'closed by administrator', terminated: false } },
        { ok: false, connectionId: b.c.connectionId, error: { code: 'SB_ERR_CONNECTION_NOT_FOUND', message: 'no such connection' } },
      ],
    } as Parameters<typeof resultsOf>[1]);
    expect(results.map((r) => [r.ok, r.text])).toEqual([
      [true, 'closed 4005'],
      [false, 'no such connection'],
      [false, 'not in the server’s answer'],
    ]);
    expect(failedAll([a], 'link down')).toEqual([expect.objectContaining({ key: a.key, ok: false, text: 'link down' })]);
  });
});
