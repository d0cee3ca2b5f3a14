import { describe, expect, it } from 'vitest';
import type { CallInput, CallName, CallOutput, ConsoleApi, EventName, EventPayload } from '../../../../../protocol/console/contract';
import type { ProbeLogStats, ProbeSessionView } from '../../../../../protocol/console/probe';
import { createConsoleStore } from '../../../../../renderer/src/store/create-store';
import type { StoreDeps } from '../../../../../renderer/src/store/types';
import { withSessions, withTabClosed, withTabOpen, initialProbe } from '../../../../../renderer/src/features/probe/state/probe-slice';

type Replies = { [M in CallName]?: (input: CallInput<M>) => CallOutput<M> | Promise<CallOutput<M>> };

const stats = (nextIndex: number, firstIndex = 0): ProbeLogStats => ({ firstIndex, nextIndex, dropped: firstIndex, spilled: 0, floodPauses: 0, lastRttMs: null });

function session(id: string, createdAt = '2026-11-22T10:00:00.000Z'): ProbeSessionView {
  return {
    id,
    config: {
      name: id, url: 'ws://127.0.0.1:1/x', query: [], headers: [], subprotocols: [], handshakeTimeoutMs: 10000,
      reconnect: { enabled: false, initialDelayMs: 500, maxDelayMs: 30000, maxAttempts: 0 }, ping: { intervalMs: 0, payload: '' },
      correlation: { enabled: true, preset: 'switchboard', requestPath: 'id', replyPath: 'inReplyTo' }, helper: { type: 'none' },
      limits: { maxMessageBytes: 1024, maxEntries: 1000, floodMessagesPerSecond: 100 }, auth: { type: 'none' },
    },
    state: 'open', protocol: null, extensions: null, warnings: [], reconnectAttempt: 0, lastError: null, imported: false, stats: stats(0), createdAt,
  };
}

