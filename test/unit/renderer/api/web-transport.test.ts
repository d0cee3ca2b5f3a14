import { describe, expect, it } from 'vitest';
import { createWebTransport, tokenFromHash } from '../../../../renderer/src/api/web-transport';
import { createConsoleApi, CallError } from '../../../../renderer/src/api/console-api';

/** A scripted socket: the real host is covered by the e2e suite; this produces drops on demand. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(s: string) {
    this.sent.push(s);
  }
  close() {
    this.drop(1000);
  }
  /** Opens as the host does for an accepted page: the socket, then its `ready` frame. */
  open() {
    this.openOnly();
    this.push({ kind: 'ready' });
  }
  /** Opens without `ready`, as for a page the host is about to close with 4401. */
  openOnly() {
    this.readyState = 1;
    this.onopen?.();
  }
  push(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code: number, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const make = (opts: { callTimeoutMs?: number; token?: string } = {}) => {
  FakeSocket.all = [];
  const t = createWebTransport({ url: 'ws://h/contract?token=t', initialDelayMs: 1, maxDelayMs: 1, ...opts, createSocket: (u) => new FakeSocket(u) as unknown as WebSocket });
  return { t, sock: () => FakeSocket.all[FakeSocket.all.length - 1]! };
};

describe('web transport', () => {
  it('reads the token from the hash', () => {
    expect(tokenFromHash('#token=abc-_1')).toBe('abc-_1');
    expect(tokenFromHash('')).toBeNull();
  });

  it('queues calls until open, matches results by id, and parses outputs', async () => {
    const { t, sock } = make();
    const api = createConsoleApi(t);
    const p = api.call('settings.get', {});
    expect(sock().sent).toEqual([]);
    sock().open();
    const frame = JSON.parse(sock().sent[0]!) as { id: number; method: string; kind: string };
    expect(frame).toMatchObject({ kind: 'call', method: 'settings.get' });
    sock().push({ kind: 'result', id: frame.id, result: { ok: true, value: { timeMode: 'utc', theme: 'system', views: {}, sandbox: false } } });
    await expect(p).resolves.toEqual({ timeMode: 'utc', theme: 'system', views: {}, sandbox: false });
    t.close();
  });

  it('turns an error envelope into a CallError with the field', async () => {
    const { t, sock } = make();
    sock().open();
    const p = createConsoleApi(t).call('settings.get', {});
    const id = (JSON.parse(sock().sent[0]!) as { id: number }).id;
    sock().push({ kind: 'result', id, result: { ok: false, error: { code: 'SB_ERR_VALIDATION', message: 'no', field: 'timeMode' } } });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallError);
    expect((err as CallError).info.field).toBe('timeMode');
    t.close();
  });

  it('delivers only events that pass the contract schema', () => {
    const { t, sock } = make();
    sock().open();
    const got: unknown[] = [];
    const off = createConsoleApi(t).on('settings.changed', (s) => got.push(s));
    sock().push({ kind: 'event', event: 'settings.changed', payload: { timeMode: 'utc', theme: 'system', views: {}, sandbox: true } });
    sock().push({ kind: 'event', event: 'settings.changed', payload: { timeMode: 'mars' } });
    off();
    sock().push({ kind: 'event', event: 'settings.changed', payload: { timeMode: 'local', theme: 'system', views: {}, sandbox: true } });
    expect(got).toEqual([{ timeMode: 'utc', theme: 'system', views: {}, sandbox: true }]);
    t.close();
  });

  it('fails in-flight and new calls at once when the link drops, then reconnects', async () => {
    const { t, sock } = make();
    const first = sock();
    first.open();
    const states: string[] = [];
    t.onLink((l) => states.push(l.state));
    const p = t.call('connections.invoke', {});
    const queued = t.call('settings.get', {});
    first.drop(1006);
    await expect(p).resolves.toMatchObject({ ok: false, error: { code: 'SB_ERR_UNAVAILABLE', message: 'console backend unreachable: connection lost', details: { source: 'console-link' } } });
    await expect(queued).resolves.toMatchObject({ ok: false, error: { code: 'SB_ERR_UNAVAILABLE' } });
    // While down a call does not wait for the backend to come back.
    await expect(t.call('settings.get', {})).resolves.toMatchObject({ ok: false, error: { code: 'SB_ERR_UNAVAILABLE' } });
    expect(t.link).toMatchObject({ state: 'reconnecting', reason: 'connection lost', attempts: 1 });
    expect(t.link.downSince).toBeTypeOf('number');
    expect(t.link.nextRetryAt).toBeGreaterThanOrEqual(t.link.downSince!);
    await new Promise((r) => setTimeout(r, 10));
    expect(FakeSocket.all.length).toBe(2);
    sock().drop(1006);
    expect(t.link).toMatchObject({ state: 'reconnecting', attempts: 2 });
    await new Promise((r) => setTimeout(r, 10));
    sock().open();
    expect(states).toEqual(['reconnecting', 'reconnecting', 'connected']);
    expect(t.link).toEqual({ state: 'connected' });
    t.close();
  });

  it('lets calls made before the first connect wait for it, even across a failed first attempt', async () => {
    const { t, sock } = make();
    const p = t.call('settings.get', {});
    sock().drop(1006);
    await new Promise((r) => setTimeout(r, 10));
    sock().open();
    const id = (JSON.parse(sock().sent[0]!) as { id: number }).id;
    sock().push({ kind: 'result', id, result: { ok: true, value: 1 } });
    await expect(p).resolves.toEqual({ ok: true, value: 1 });
    t.close();
  });

  it('stops retrying when the host refuses the token (4401): missing, invalid, or no longer valid', async () => {
    const missing = make({ token: '' });
    missing.sock().drop(4401, 'access token missing or invalid');
    expect(missing.t.link).toMatchObject({ state: 'failed', failure: 'token-missing' });
    missing.t.close();

    const invalid = make({ token: 'nope' });
    const queued = invalid.t.call('settings.get', {});
    invalid.sock().openOnly();
    expect(invalid.t.link.state).toBe('connecting');
    expect(invalid.sock().sent).toEqual([]);
    invalid.sock().drop(4401, 'access token missing or invalid');
    await expect(queued).resolves.toMatchObject({ ok: false, error: { code: 'SB_ERR_UNAVAILABLE' } });
    await new Promise((r) => setTimeout(r, 10));
    expect(FakeSocket.all.length).toBe(1);
    expect(invalid.t.link).toMatchObject({ state: 'failed', failure: 'token-invalid', reason: 'access token missing or invalid' });
    await expect(invalid.t.call('settings.get', {})).resolves.toMatchObject({ ok: false, error: { code: 'SB_ERR_UNAVAILABLE' } });
    invalid.t.close();

    // Connected once, then the host restarted with a new token: the old tab is told, not retried forever.
    const expired = make({ token: 'old' });
    expired.sock().open();
    expired.sock().drop(1006);
    await new Promise((r) => setTimeout(r, 10));
    expired.sock().drop(4401, 'access token missing or invalid');
    await new Promise((r) => setTimeout(r, 10));
    expect(FakeSocket.all.length).toBe(2);
    expect(expired.t.link).toMatchObject({ state: 'failed', failure: 'token-expired' });
    expired.t.close();
  });

  it('times out a call nobody answers', async () => {
    const { t, sock } = make({ callTimeoutMs: 20 });
    sock().open();
    await expect(t.call('settings.get', {})).resolves.toMatchObject({ ok: false, error: { code: 'SB_ERR_TIMEOUT' } });
    t.close();
  });
});
