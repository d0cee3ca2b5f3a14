import { describe, expect, it } from 'vitest';
import { OutgoingSchema, type Outgoing } from '../../../../../protocol/admin-outgoing';
import { applyOutgoingChange, initialOutgoing, MAX_RESULTS, outgoingKey, withResult } from '../../../../../renderer/src/features/outgoing/outgoing-slice';
import { draftOf, outgoingInputOf, outgoingPatchOf } from '../../../../../renderer/src/features/outgoing/outgoing-form';
import { testStore } from '../../fake-deps';

const at = '2026-12-04T20:00:00.000Z';
const status = { state: 'open', reason: 'connected', since: at, attempts: 0, nextAttemptAt: null, lastError: null, lastClose: null, connectedSince: at, rttMs: 1, framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, queued: 0, pending: 0, protocol: '' } as const;
const outgoing = (name: string, over: Partial<Outgoing> = {}): Outgoing => OutgoingSchema.parse({
  name, active: true, address: 'ws://127.0.0.1:9/', kind: 'plain', autoReconnect: { enabled: true, initialDelayMs: 500, maxDelayMs: 30000, maxAttempts: 0 },
  security: { type: 'basic', username: 'u', hasSecret: true }, headerNames: [], subprotocols: [], tls: null, proxy: null, pingInterval: 30, pingsMissedThreshold: 2,
  connectTimeoutMs: 10000, idleTimeoutMs: 0, maxMessageBytes: 1048576, dataFormat: 'json', onConnect: null, onMessage: 'hook', onClose: null,
  correlation: { requestPath: 'id', replyPath: 'id' }, clientId: null, clientName: null, topics: [], sendQueueMax: 100, maxPendingInvokes: 1000, recentFrames: 50,
  createdAt: at, updatedAt: at, node: 'n1', status, ...over,
});

describe('outgoing slice updates', () => {
  it('applies changes of the shown cluster only, and a deletion removes the row and its selection', () => {
    const s0 = { ...initialOutgoing(), clusterId: 'c1' };
    const s1 = applyOutgoingChange(s0, { clusterId: 'c1', serverId: 's1', name: 'a', outgoing: outgoing('a') });
    expect(Object.keys(s1.rows)).toEqual([outgoingKey('s1', 'a')]);
    expect(applyOutgoingChange(s1, { clusterId: 'other', serverId: 's1', name: 'b', outgoing: outgoing('b') })).toBe(s1);
    const s2 = applyOutgoingChange({ ...s1, selected: outgoingKey('s1', 'a') }, { clusterId: 'c1', serverId: 's1', name: 'a', outgoing: null });
    expect(s2.rows).toEqual({});
    expect(s2.selected).toBeNull();
  });

  it('keeps at most MAX_RESULTS results per connection, newest last', () => {
    let s = initialOutgoing();
    for (let i = 0; i < MAX_RESULTS + 5; i++) s = withResult(s, 'k', { kind: 'sent', text: String(i) }, at);
    expect(s.results.k).toHaveLength(MAX_RESULTS);
    expect(s.results.k!.at(-1)!.text).toBe(String(MAX_RESULTS + 4));
  });

  it('the selected connection reloads its frames when its counters move, not on every change', async () => {
    const t = testStore({
      'outgoing.list': () => ({ items: [{ serverId: 's1', outgoing: outgoing('a') }], errors: [] }),
      'outgoing.frames': () => ({ items: [] }),
    });
    await t.store.getState().loadOutgoing('c1');
    t.store.getState().selectOutgoing(outgoingKey('s1', 'a'));
    const framesCalls = () => t.calls.filter((c) => c.method === 'outgoing.frames').length;
    expect(framesCalls()).toBe(1);
    t.store.getState().onOutgoingChanged({ clusterId: 'c1', serverId: 's1', name: 'a', outgoing: outgoing('a', { status: { ...status, reason: 'still connected' } }) });
    expect(framesCalls()).toBe(1);
    t.store.getState().onOutgoingChanged({ clusterId: 'c1', serverId: 's1', name: 'a', outgoing: outgoing('a', { status: { ...status, framesIn: 3 } }) });
    expect(framesCalls()).toBe(2);
  });

  it('an invoke that fails is recorded with its code, not thrown', async () => {
    const t = testStore({
      'outgoing.list': () => ({ items: [{ serverId: 's1', outgoing: outgoing('a') }], errors: [] }),
      'outgoing.invoke': () => { throw new Error('no reply'); },
    });
    await t.store.getState().loadOutgoing('c1');
    await t.store.getState().invokeOutgoing(outgoingKey('s1', 'a'), { id: 1 }, 1000);
    expect(t.store.getState().outgoing.results[outgoingKey('s1', 'a')]).toMatchObject([{ kind: 'error', text: 'SB_ERR_INTERNAL: no reply' }]);
    expect(t.calls.map((c) => c.method)).toEqual(['outgoing.list', 'outgoing.invoke']);
  });
});

describe('outgoing form', () => {
  it('an unchanged edit sends nothing; secrets are sent only when typed', () => {
    const o = outgoing('a');
    expect(outgoingPatchOf(o, draftOf(o))).toEqual({});
    expect(outgoingPatchOf(o, { ...draftOf(o), pingInterval: '5' })).toEqual({ pingInterval: 5 });
    expect(outgoingPatchOf(o, { ...draftOf(o), secret: 'new-pass' })).toEqual({ security: { type: 'basic', username: 'u', password: 'new-pass' } });
  });

  it('a new draft is a valid create once named and addressed; empty correlation paths mean none', () => {
    const input = outgoingInputOf({ ...draftOf(null), name: 'x', requestPath: '', replyPath: '' });
    expect(input).toMatchObject({ name: 'x', correlation: null, security: { type: 'none' }, tls: null });
  });
});
