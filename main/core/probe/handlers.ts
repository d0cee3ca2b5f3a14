import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { probeCalls, ProbeLogSummary, ProbeSessionConfig, ProbeSessionView, ProbeTemplate } from '../../../protocol/console/probe';
import { ProbeSessionConfigInput } from '../../../protocol/console/probe';
import { ErrorCode } from '../../../protocol/errors';
import { ConsoleError } from '../contract/errors';
import type { Emit, Handlers } from '../contract/handler-types';
import { encodeMessage } from './frames';
import { exportHar, exportNdjson, readExport } from './export-import';
import { summarize } from './log-text';
import { loadSessions, loadTemplates, saveSessions, saveTemplates, stripSecrets, type SavedSession, type SecretFlags, type SecretName } from './persist';
import { FileSecretStore, type SecretStore } from '../storage/secret-store';
import { ProbeSession, type SessionOptions } from './session';

export interface ProbeContext {
  emit: Emit;
  /** Directory for this console's data (sessions, spill files). */
  dataDir: string;
  /**
   * Where session secrets go (CORE's SecretStore; only get/set/delete are used, keys `probe/<id>/<name>`).
   * Default: CORE's FileSecretStore at <dataDir>/probe/secrets.json (0600, plain text at rest).
   */
  secrets?: Pick<SecretStore, 'get' | 'set' | 'delete'>;
  /** `probe.log` pushes are batched per session at most this often. Default 50 ms. */
  logBatchMs?: number;
  /** Per-session tuning (log window, logged data cap, close timeout). */
  sessionOptions?: SessionOptions;
}

export interface ProbeService {
  handlers: Handlers<typeof probeCalls>;
  dispose(): Promise<void>;
}

/** Summaries carried by one `probe.log` push (the UI pages for the rest). */
const MAX_TAIL = 100;

const secretKey = (id: string, name: SecretName): string => `probe/${id}/${name}`;

interface Live {
  session: ProbeSession;
  saved: SavedSession | null;
}