/** A fresh store over a scripted core that can also push events; frames run by hand. */
function harness(replies: Replies) {
  const calls: Array<{ method: string; input: unknown }> = [];
  const handlers = new Map<string, Set<(p: unknown) => void>>();
  const frames: Array<() => void> = [];
  const api: ConsoleApi = {
    async call(method, input) {
      calls.push({ method, input });
      const reply = replies[method] as ((i: unknown) => unknown) | undefined;
      if (!reply) throw new Error(`unexpected call ${method}`);
      return (await reply(input)) as never;
    },
    on(event, handler) {
      const set = handlers.get(event) ?? new Set();
      set.add(handler as (p: unknown) => void);
      handlers.set(event, set);
      return () => set.delete(handler as (p: unknown) => void);
    },
  };
  const deps: StoreDeps = {
    api,
    errorMessage: (e) => (e instanceof Error ? e.message : String(e)),
    errorInfo: (e) => ({ code: 'SB_ERR_INTERNAL', message: String(e) }),
    scheduleFrame: (cb) => frames.push(cb),
    now: () => 0,
  };
  const store = createConsoleStore(deps);
  return {
    store,
    calls,
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      for (const h of handlers.get(event) ?? []) h(payload);
    },
    runFrames: () => frames.splice(0).forEach((f) => f()),
    listeners: (event: string) => handlers.get(event)?.size ?? 0,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('probe state updates', () => {
  it('orders sessions by creation and drops tabs of deleted sessions', () => {
    let p = withSessions(initialProbe(), [session('b', '2026-11-22T10:00:01.000Z'), session('a')]);
    expect(p.order).toEqual(['a', 'b']);
    p = withTabOpen(withTabOpen(p, 'a'), 'b');
    expect(p.tabs).toEqual(['a', 'b']);
    expect(p.active).toBe('b');
    p = withSessions(p, [session('a')]);
    expect(p.tabs).toEqual(['a']);
    expect(p.active).toBe('a');
  });
  it('closing the active tab activates its neighbour', () => {
    let p = withSessions(initialProbe(), [session('a'), session('b'), session('c')]);
    p = withTabOpen(withTabOpen(withTabOpen(p, 'a'), 'b'), 'c');
    p = withTabClosed({ ...p, active: 'b' }, 'b');
    expect(p.tabs).toEqual(['a', 'c']);
    expect(p.active).toBe('c');
    expect(p.logs.b).toBeUndefined();
  });
});

describe('probe slice', () => {
  it('lands a flood of probe.log events in one update per frame, then refreshes the visible rows once', async () => {
    const h = harness({
      'probe.listSessions': () => ({ sessions: [session('s1')] }),
      'probe.listTemplates': () => ({ templates: [] }),
      'probe.queryLog': (i) => ({ rows: [], offset: i.offset ?? 0, matched: 0, stats: stats(1000), tookMs: 0 }),
    });
    const dispose = h.store.getState().probeInit();
    await settle();
    h.store.getState().probeOpenTab('s1');
    await settle();
    const queriesBefore = h.calls.filter((c) => c.method === 'probe.queryLog').length;
    let updates = 0;
    const unsub = h.store.subscribe(() => updates++);
    for (let i = 1; i <= 500; i++) h.emit('probe.log', { sessionId: 's1', appended: 2, tail: [], stats: stats(i * 2) });
    expect(updates).toBe(0);
    h.runFrames();
    expect(updates).toBe(1);
    expect(h.store.getState().probe.logs.s1!.matched).toBe(1000);
    expect(h.store.getState().probe.sessions.s1!.stats.nextIndex).toBe(1000);
    await settle();
    expect(h.calls.filter((c) => c.method === 'probe.queryLog').length).toBe(queriesBefore + 1);
    unsub();
    dispose();
    expect(h.listeners('probe.log')).toBe(0);
  });

  it('refuses malformed binary and a reserved close code without calling the core', async () => {
    const h = harness({ 'probe.listSessions': () => ({ sessions: [session('s1')] }), 'probe.listTemplates': () => ({ templates: [] }) });
    h.store.getState().probeInit();
    await settle();
    const st = h.store.getState();
    st.probeSetComposer('s1', { mode: 'binary', encoding: 'base64', text: 'SGV*' });
    expect(await h.store.getState().probeSend('s1')).toBe(false);
    expect(h.store.getState().probe.composers.s1!.error).toContain('"*" at position 4');
    st.probeSetComposer('s1', { closeCode: '1006' });
    await h.store.getState().probeDisconnect('s1');
    expect(h.store.getState().probe.composers.s1!.closeError).toMatch(/1000, 1001 or between 3000 and 4999/);
    expect(h.calls.map((c) => c.method)).not.toContain('probe.send');
    expect(h.calls.map((c) => c.method)).not.toContain('probe.close');
  });

  it('sends normalised hex and the core error lands under the editor', async () => {
    const h = harness({
      'probe.listSessions': () => ({ sessions: [session('s1')] }),
      'probe.listTemplates': () => ({ templates: [] }),
      'probe.send': (i) => {
        if (i.message.type === 'text') throw new Error('the session is not open');
        return { index: 7 };
      },
    });
    h.store.getState().probeInit();
    await settle();
    h.store.getState().probeSetComposer('s1', { mode: 'binary', encoding: 'hex', text: '0x48 0x65:6C' });
    expect(await h.store.getState().probeSend('s1')).toBe(true);
    expect(h.calls.find((c) => c.method === 'probe.send')!.input).toEqual({ sessionId: 's1', message: { type: 'binary', source: { encoding: 'hex', data: '48656c' } } });
    h.store.getState().probeSetComposer('s1', { mode: 'text', text: 'hi' });
    expect(await h.store.getState().probeSend('s1')).toBe(false);
    expect(h.store.getState().probe.composers.s1!.error).toBe('the session is not open');
  });
});
