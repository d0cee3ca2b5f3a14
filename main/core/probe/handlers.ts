import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { probeCalls, ProbeLogSummary, ProbeParamView, ProbeSessionConfig, ProbeSessionView, ProbeTemplate } from '../../../protocol/console/probe';
import { ErrorCode } from '../../../protocol/errors';
import { WriteQueue } from '../../../common/node/atomic-file';
import { ConsoleError } from '../contract/errors';
import type { Emit, Handlers } from '../contract/handler-types';
import { encodeMessage } from './frames';
import { createFileHandlers } from './file-handlers';
import type { ProbeFileDialogs } from './file-dialogs';
import { summarize } from './log-text';
import { loadSessions, loadTemplates, NO_SECRETS, PROBE_DIR_MODE, saveSessions, saveTemplates, SECRET_NAMES, stripSecrets, type SavedSession, type SecretFlags } from './persist';
import { FileSecretStore } from '../storage/secret-store';
import { ProbeSession, type SessionOptions } from './session';
import { applySecrets, hasInlineSecrets, liftUrlSecrets, loadSessionSecrets, resolveParams, secretKey, type Secrets } from './session-secrets';
import { Transfers, type TransferOptions } from './transfers';

export interface ProbeContext {
  emit: Emit;
  /** Directory for this console's data (sessions, spill files). */
  dataDir: string;
  /**
   * Where session secrets go (CORE's SecretStore; only get/set/delete are used, keys `probe/<id>/<name>`).
   * Default: CORE's FileSecretStore at <dataDir>/probe/secrets.json (0600, plain text at rest).
   */
  secrets?: Secrets;
  /** Native save/open dialogs (desktop app only); without them the dialog calls answer SB_ERR_UNAVAILABLE. */
  dialogs?: ProbeFileDialogs;
  /** `probe.log` pushes are batched per session at most this often. Default 50 ms. */
  logBatchMs?: number;
  /** Per-session tuning (log window, logged data cap, close timeout). */
  sessionOptions?: SessionOptions;
  /** Bounds of download/upload transfers (defaults: PROBE_TRANSFER_LIMITS). */
  transfers?: Omit<TransferOptions, 'dir'>;
}

export interface ProbeService {
  handlers: Handlers<typeof probeCalls>;
  dispose(): Promise<void>;
}

/** Summaries carried by one `probe.log` push (the UI pages for the rest). */
const MAX_TAIL = 100;

export interface Live {
  session: ProbeSession;
  saved: SavedSession | null;
}

const paramView = (p: { name: string; value?: string; secret: boolean }): ProbeParamView =>
  p.secret ? { name: p.name, secret: true, hasValue: true } : { name: p.name, value: p.value ?? '', secret: false, hasValue: true };