export function createProbeService(ctx: ProbeContext): ProbeService {
  const root = join(ctx.dataDir, 'probe');
  const sessionsPath = join(root, 'sessions.json');
  const templatesPath = join(root, 'templates.json');
  const logsRoot = join(root, 'logs');
  // Spill files are a cache of live sessions: whatever a previous run left is stale.
  rmSync(logsRoot, { recursive: true, force: true });
  mkdirSync(logsRoot, { recursive: true });
  const secrets = ctx.secrets ?? new FileSecretStore(root);
  const batchMs = ctx.logBatchMs ?? 50;
  const problems: string[] = [];
  const live = new Map<string, Live>();
  let templates: ProbeTemplate[] = loadTemplates(templatesPath, (m) => problems.push(m));
  const pending = new Map<string, { appended: number; tail: ProbeLogSummary[] }>();
  let batchTimer: NodeJS.Timeout | null = null;

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
    const flags: SecretFlags = l.saved?.secrets ?? { auth: false, tlsKey: false, tlsPassphrase: false, proxyPassword: false };
    const c = s.config;
    const auth = c.auth.type === 'basic' ? { type: 'basic' as const, username: c.auth.username, hasPassword: flags.auth } : c.auth.type === 'bearer' ? { type: 'bearer' as const, hasToken: flags.auth } : { type: 'none' as const };
    const { key: _k, passphrase: _p, ...tls } = c.tls ?? {};
    const { password: _pw, ...proxy } = c.proxy ?? { url: '' };
    return {
      id: s.id,
      config: {
        ...c,
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
  const persistSessions = (): void => saveSessions(sessionsPath, [...live.values()].flatMap((l) => (l.saved ? [l.saved] : [])));

  const createSession = (id: string, config: ProbeSessionConfig, createdAt: string, saved: SavedSession | null): Live => {
    const l: Live = { saved, session: null as unknown as ProbeSession };
    l.session = new ProbeSession({
      id,
      config,
      createdAt,
      imported: saved === null,
      logDir: join(logsRoot, id),
      options: ctx.sessionOptions,
      loadSecrets: async () => {
        const get = async (n: SecretName) => (l.saved?.secrets[n] ? ((await secrets.get(secretKey(id, n))) ?? undefined) : undefined);
        return { authSecret: await get('auth'), tlsKey: await get('tlsKey'), tlsPassphrase: await get('tlsPassphrase'), proxyPassword: await get('proxyPassword') };
      },
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

  const get = (sessionId: string): Live => {
    const l = live.get(sessionId);
    if (!l) throw ConsoleError.of(ErrorCode.NotFound, `no probe session ${sessionId}`, { field: 'sessionId' });
    return l;
  };

  /** Applies the secret fields of a saved config: omitted keeps, '' clears, a value replaces. */
  const applySecrets = async (id: string, config: ProbeSessionConfig, before: SecretFlags | null, authTypeChanged: boolean): Promise<SecretFlags> => {
    const flags: SecretFlags = { ...(before ?? { auth: false, tlsKey: false, tlsPassphrase: false, proxyPassword: false }) };
    const apply = async (name: SecretName, value: string | undefined, present: boolean): Promise<void> => {
      if (!present) value = '';
      if (value === undefined) return;
      if (value === '') {
        if (flags[name]) await secrets.delete(secretKey(id, name));
        flags[name] = false;
      } else {
        await secrets.set(secretKey(id, name), value);
        flags[name] = true;
      }
    };
    const authValue = config.auth.type === 'basic' ? config.auth.password : config.auth.type === 'bearer' ? config.auth.token : '';
    await apply('auth', authValue === undefined && authTypeChanged ? '' : authValue, config.auth.type !== 'none');
    await apply('tlsKey', config.tls?.key, config.tls !== undefined);
    await apply('tlsPassphrase', config.tls?.passphrase, config.tls !== undefined);
    await apply('proxyPassword', config.proxy?.password, config.proxy !== undefined);
    return flags;
  };

  const handlers: Handlers<typeof probeCalls> = {
    probeListSessions: async () => ({ sessions: views() }),
    probeGetSession: async ({ sessionId }) => view(get(sessionId)),
    probeSaveSession: async ({ sessionId, config }) => {
      const existing = sessionId !== undefined ? get(sessionId) : null;
      if (existing && !existing.saved) throw ConsoleError.of(ErrorCode.Conflict, 'an imported session cannot be saved over', { field: 'sessionId' });
      const id = sessionId ?? randomUUID();
      const authTypeChanged = existing !== null && existing.session.config.auth.type !== config.auth.type;
      const flags = await applySecrets(id, config, existing?.saved?.secrets ?? null, authTypeChanged);
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
      persistSessions();
      emitSessions();
      return view(l);
    },
    probeDeleteSession: async ({ sessionId }) => {
      const l = get(sessionId);
      live.delete(sessionId);
      pending.delete(sessionId);
      await l.session.dispose();
      for (const n of ['auth', 'tlsKey', 'tlsPassphrase', 'proxyPassword'] as const) if (l.saved?.secrets[n]) await secrets.delete(secretKey(sessionId, n));
      persistSessions();
      emitSessions();
      return { ok: true as const };
    },
    probeOpen: async ({ sessionId }) => {
      const l = get(sessionId);
      await l.session.open();
      return view(l);
    },
    probeClose: async ({ sessionId, code, reason }) => {
      const l = get(sessionId);
      l.session.close(code, reason);
      return view(l);
    },
    probeSend: async ({ sessionId, message }) => ({ index: await get(sessionId).session.send(message) }),
    probePreview: async ({ message }) => {
      if (message.type === 'ping') return { opcode: 'text' as const, text: message.payload, size: Buffer.byteLength(message.payload) };
      const enc = await encodeMessage(message);
      return enc.opcode === 'text' ? { opcode: 'text' as const, text: enc.text, size: Buffer.byteLength(enc.text) } : { opcode: 'binary' as const, text: enc.data.toString('hex'), size: enc.data.length };
    },
    probeResend: async ({ sessionId, indices }) => ({ indices: get(sessionId).session.resend(indices) }),
    probeQueryLog: async ({ sessionId, filter, offset, limit, anchorIndex }) => {
      const s = get(sessionId).session;
      const t0 = performance.now();
      const page = s.query({ filter, offset, limit, ...(anchorIndex !== undefined ? { anchorIndex } : {}) });
      return { ...page, stats: s.stats, tookMs: Math.round((performance.now() - t0) * 100) / 100 };
    },
    probeExport: async ({ sessionId, format, path }) => {
      const s = get(sessionId).session;
      let target = path;
      if (!target) {
        const dir = join(root, 'exports');
        mkdirSync(dir, { recursive: true });
        const safe = s.config.name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60) || 'session';
        target = join(dir, `${safe}-${new Date().toISOString().replace(/[:.]/g, '-')}.${format === 'har' ? 'har' : 'ndjson'}`);
      }
      try {
        const r = format === 'har' ? await exportHar(s, target) : await exportNdjson(s, target);
        return { path: target, ...r };
      } catch (err) {
        throw ConsoleError.of(ErrorCode.Validation, `path: cannot write ${target} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { field: 'path' });
      }
    },
    probeImport: async ({ path, name }) => {
      const id = `import-${randomUUID()}`;
      const placeholder = ProbeSessionConfigInput.parse({ name: name ?? basename(path).slice(0, 200), url: 'ws://imported.invalid/' });
      const l = createSession(id, placeholder, new Date().toISOString(), null);
      try {
        const meta = await readExport(path, (e) => l.session.importEntry(e));
        const url = meta.url && ProbeSessionConfigInput.shape.url.safeParse(meta.url).success ? meta.url : placeholder.url;
        l.session.updateConfig({ ...placeholder, url, name: name ?? meta.name ?? placeholder.name });
      } catch (err) {
        live.delete(id);
        pending.delete(id);
        await l.session.dispose();
        throw err;
      }
      emitSessions();
      return view(l);
    },
    probeListTemplates: async () => ({ templates }),
    probeSaveTemplate: async ({ id, name, message }) => {
      const t: ProbeTemplate = { id: id ?? randomUUID(), name, message, updatedAt: new Date().toISOString() };
      templates = [...templates.filter((x) => x.id !== t.id), t];
      saveTemplates(templatesPath, templates);
      ctx.emit('probe.templates', { templates });
      return t;
    },
    probeDeleteTemplate: async ({ id }) => {
      if (!templates.some((t) => t.id === id)) throw ConsoleError.of(ErrorCode.NotFound, `no template ${id}`, { field: 'id' });
      templates = templates.filter((t) => t.id !== id);
      saveTemplates(templatesPath, templates);
      ctx.emit('probe.templates', { templates });
      return { ok: true as const };
    },
  };

  return {
    handlers,
    dispose: async () => {
      if (batchTimer) clearTimeout(batchTimer);
      batchTimer = null;
      pending.clear();
      for (const l of live.values()) await l.session.dispose();
      live.clear();
    },
  };
}
