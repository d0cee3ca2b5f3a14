import { describe, expect, it } from 'vitest';
import type { AdminEvent } from '../../../../protocol/admin-events';
import type { ConnectionInfo } from '../../../../protocol/admin-connections';
import { EventBatcher } from '../../../../server/admin/events-stream';

let seq = 0;
const at = '2026-01-01T00:00:00.000Z';
const conn = (id: string, msgsIn = 0) => ({ connectionId: id, msgsIn }) as ConnectionInfo;
const opened = (id: string): AdminEvent => ({ type: 'connection.opened', seq: ++seq, at, connection: conn(id) });
const updated = (id: string, msgsIn: number): AdminEvent => ({ type: 'connection.updated', seq: ++seq, at, connection: conn(id, msgsIn) });
const closed = (id: string): AdminEvent => ({ type: 'connection.closed', seq: ++seq, at, connectionId: id, clientId: null, channel: 'c', code: 1000, reason: '', initiator: 'client' });
const changed = (name: string): AdminEvent => ({ type: 'channel.changed', seq: ++seq, at, name, channel: null });

describe('EventBatcher', () => {
  it('keeps only the latest connection.updated per connection, in seq order', () => {
    const b = new EventBatcher();
    b.add(updated('a', 1));
    b.add(updated('b', 1));
    b.add(updated('a', 2));
    b.add(changed('x'));
    b.add(updated('a', 3));
    const out = b.take();
    expect(out.map((e) => (e.type === 'connection.updated' ? `${e.connection.connectionId}${e.connection.msgsIn}` : e.type))).toEqual(['b1', 'channel.changed', 'a3']);
    expect(out.map((e) => e.seq)).toEqual([...out.map((e) => e.seq)].sort((x, y) => x - y));
  });

  it('drops updates of a connection the same batch closes, keeping open and close', () => {
    const b = new EventBatcher();
    b.add(opened('a'));
    b.add(updated('a', 1));
    b.add(updated('b', 1));
    b.add(closed('a'));
    expect(b.size).toBe(3);
    expect(b.take().map((e) => e.type)).toEqual(['connection.opened', 'connection.updated', 'connection.closed']);
  });

  it('starts empty after take', () => {
    const b = new EventBatcher();
    b.add(updated('a', 1));
    b.take();
    expect(b.size).toBe(0);
    b.add(updated('a', 2));
    expect(b.take()).toHaveLength(1);
  });
});
