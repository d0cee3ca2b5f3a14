import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProbeSessionConfigInput } from '../../../protocol/console/probe';
import { ConsoleError } from '../../../main/core/contract/errors';
import { Harness, startWsServer } from './harness';

describe('probe service: log window, export/import, persistence, Switchboard helper', () => {
  let hx: Harness;
  let srv: Awaited<ReturnType<typeof startWsServer>>;
  beforeEach(async () => {
    hx = new Harness({ sessionOptions: { log: { maxEntries: 1000, segmentSize: 100, memoryEntries: 200 } } });
    srv = await startWsServer();
    srv.wss.on('connection', (ws) => {
      ws.on('message', (d, isBinary) => {
        const text = d.toString();
        const burst = /^burst (\d+)$/.exec(text);
        if (burst) for (let i = 0; i < Number(burst[1]); i++) ws.send(JSON.stringify({ type: 'message', n: i, tag: i % 100 === 0 ? 'rare' : 'common' }));
        else if (text === 'invoke') ws.send(JSON.stringify({ type: 'request', id: 77, data: { q: 'ping?' } }));
        else ws.send(d, { binary: isBinary });
      });
    });
  });
  afterEach(async () => {
    await hx.close();
    await srv.close();
  });

  it('spills to disk, drops past the cap with a visible count, batches pushes', async () => {
    const s = await hx.create({ url: srv.url });
    await hx.h['probe.open']({ sessionId: s.id });
    await hx.state(s.id, 'open');
    await hx.h['probe.send']({ sessionId: s.id, message: { type: 'text', data: 'burst 3000' } });
    const stats = await hx.until(async () => {
      const r = await hx.h['probe.queryLog']({ sessionId: s.id, filter: {}, offset: 0, limit: 1 });
      return r.stats.nextIndex >= 3000 + 5 ? r.stats : undefined;
    }, 10_000, '3000 messages');
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.dropped).toBe(stats.firstIndex);
    expect(stats.nextIndex - stats.firstIndex).toBeLessThanOrEqual(1000);
    expect(stats.spilled).toBeGreaterThan(0);
    const rare = await hx.h['probe.queryLog']({ sessionId: s.id, filter: { text: '"RARE"', directions: ['in'] }, offset: 0, limit: 100 });
    expect(rare.matched).toBeGreaterThanOrEqual(9);
    expect(rare.rows.every((r) => r.entry.kind === 'frame' && r.entry.data.includes('"rare"'))).toBe(true);
    const logEvents = hx.events.filter((e) => e.event === 'probe.log');
    // Batched: far fewer pushes than entries, each with at most 100 summaries.
    expect(logEvents.length).toBeLessThan(300);
    expect(logEvents.every((e) => (e.payload as { tail: unknown[] }).tail.length <= 100)).toBe(true);
    const last = logEvents[logEvents.length - 1]!.payload as { stats: { dropped: number } };
    expect(last.stats.dropped).toBeGreaterThan(0);
  });

  it('flood guard pauses reading instead of losing messages; periodic pings measure RTT', async () => {
    const s = await hx.create({ url: srv.url, limits: { floodMessagesPerSecond: 50 }, ping: { intervalMs: 40, payload: 'hb' } });
    await hx.h['probe.open']({ sessionId: s.id });
    await hx.state(s.id, 'open');
    await hx.h['probe.send']({ sessionId: s.id, message: { type: 'text', data: 'burst 120' } });
    await hx.entry(s.id, (e) => e.kind === 'frame' && e.data.includes('"n":119'), 'last burst message', 10_000);
    const entries = await hx.entries(s.id);
    expect(entries.filter((e) => e.kind === 'frame' && e.direction === 'in').length).toBe(120);
    expect(entries.some((e) => e.kind === 'info' && e.message.startsWith('flood guard'))).toBe(true);
    expect((await hx.h['probe.getSession']({ sessionId: s.id })).stats.floodPauses).toBeGreaterThanOrEqual(1);
    const pong = await hx.entry(s.id, (e) => e.kind === 'pong' && e.direction === 'in', 'pong');
    expect(pong).toMatchObject({ data: 'hb' });
    expect(pong?.kind === 'pong' && typeof pong.rttMs).toBe('number');
  });

  it('exports NDJSON and HAR and imports both back, rejecting a corrupt file by line', async () => {
    const s = await hx.create({ url: srv.url, name: 'roundtrip' });
    await hx.h['probe.open']({ sessionId: s.id });
    await hx.state(s.id, 'open');
    await hx.h['probe.send']({ sessionId: s.id, message: { type: 'json', data: '{"id":"a1","x":"é"}' } });
    await hx.h['probe.send']({ sessionId: s.id, message: { type: 'binary', source: { encoding: 'base64', data: 'AAEC' } } });
    await hx.entry(s.id, (e) => e.kind === 'frame' && e.direction === 'in' && e.opcode === 'binary');
    const original = await hx.entries(s.id);
    const strip = (es: typeof original) => es.map(({ index: _i, ...rest }) => rest);

    const nd = await hx.download(s.id, 'ndjson');
    expect(nd.entries).toBe(original.length);
    expect(nd.fileName).toMatch(/^roundtrip-\d{4}-\d\d-\d\dT[\d-]+Z\.ndjson$/);
    const back = await hx.upload(nd.text, nd.fileName);
    expect(back).toMatchObject({ imported: true, config: { name: 'roundtrip', url: srv.url } });
    expect(strip(await hx.entries(back.id))).toEqual(strip(original));
    await expect(hx.h['probe.open']({ sessionId: back.id })).rejects.toBeInstanceOf(ConsoleError);

    // Small chunks: the file crosses several reads and writes (and a multi-byte character a boundary).
    const har = await hx.download(s.id, 'har', false, 7);
    const harJson = JSON.parse(har.text);
    expect(harJson.log.entries[0].response.status).toBe(101);
    expect(harJson.log.entries[0]._webSocketMessages.map((m: { type: string; opcode: number }) => [m.type, m.opcode]).sort()).toEqual([
      ['receive', 1],
      ['receive', 2],
      ['send', 1],
      ['send', 2],
    ]);
    const back2 = await hx.upload(har.text, 'x.har', 'from har', 5);
    expect(back2.config.name).toBe('from har');
    expect(strip(await hx.entries(back2.id))).toEqual(strip(original));

    const lines = nd.text.split('\n');
    lines[2] = JSON.stringify({ index: 0, at: 'yesterday', direction: 'in', kind: 'info', message: 'x' });
    const before = (await hx.h['probe.listSessions']({})).sessions.length;
    const err = await hx.upload(lines.join('\n'), 'bad.ndjson').catch((e: unknown) => e);
    expect((err as ConsoleError).info).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'file' });
    expect((err as ConsoleError).info.message).toContain('line 3: at: expected UTC ISO-8601 time');
    expect((await hx.h['probe.listSessions']({})).sessions.length).toBe(before);
    // Every transfer's temporary file is gone once it finished or failed.
    expect(readdirSync(join(hx.dataDir, 'probe', 'transfers'))).toEqual([]);
  });

  it('re-sends a selection of logged frames', async () => {
    const s = await hx.create({ url: srv.url });
    await hx.h['probe.open']({ sessionId: s.id });
    await hx.state(s.id, 'open');
    const a = await hx.h['probe.send']({ sessionId: s.id, message: { type: 'text', data: 'one' } });
    const b = await hx.h['probe.send']({ sessionId: s.id, message: { type: 'binary', source: { encoding: 'hex', data: '0102' } } });
    await hx.h['probe.resend']({ sessionId: s.id, indices: [b.index, a.index] });
    await hx.until(async () => (await hx.entries(s.id)).filter((e) => e.kind === 'frame' && e.direction === 'in' && e.data === 'one').length === 2 || undefined, 5000, 'resent echo');
    const err = await hx.h['probe.resend']({ sessionId: s.id, indices: [0] }).catch((e: unknown) => e);
    expect((err as ConsoleError).info).toMatchObject({ field: 'indices.0' });
  });

  it('auto-answers Switchboard server requests and pairs them', async () => {
    const s = await hx.create({ url: srv.url, helper: { type: 'switchboard', autoAnswer: true, answer: '{"pong":true}' } });
    await hx.h['probe.open']({ sessionId: s.id });
    await hx.state(s.id, 'open');
    const hello = await hx.h['probe.preview']({ message: { type: 'switchboard', frame: { kind: 'hello', clientId: 'probe-1' } } });
    expect(JSON.parse(hello.text)).toEqual({ type: 'hello', clientId: 'probe-1' });
    await hx.h['probe.send']({ sessionId: s.id, message: { type: 'text', data: 'invoke' } });
    // The echo server reflects our answer back, so wait for the outgoing response entry.
    const answer = await hx.entry(s.id, (e) => e.kind === 'frame' && e.direction === 'out' && e.data.includes('inReplyTo'));
    expect(answer.kind === 'frame' && JSON.parse(answer.data)).toEqual({ type: 'response', inReplyTo: 77, ok: true, data: { pong: true } });
    const page = await hx.h['probe.queryLog']({ sessionId: s.id, filter: {}, offset: 0, limit: 100 });
    expect(page.rows.find((r) => r.entry.index === answer.index)?.pair).toMatchObject({ role: 'reply', correlationId: '77' });
  });

  it('saves sessions and templates and reopens them; secrets stay out of files and views', async () => {
    const s = await hx.create({ url: srv.url, name: 'keep me', auth: { type: 'basic', username: 'u', password: 'pw-secret' } });
    await hx.h['probe.saveTemplate']({ name: 'greet', message: { type: 'text', data: 'hi' } });
    const file = readFileSync(join(hx.dataDir, 'probe', 'sessions.json'), 'utf8');
    expect(file).toContain('keep me');
    expect(file).not.toContain('pw-secret');
    const again = new Harness({}, hx.dataDir);
    try {
      const sessions = (await again.h['probe.listSessions']({})).sessions;
      expect(sessions.map((x) => [x.id, x.config.name, x.config.auth])).toEqual([[s.id, 'keep me', { type: 'basic', username: 'u', hasPassword: true }]]);
      expect((await again.h['probe.listTemplates']({})).templates.map((t) => t.name)).toEqual(['greet']);
      // Update without the password keeps it; the reopened session still authenticates with it.
      const updated = await again.h['probe.saveSession']({ sessionId: s.id, config: ProbeSessionConfigInput.parse({ ...sessions[0]!.config, auth: { type: 'basic', username: 'u2' }, tls: undefined, proxy: undefined }) });
      expect(updated.config.auth).toEqual({ type: 'basic', username: 'u2', hasPassword: true });
    } finally {
      await again.service.dispose();
    }
  });
});