export function createProbeService(ctx: ProbeContext): ProbeService {
  const root = join(ctx.dataDir, 'probe');
  const sessionsPath = join(root, 'sessions.json');
  const templatesPath = join(root, 'templates.json');
  const logsRoot = join(root, 'logs');
  mkdirSync(root, { recursive: true, mode: PROBE_DIR_MODE });
  // Spill files are a cache of live sessions: whatever a previous run left is stale.
  rmSync(logsRoot, { recursive: true, force: true });
  mkdirSync(logsRoot, { recursive: true, mode: PROBE_DIR_MODE });
  const secrets = ctx.secrets ?? new FileSecretStore(root);
  const transfers = new Transfers({ ...ctx.transfers, dir: join(root, 'transfers') });
  const batchMs = ctx.logBatchMs ?? 50;
  const problems: string[] = [];
  const live = new Map<string, Live>();
  let templates: ProbeTemplate[] = loadTemplates(templatesPath, (m) => problems.push(m));
  const pending = new Map<string, { appended: number; tail: ProbeLogSummary[] }>();
  let batchTimer: NodeJS.Timeout | null = null;
  const writes = new WriteQueue();

  const flush = (): void => {
    batchTimer = null;
    for (const [sessionId, p] of pending) {
      const l = live.get(sessionId);
      if (l) ctx.emit('probe.log', { sessionId, appended: p.appended, tail: p.tail, stats: l.session.stats });
    }
    pending.clear();
  };

  const view = (l: Live): ProbeSessionView => {
    const s = l.session;
    const flags: SecretFlags = l.saved?.secrets ?? NO_SECRETS;
    const c = s.config;
    const a = c.auth;
    const auth =
      a.type === 'basic' ? { type: 'basic' as const, username: a.username, hasPassword: flags.auth }
      : a.type === 'bearer' ? { type: 'bearer' as const, hasToken: flags.auth }
      : a.type === 'api-key' ? { type: 'api-key' as const, header: a.header, hasKey: flags.auth }
      : { type: 'none' as const };
    const { key: _k, passphrase: _p, ...tls } = c.tls ?? {};
    const { password: _pw, ...proxy } = c.proxy ?? { url: '' };
    return {
      id: s.id,
      config: {
        ...c,
        query: c.query.map(paramView),
        headers: c.headers.map(paramView),
        auth,
        ...(c.tls ? { tls: { ...tls, ignoreCertErrors: c.tls.ignoreCertErrors, hasKey: flags.tlsKey, hasPassphrase: flags.tlsPassphrase } } : { tls: undefined }),
        ...(c.proxy ? { proxy: { ...proxy, url: c.proxy.url, hasPassword: flags.proxyPassword } } : { proxy: undefined }),
      },
      state: s.state,
      protocol: s.protocol,
      extensions: s.extensions,
      warnings: c.tls?.ignoreCertErrors && c.url.startsWith('wss:') ? ['insecure-tls'] : [],
      reconnectAttempt: s.reconnectAttempt,
      lastError: s.lastError,
      imported: s.imported,
      stats: s.stats,
      createdAt: s.createdAt,
    };
  };

  const views = (): ProbeSessionView[] => [...live.values()].map(view);
  const emitSessions = (): void => ctx.emit('probe.sessions', { sessions: views() });
  // Serialised: two saves in a row never interleave their temp files, and the last one wins.
  const persistSessions = (): Promise<void> => writes.run(() => saveSessions(sessionsPath, [...live.values()].flatMap((l) => (l.saved ? [l.saved] : []))));

  const createSession = (id: string, config: ProbeSessionConfig, createdAt: string, saved: SavedSession | null): Live => {
    const l: Live = { saved, session: null as unknown as ProbeSession };
    l.session = new ProbeSession({
      id,
      config,
      createdAt,
      imported: saved === null,
      logDir: join(logsRoot, id),
      options: ctx.sessionOptions,
      loadSecrets: () => loadSessionSecrets(secrets, id, l.saved?.secrets ?? null),
      onState: (from, to, at, reason) => ctx.emit('probe.state', { sessionId: id, from, to, at, ...(reason ? { reason } : {}), session: view(l) }),
      onAppend: (entry) => {
        let p = pending.get(id);
        if (!p) pending.set(id, (p = { appended: 0, tail: [] }));
        p.appended++;
        p.tail.push(summarize(entry));
        if (p.tail.length > MAX_TAIL * 2) p.tail = p.tail.slice(-MAX_TAIL);
        batchTimer ??= setTimeout(() => {
          for (const q of pending.values()) q.tail = q.tail.slice(-MAX_TAIL);
          flush();
        }, batchMs);
      },
    });
    live.set(id, l);
    return l;
  };

  for (const saved of loadSessions(sessionsPath, (m) => problems.push(m))) createSession(saved.id, saved.config, saved.createdAt, saved);

  /** Moves secrets an older sessions.json held in clear into the store; calls touching secrets wait for it. */
  const migrated: Promise<void> = (async () => {
    const legacy = [...live.values()].filter((l) => l.saved && hasInlineSecrets(l.saved.config));
    if (legacy.length === 0) return;
    for (const l of legacy) {
      const saved = l.saved!;
      const config = liftUrlSecrets(saved.config);
      const params = await resolveParams(secrets, saved.id, config, saved.secrets);
      const flags = await applySecrets(secrets, saved.id, config, saved.secrets, false, params);
      l.saved = { ...saved, config: stripSecrets(config), secrets: flags };
      l.session.updateConfig(l.saved.config);
    }
    await persistSessions();
  })().catch((err: unknown) => {
    problems.push(`moving secrets out of ${sessionsPath}: ${err instanceof Error ? err.message : String(err)}`);
  });

  const get = (sessionId: string): Live => {
    const l = live.get(sessionId);
    if (!l) throw ConsoleError.of(ErrorCode.NotFound, `no probe session ${sessionId}`, { field: 'sessionId' });
    return l;
  };

  const forget = async (id: string): Promise<void> => {
    const l = live.get(id);
    live.delete(id);
    pending.delete(id);
    await l?.session.dispose();
  };

  const files = createFileHandlers({ get, createSession, forget, emitSessions, view, transfers, dialogs: ctx.dialogs });

  const handlers: Handlers<typeof probeCalls> = {
    'probe.listSessions': async () => ({ sessions: views() }),
    'probe.getSession': async ({ sessionId }) => view(get(sessionId)),
    'probe.saveSession': async ({ sessionId, config: input }) => {
      await migrated;
      const existing = sessionId !== undefined ? get(sessionId) : null;
      if (existing && !existing.saved) throw ConsoleError.of(ErrorCode.Conflict, 'an imported session cannot be saved over', { field: 'sessionId' });
      const id = sessionId ?? randomUUID();
      const config = liftUrlSecrets(input);
      const before = existing?.saved?.secrets ?? null;
      const params = await resolveParams(secrets, id, config, before);
      const authTypeChanged = existing !== null && existing.session.config.auth.type !== config.auth.type;
      const flags = await applySecrets(secrets, id, config, before, authTypeChanged, params);
      const stripped = stripSecrets(config);
      const createdAt = existing?.session.createdAt ?? new Date().toISOString();
      const saved: SavedSession = { id, createdAt, config: stripped, secrets: flags };
      let l: Live;
      if (existing) {
        existing.saved = saved;
        existing.session.updateConfig(stripped);
        l = existing;
      } else {
        l = createSession(id, stripped, createdAt, saved);
      }
      await persistSessions();
      emitSessions();
      return view(l);
    },
    'probe.deleteSession': async ({ sessionId }) => {
      await migrated;
      const l = get(sessionId);
      await forget(sessionId);
      for (const n of SECRET_NAMES) if (l.saved?.secrets[n]) await secrets.delete(secretKey(sessionId, n));
      await persistSessions();
      emitSessions();
      return { ok: true as const };
    },
    'probe.open': async ({ sessionId }) => {
      await migrated;
      const l = get(sessionId);
      await l.session.open();
      return view(l);
    },
    'probe.close': async ({ sessionId, code, reason }) => {
      const l = get(sessionId);
      l.session.close(code, reason);
      return view(l);
    },
    'probe.send': async ({ sessionId, message }) => ({ index: await get(sessionId).session.send(message) }),
    'probe.preview': async ({ message }) => {
      if (message.type === 'ping') return { opcode: 'text' as const, text: message.payload, size: Buffer.byteLength(message.payload) };
      const enc = await encodeMessage(message);
      return enc.opcode === 'text' ? { opcode: 'text' as const, text: enc.text, size: Buffer.byteLength(enc.text) } : { opcode: 'binary' as const, text: enc.data.toString('hex'), size: enc.data.length };
    },
    'probe.resend': async ({ sessionId, indices }) => ({ indices: get(sessionId).session.resend(indices) }),
    'probe.queryLog': async ({ sessionId, filter, offset, limit, anchorIndex }) => {
      const s = get(sessionId).session;
      const t0 = performance.now();
      const page = s.query({ filter, offset, limit, ...(anchorIndex !== undefined ? { anchorIndex } : {}) });
      return { ...page, stats: s.stats, tookMs: Math.round((performance.now() - t0) * 100) / 100 };
    },
    ...files,
    'probe.listTemplates': async () => ({ templates }),
    'probe.saveTemplate': async ({ id, name, message }) => {
      const t: ProbeTemplate = { id: id ?? randomUUID(), name, message, updatedAt: new Date().toISOString() };
      templates = [...templates.filter((x) => x.id !== t.id), t];
      await writes.run(() => saveTemplates(templatesPath, templates));
      ctx.emit('probe.templates', { templates });
      return t;
    },
    'probe.deleteTemplate': async ({ id }) => {
      if (!templates.some((t) => t.id === id)) throw ConsoleError.of(ErrorCode.NotFound, `no template ${id}`, { field: 'id' });
      templates = templates.filter((t) => t.id !== id);
      await writes.run(() => saveTemplates(templatesPath, templates));
      ctx.emit('probe.templates', { templates });
      return { ok: true as const };
    },
  };

  return {
    handlers,
    dispose: async () => {
      await migrated;
      if (batchTimer) clearTimeout(batchTimer);
      batchTimer = null;
      pending.clear();
      for (const l of live.values()) await l.session.dispose();
      live.clear();
      await transfers.dispose();
    },
  };
}
