import { describe, expect, it } from 'vitest';
import { ProbeSessionConfigInput } from '../../../../../protocol/console/probe';
import { dottedPathError, fieldOfPath, forcedSecret, formFromView, formToConfig, newForm, paramsOf, type ParamRow } from '../../../../../renderer/src/features/probe/connect/form-model';
import { buildMessage, composerFromTemplate, emptyComposer, formatJson, liveError } from '../../../../../renderer/src/features/probe/state/composer-state';
import { copyText, entryLine, tryJson } from '../../../../../renderer/src/features/probe/log/entry-text';

const row = (name: string, value: string, secret = false, stored = false): ParamRow => ({ name, value, secret, stored });

describe('connect form', () => {
  it('turns a full form into a config the contract accepts', () => {
    const r = formToConfig({
      ...newForm(), url: 'wss://echo.example/ws', name: 'Echo', query: [row('a', '1')], headers: [row('X-A', '1'), row('', '')], subprotocols: 'v1, v2', origin: 'https://app.example',
      authType: 'basic', username: 'u', password: 'p', tlsEnabled: true, ignoreCertErrors: true, caPath: '/ca.pem',
      proxyEnabled: true, proxyUrl: 'http://proxy:3128', reconnect: true, initialDelayMs: '100', maxDelayMs: '5000', pingIntervalMs: '1000', helper: 'switchboard',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const parsed = ProbeSessionConfigInput.parse(r.config);
    expect(parsed.subprotocols).toEqual(['v1', 'v2']);
    expect(parsed.headers).toEqual([{ name: 'X-A', value: '1', secret: false }]);
    expect(parsed.query).toEqual([{ name: 'a', value: '1', secret: false }]);
    expect(parsed.auth).toEqual({ type: 'basic', username: 'u', password: 'p' });
    expect(parsed.tls?.ignoreCertErrors).toBe(true);
    expect(parsed.reconnect).toMatchObject({ enabled: true, initialDelayMs: 100, maxDelayMs: 5000 });
  });
  it('names every bad field: scheme, header, number, cap below initial, proxy scheme', () => {
    const r = formToConfig({ ...newForm(), url: 'http://x', headers: [row('bad name', '1')], handshakeTimeoutMs: 'abc' });
    expect(r).toMatchObject({ ok: false, errors: { url: expect.stringContaining('ws: or wss:'), headers: expect.any(String), handshakeTimeoutMs: 'enter a whole number' } });
    expect(formToConfig({ ...newForm(), url: 'ws://x', reconnect: true, initialDelayMs: '5000', maxDelayMs: '100' })).toMatchObject({ ok: false, errors: { maxDelayMs: expect.any(String) } });
    expect(formToConfig({ ...newForm(), url: 'ws://x', proxyEnabled: true, proxyUrl: 'socks5://p:1' })).toMatchObject({ ok: false, errors: { proxyUrl: expect.stringContaining('http://') } });
  });
  it('keeps stored secrets when their field is left empty', () => {
    const base = formToConfig({ ...newForm(), url: 'ws://x', authType: 'bearer', token: 't' });
    if (!base.ok) throw new Error('expected ok');
    const view = { ...ProbeSessionConfigInput.parse(base.config), query: [], headers: [], auth: { type: 'bearer' as const, hasToken: true }, tls: undefined, proxy: undefined };
    const f = formFromView(view);
    expect(f.hasToken).toBe(true);
    const again = formToConfig(f);
    expect(again.ok && again.config.auth).toEqual({ type: 'bearer', token: undefined });
  });
  it('sends secret rows as secrets: typed values replace, empty stored ones are kept, empty new ones refused', () => {
    expect(paramsOf('headers', [row('Authorization', 'Bearer t'), row('X-Mine', 'v', true), row('X-Kept', '', true, true), row('X-Plain', '')])).toEqual({
      ok: true,
      params: [{ name: 'Authorization', value: 'Bearer t', secret: true }, { name: 'X-Mine', value: 'v', secret: true }, { name: 'X-Kept', secret: true }, { name: 'X-Plain', value: '' }],
    });
    expect(paramsOf('query', [row('access_token', '')])).toMatchObject({ ok: false, error: expect.stringContaining('row 1: enter a value for the secret parameter access_token') });
    expect(paramsOf('headers', [row('', 'x')])).toMatchObject({ ok: false, error: 'row 1: enter a name' });
    expect(forcedSecret('headers', 'Cookie')).toBe(true);
    expect(forcedSecret('headers', 'X-Trace')).toBe(false);
    expect(forcedSecret('query', 'sig')).toBe(true);
    // Views carry no secret values; the form shows them as stored.
    const f = formFromView({ ...ProbeSessionConfigInput.parse({ name: 'n', url: 'ws://x' }), headers: [{ name: 'Cookie', secret: true, hasValue: true }, { name: 'X-A', value: '1', secret: false, hasValue: true }], query: [], auth: { type: 'api-key', header: 'X-Key', hasKey: true }, tls: undefined, proxy: undefined });
    expect(f.headers).toEqual([row('Cookie', '', true, true), row('X-A', '1')]);
    expect(f).toMatchObject({ authType: 'api-key', apiKeyHeader: 'X-Key', hasApiKey: true });
    const back = formToConfig(f);
    expect(back.ok && back.config.headers).toEqual([{ name: 'Cookie', secret: true }, { name: 'X-A', value: '1' }]);
    expect(back.ok && back.config.auth).toEqual({ type: 'api-key', header: 'X-Key', key: undefined });
  });
  it('sends a pairing preset, or the paths for custom', () => {
    const rpc = formToConfig({ ...newForm(), url: 'ws://x', pairingPreset: 'jsonrpc' });
    expect(rpc.ok && ProbeSessionConfigInput.parse(rpc.config).correlation).toEqual({ enabled: true, preset: 'jsonrpc', requestPath: 'id', replyPath: 'id' });
    const custom = formToConfig({ ...newForm(), url: 'ws://x', pairingPreset: 'custom', requestPath: 'id', replyPath: 'id' });
    expect(custom.ok && ProbeSessionConfigInput.parse(custom.config).correlation).toEqual({ enabled: true, preset: 'custom', requestPath: 'id', replyPath: 'id' });
  });
  it('checks correlation paths the way the core reads them', () => {
    expect(dottedPathError('meta.requestId')).toBeNull();
    expect(dottedPathError('items.0.id')).toBeNull();
    expect(dottedPathError('a..b')).toMatch(/no empty parts/);
    expect(dottedPathError('items[0]')).toMatch(/not brackets/);
    expect(formToConfig({ ...newForm(), url: 'ws://x', pairingPreset: 'custom', replyPath: '' })).toMatchObject({ ok: false, errors: { replyPath: expect.any(String) } });
  });
  it('maps core error paths to inputs', () => {
    expect(fieldOfPath('config.url')).toBe('url');
    expect(fieldOfPath('config.headers.2.name')).toBe('headers');
    expect(fieldOfPath('config.reconnect.maxDelayMs')).toBe('maxDelayMs');
    expect(fieldOfPath('somethingElse')).toBe('form');
  });
});

describe('composer', () => {
  it('validates JSON and reports it live, but not for empty input', () => {
    expect(buildMessage({ ...emptyComposer(), mode: 'json', text: '{"a":1}' })).toEqual({ ok: true, message: { type: 'json', data: '{"a":1}' } });
    expect(buildMessage({ ...emptyComposer(), mode: 'json', text: '{' })).toMatchObject({ ok: false, error: expect.stringContaining('invalid JSON') });
    expect(liveError({ ...emptyComposer(), mode: 'json', text: '' })).toBeNull();
    expect(liveError({ ...emptyComposer(), mode: 'binary', encoding: 'hex', text: '4' })).toMatch(/malformed hex/);
  });
  it('normalises base64 and requires a file path', () => {
    expect(buildMessage({ ...emptyComposer(), mode: 'binary', encoding: 'base64', text: 'SGVs\nbG8' })).toEqual({ ok: true, message: { type: 'binary', source: { encoding: 'base64', data: 'SGVsbG8=' } } });
    expect(buildMessage({ ...emptyComposer(), mode: 'binary', encoding: 'file', filePath: ' ' })).toMatchObject({ ok: false });
  });
  it('reopens templates in the editor', () => {
    const t = (message: Parameters<typeof composerFromTemplate>[0]['message']) => ({ id: 't1', name: 'T', message, updatedAt: '2026-11-22T10:00:00.000Z' });
    expect(composerFromTemplate(t({ type: 'json', data: '{}' }))).toMatchObject({ mode: 'json', text: '{}' });
    expect(composerFromTemplate(t({ type: 'binary', source: { encoding: 'hex', data: '00ff' } }))).toMatchObject({ mode: 'binary', encoding: 'hex', text: '00ff' });
    expect(composerFromTemplate(t({ type: 'ping', payload: 'x' }))).toEqual({ pingPayload: 'x' });
    expect(formatJson('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(formatJson('{')).toBeNull();
  });
});

describe('entry text', () => {
  const at = '2026-11-22T10:00:00.000Z';
  it('summarises each kind on one line', () => {
    expect(entryLine({ index: 0, at, direction: 'in', kind: 'frame', opcode: 'text', size: 9, encoding: 'text', data: '{\n "a": 1\n}', truncated: false })).toBe('{ "a": 1 }');
    expect(entryLine({ index: 0, at, direction: 'in', kind: 'frame', opcode: 'binary', size: 2048, encoding: 'base64', data: 'AA==', truncated: false })).toBe('binary 2.0 KiB');
    expect(entryLine({ index: 0, at, direction: 'in', kind: 'pong', size: 0, encoding: 'text', data: '', truncated: false, rttMs: 3.25 })).toBe('pong · RTT 3.3 ms');
    expect(entryLine({ index: 0, at, direction: 'in', kind: 'close', code: 4000, reason: 'bye', initiator: 'server' })).toBe('close 4000 "bye" (by server)');
  });
  it('parses only objects and arrays as JSON, and copies the payload', () => {
    expect(tryJson('42')).toBeUndefined();
    expect(tryJson('[1]')).toEqual([1]);
    expect(copyText({ index: 0, at, direction: 'out', kind: 'frame', opcode: 'text', size: 2, encoding: 'text', data: 'hi', truncated: false })).toBe('hi');
  });
});
