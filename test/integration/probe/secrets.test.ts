import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProbeSessionConfigInput } from '../../../protocol/console/probe';
import { ConsoleError } from '../../../main/core/contract/errors';
import type { ProbeFileDialogs } from '../../../main/core/probe/file-dialogs';
import { Harness, startWsServer } from './harness';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('probe secrets: header and query values, files 0600, redacted exports', () => {
  let hx: Harness;
  let srv: Awaited<ReturnType<typeof startWsServer>>;
  const upgrades: IncomingMessage[] = [];
  beforeEach(async () => {
    upgrades.length = 0;
    hx = new Harness();
    srv = await startWsServer();
    srv.wss.on('connection', (ws, req) => {
      upgrades.push(req);
      ws.send('welcome');
    });
  });
  afterEach(async () => {
    await hx.close();
    await srv.close();
  });

  const secretConfig = () => ({
    url: `${srv.url}/chat?room=7&access_token=url-token-123`,
    name: 'secretive',
    headers: [
      { name: 'Cookie', value: 'sid=cookie-secret-456' },
      { name: 'X-Tenant', value: 'tenant-secret-789', secret: true },
      { name: 'X-Plain', value: 'plain-value' },
    ],
    query: [{ name: 'sig', value: 'sig-secret-abc' }],
    auth: { type: 'api-key', header: 'X-API-Key', key: 'apikey-secret-def' },
  });
  const SECRETS = ['url-token-123', 'cookie-secret-456', 'tenant-secret-789', 'sig-secret-abc', 'apikey-secret-def'];

  it('sends every secret, keeps them out of sessions.json and views, writes 0600 files', async () => {
    const s = await hx.create(secretConfig());
    const file = join(hx.dataDir, 'probe', 'sessions.json');
    const text = readFileSync(file, 'utf8');
    for (const v of SECRETS) expect(text).not.toContain(v);
    expect(text).toContain('plain-value');
    expect(mode(file)).toBe(0o600);
    expect(mode(join(hx.dataDir, 'probe', 'secrets.json'))).toBe(0o600);
    expect(mode(join(hx.dataDir, 'probe'))).toBe(0o700);
    // The credential typed into the URL became a secret query entry.
    expect(s.config.url).toBe(`${srv.url}/chat?room=7`);
    expect(s.config.query).toEqual([
      { name: 'access_token', secret: true, hasValue: true },
      { name: 'sig', secret: true, hasValue: true },
    ]);
    expect(s.config.headers).toEqual([
      { name: 'Cookie', secret: true, hasValue: true },
      { name: 'X-Tenant', secret: true, hasValue: true },
      { name: 'X-Plain', value: 'plain-value', secret: false, hasValue: true },
    ]);
    expect(s.config.auth).toEqual({ type: 'api-key', header: 'X-API-Key', hasKey: true });
    for (const v of SECRETS) expect(JSON.stringify(s)).not.toContain(v);

    await hx.h['probe.open']({ sessionId: s.id });
    await hx.state(s.id, 'open');
    const req = upgrades[0]!;
    expect(new URL(req.url!, 'ws://x').searchParams.get('access_token')).toBe('url-token-123');
    expect(new URL(req.url!, 'ws://x').searchParams.get('sig')).toBe('sig-secret-abc');
    expect(req.headers).toMatchObject({ cookie: 'sid=cookie-secret-456', 'x-tenant': 'tenant-secret-789', 'x-plain': 'plain-value', 'x-api-key': 'apikey-secret-def' });

    // The log (what the renderer pages through) shows none of them.
    const log = JSON.stringify(await hx.entries(s.id));
    for (const v of SECRETS) expect(log).not.toContain(v);
    expect(log).toContain('access_token=••••');
    expect(JSON.stringify(hx.events)).not.toMatch(new RegExp(SECRETS.join('|')));

    // Editing without re-typing keeps them; the reconnect still sends them.
    const again = await hx.h['probe.saveSession']({ sessionId: s.id, config: ProbeSessionConfigInput.parse({ ...secretConfig(), url: `${srv.url}/chat?room=7`, headers: [{ name: 'Cookie' }, { name: 'X-Tenant', secret: true }, { name: 'X-Plain', value: 'p2' }], query: [{ name: 'access_token' }, { name: 'sig' }], auth: { type: 'api-key', header: 'X-API-Key' } }) });
    expect(again.config.headers[2]).toMatchObject({ value: 'p2' });
    await hx.h['probe.close']({ sessionId: s.id, code: 1000, reason: '' });
    await hx.until(() => hx.events.filter((e) => e.event === 'probe.state' && (e.payload as { to: string }).to === 'closed').length === 1 || undefined);
    await hx.h['probe.open']({ sessionId: s.id });
    await hx.until(() => upgrades.length === 2 || undefined, 5000, 'second upgrade');
    expect(upgrades[1]!.headers).toMatchObject({ cookie: 'sid=cookie-secret-456', 'x-tenant': 'tenant-secret-789', 'x-plain': 'p2' });
    expect(readFileSync(file, 'utf8')).not.toContain('tenant-secret-789');
  });

  it('moves secrets an older sessions.json held in clear into the store at start', async () => {
    const dir = hx.dataDir;
    await hx.service.dispose();
    mkdirSync(join(dir, 'probe'), { recursive: true });
    const legacy = { id: 'old-1', createdAt: '2026-01-01T00:00:00.000Z', config: { name: 'old', url: `${srv.url}/?access_token=legacy-url-1`, headers: [{ name: 'Authorization', value: 'Bearer legacy-hdr-2' }, { name: 'X-A', value: 'a' }] } };
    writeFileSync(join(dir, 'probe', 'sessions.json'), JSON.stringify({ version: 1, sessions: [legacy] }));
    const again = new Harness({}, dir);
    try {
      await again.h['probe.open']({ sessionId: 'old-1' });
      await again.state('old-1', 'open');
      const req = upgrades.at(-1)!;
      expect(req.headers.authorization).toBe('Bearer legacy-hdr-2');
      expect(new URL(req.url!, 'ws://x').searchParams.get('access_token')).toBe('legacy-url-1');
      const text = readFileSync(join(dir, 'probe', 'sessions.json'), 'utf8');
      expect(text).not.toContain('legacy-hdr-2');
      expect(text).not.toContain('legacy-url-1');
      expect(text).toContain('"X-A"');
      expect(mode(join(dir, 'probe', 'sessions.json'))).toBe(0o600);
    } finally {
      await again.service.dispose();
    }
  });

  it('refuses a secret entry with nothing stored, changing nothing', async () => {
    const err = await hx.create({ url: srv.url, headers: [{ name: 'X-Tenant', secret: true }] }).catch((e: unknown) => e);
    expect((err as ConsoleError).info).toMatchObject({ code: 'SB_ERR_VALIDATION', field: 'config.headers.0.value' });
    expect((await hx.h['probe.listSessions']({})).sessions).toEqual([]);
    expect(existsSync(join(hx.dataDir, 'probe', 'sessions.json'))).toBe(false);
    expect(existsSync(join(hx.dataDir, 'probe', 'secrets.json'))).toBe(false);
  });

  it('redacts secrets in NDJSON and HAR exports unless asked to include them', async () => {
    const s = await hx.create(secretConfig());
    await hx.h['probe.open']({ sessionId: s.id });
    await hx.entry(s.id, (e) => e.kind === 'frame' && e.data === 'welcome');
    for (const format of ['ndjson', 'har'] as const) {
      const redacted = await hx.download(s.id, format);
      for (const v of SECRETS) expect(redacted.text).not.toContain(v);
      expect(redacted.text).toContain('X-Plain');
      const full = await hx.download(s.id, format, true);
      for (const v of SECRETS) expect(full.text).toContain(v);
    }
    // The temp files of downloads are the user's only too.
    const d = await hx.h['probe.downloadStart']({ sessionId: s.id, format: 'ndjson', includeSecrets: false });
    expect(mode(join(hx.dataDir, 'probe', 'transfers', `${d.transferId}.download`))).toBe(0o600);
  });

  it('saves and opens with native dialogs when the host has them (a stand-in here), 0600', async () => {
    const asked: string[] = [];
    const target = join(hx.dataDir, 'chosen.ndjson');
    const dialogs: ProbeFileDialogs = {
      chooseSavePath: async (o) => {
        asked.push(`save ${o.defaultName} ${o.filters[0]!.extensions.join(',')}`);
        return asked.length === 1 ? target : null;
      },
      chooseOpenPath: async (o) => {
        asked.push(`open ${o.filters[0]!.extensions.join(',')}`);
        return asked.length === 3 ? target : null;
      },
    };
    const desk = new Harness({ dialogs });
    try {
      const s = await desk.create({ url: srv.url, name: 'desk' });
      await desk.h['probe.open']({ sessionId: s.id });
      await desk.entry(s.id, (e) => e.kind === 'frame' && e.data === 'welcome');
      const saved = await desk.h['probe.exportToFile']({ sessionId: s.id, format: 'ndjson', includeSecrets: false });
      expect(saved).toMatchObject({ saved: true, path: target });
      expect(mode(target)).toBe(0o600);
      expect(await desk.h['probe.exportToFile']({ sessionId: s.id, format: 'har', includeSecrets: false })).toEqual({ saved: false });
      const opened = await desk.h['probe.importFromFile']({});
      expect(opened.session).toMatchObject({ imported: true, config: { name: 'desk' } });
      expect(await desk.h['probe.importFromFile']({})).toEqual({ session: null });
      expect(asked).toEqual([expect.stringMatching(/^save desk-.*\.ndjson ndjson,jsonl$/), expect.stringMatching(/^save desk-.*\.har har,json$/), 'open ndjson,jsonl,har,json', 'open ndjson,jsonl,har,json']);
    } finally {
      await desk.close();
    }
    // The web host has no native dialogs: the call says so instead of guessing a path.
    const s = await hx.create({ url: srv.url });
    const err = await hx.h['probe.exportToFile']({ sessionId: s.id, format: 'ndjson', includeSecrets: false }).catch((e: unknown) => e);
    expect((err as ConsoleError).info.code).toBe('SB_ERR_UNAVAILABLE');
  });

  it('bounds transfers: size, order, unknown ids, idle and open count', async () => {
    const small = new Harness({ transfers: { maxUploadBytes: 100, maxOpen: 2, idleMs: 200, maxChunkBytes: 16 } });
    try {
      const tooBig = await small.h['probe.uploadStart']({ fileName: 'x', bytes: 101 }).catch((e: unknown) => e);
      expect((tooBig as ConsoleError).info).toMatchObject({ code: 'SB_ERR_PAYLOAD_TOO_LARGE', field: 'bytes' });
      const up = await small.h['probe.uploadStart']({ fileName: 'x', bytes: 10 });
      expect(up.maxChunkBytes).toBe(16);
      const gap = await small.h['probe.uploadWrite']({ transferId: up.transferId, offset: 3, data: 'AAAA' }).catch((e: unknown) => e);
      expect((gap as ConsoleError).info).toMatchObject({ field: 'offset' });
      const over = await small.h['probe.uploadWrite']({ transferId: up.transferId, offset: 0, data: Buffer.alloc(11).toString('base64') }).catch((e: unknown) => e);
      expect((over as ConsoleError).info).toMatchObject({ field: 'data' });
      const early = await small.h['probe.uploadFinish']({ transferId: up.transferId }).catch((e: unknown) => e);
      expect((early as ConsoleError).info.message).toContain('incomplete (0 of 10 bytes)');
      // A third transfer closes the oldest.
      await small.h['probe.uploadStart']({ fileName: 'y', bytes: 1 });
      await small.h['probe.uploadStart']({ fileName: 'z', bytes: 1 });
      const gone = await small.h['probe.uploadWrite']({ transferId: up.transferId, offset: 0, data: 'AA==' }).catch((e: unknown) => e);
      expect((gone as ConsoleError).info).toMatchObject({ code: 'SB_ERR_NOT_FOUND', field: 'transferId' });
      // Left alone past idleMs, a transfer is closed and its file deleted.
      const idle = await small.h['probe.uploadStart']({ fileName: 'w', bytes: 1 });
      const file = join(small.dataDir, 'probe', 'transfers', `${idle.transferId}.upload`);
      expect(existsSync(file)).toBe(true);
      await vi.waitFor(() => expect(existsSync(file)).toBe(false), { timeout: 3000, interval: 25 });
      const closed = await small.h['probe.transferClose']({ transferId: idle.transferId }).catch((e: unknown) => e);
      expect((closed as ConsoleError).info.code).toBe('SB_ERR_NOT_FOUND');
    } finally {
      await small.close();
    }
  });
});
