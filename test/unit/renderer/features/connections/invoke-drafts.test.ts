import { describe, expect, it } from 'vitest';
import { DEFAULT_DRAFT, initialInvoke, withCancelled, withDraft, withEntry, type InvokeEntry } from '../../../../../renderer/src/features/connections/invoke-slice';
import { testStore } from '../../fake-deps';

const base = DEFAULT_DRAFT(10_000);
const entry = (id: number): InvokeEntry => ({ id, clientId: 'a', rowKey: 's/c', connectionId: 'c', text: '{}', timeoutMs: 5000, sentAtMs: 100, status: 'pending' });

describe('invoke drafts and cancel', () => {
  it('keeps a draft per connection, bounded, least recently edited dropped first', () => {
    let s = initialInvoke();
    s = withDraft(s, 'r1', { text: '{"a":1}' }, base, 2);
    s = withDraft(s, 'r2', { timeout: '500' }, base, 2);
    expect(s.drafts).toEqual({ r1: { text: '{"a":1}', timeout: '10000' }, r2: { text: base.text, timeout: '500' } });
    // Editing r1 again makes it the newest; a third connection pushes r2 out.
    s = withDraft(s, 'r1', { timeout: '7' }, base, 2);
    s = withDraft(s, 'r3', { text: '1' }, base, 2);
    expect(Object.keys(s.drafts)).toEqual(['r1', 'r3']);
    expect(s.drafts.r1).toEqual({ text: '{"a":1}', timeout: '7' });
    // History updates leave drafts alone.
    expect(withEntry(s, entry(1)).drafts).toBe(s.drafts);
  });

  it('cancels only a pending invoke, and a late answer does not undo it', () => {
    let s = withEntry(initialInvoke(), entry(1));
    s = withCancelled(s, 'a', 1, 350);
    expect(s.history.a![0]).toMatchObject({ status: 'cancelled', cancelledAtMs: 350 });
    expect(withEntry(s, { ...entry(1), status: 'ok' }).history.a![0]!.status).toBe('cancelled');
    expect(withCancelled(s, 'a', 99, 400)).toBe(s);
    const ok = withEntry(withEntry(initialInvoke(), entry(2)), { ...entry(2), status: 'ok' });
    expect(withCancelled(ok, 'a', 2, 400)).toBe(ok);
  });

  it('a send cancelled while waiting resolves as cancelled and stays so', async () => {
    let answer: (v: unknown) => void = () => {};
    const t = testStore({ 'connections.invoke': () => new Promise((r) => (answer = r as (v: unknown) => void)) as never });
    const target = { clusterId: 'k', serverId: 's', connectionId: 'c', rowKey: 's/c', clientId: 'demo-1' };
    const sent = t.store.getState().sendInvoke(target, '{"a":1}', 1000);
    const pending = t.store.getState().invoke.history['demo-1']![0]!;
    expect(pending.status).toBe('pending');
    t.advance(250);
    t.store.getState().cancelInvoke('demo-1', pending.id);
    answer({ connectionId: 'c', ok: true, data: 1, latencyMs: 3, sentAt: '2026-11-22T10:00:00.000Z', respondedAt: '2026-11-22T10:00:00.003Z' });
    expect((await sent).status).toBe('cancelled');
    expect(t.store.getState().invoke.history['demo-1']![0]).toMatchObject({ status: 'cancelled', cancelledAtMs: pending.sentAtMs + 250 });
    t.store.getState().setInvokeDraft('s/c', { timeout: '42' });
    expect(t.store.getState().invoke.drafts['s/c']).toEqual({ text: '{\n  "ping": true\n}', timeout: '42' });
  });
});
