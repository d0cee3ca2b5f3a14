import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeJsonAtomic } from '../../../common/node/atomic-file';
import { ProbeId, ProbeSessionConfigInput, ProbeTemplate, type ProbeSessionConfig } from '../../../protocol/console/probe';
import { IsoTime } from '../../../protocol/time';

/** Probe files may name endpoints, users and headers: readable by the current user only. */
export const PROBE_FILE_MODE = 0o600;
export const PROBE_DIR_MODE = 0o700;

/** Which secrets a saved session has in the secret store (the values never live in this file). */
export const SecretFlags = z.object({
  auth: z.boolean().default(false),
  tlsKey: z.boolean().default(false),
  tlsPassphrase: z.boolean().default(false),
  proxyPassword: z.boolean().default(false),
  /** Values of secret headers and query parameters, one JSON secret per session. */
  params: z.boolean().default(false),
});
export type SecretFlags = z.infer<typeof SecretFlags>;
export type SecretName = keyof SecretFlags;
export const NO_SECRETS: SecretFlags = { auth: false, tlsKey: false, tlsPassphrase: false, proxyPassword: false, params: false };
export const SECRET_NAMES = Object.keys(NO_SECRETS) as SecretName[];

export const SavedSession = z.object({ id: ProbeId, createdAt: IsoTime, config: ProbeSessionConfigInput, secrets: SecretFlags.default({ ...NO_SECRETS }) });
export type SavedSession = { id: string; createdAt: string; config: ProbeSessionConfig; secrets: SecretFlags };

const SessionsFile = z.object({ version: z.literal(1), sessions: z.array(SavedSession) });
const TemplatesFile = z.object({ version: z.literal(1), templates: z.array(ProbeTemplate) });

/**
 * Reads a JSON file through its schema. A missing file is empty; a corrupt one is reported once and
 * kept aside (renamed by the next atomic write's target staying untouched until then) — never crashes the core.
 */
function readJson<T>(path: string, schema: z.ZodType<T>, empty: T, onProblem: (msg: string) => void): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return empty;
  }
  try {
    const r = schema.safeParse(JSON.parse(text));
    if (r.success) return r.data;
    onProblem(`${path}: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
  } catch (err) {
    onProblem(`${path}: ${(err as Error).message}`);
  }
  return empty;
}

export function loadSessions(path: string, onProblem: (msg: string) => void): SavedSession[] {
  return readJson(path, SessionsFile, { version: 1 as const, sessions: [] }, onProblem).sessions;
}

/** Atomic and fsync'd (common/node/atomic-file.ts), mode 0600. */
export function saveSessions(path: string, sessions: SavedSession[]): Promise<void> {
  return writeJsonAtomic(path, { version: 1, sessions }, PROBE_FILE_MODE);
}

export function loadTemplates(path: string, onProblem: (msg: string) => void): ProbeTemplate[] {
  return readJson(path, TemplatesFile, { version: 1 as const, templates: [] }, onProblem).templates;
}

export function saveTemplates(path: string, templates: ProbeTemplate[]): Promise<void> {
  return writeJsonAtomic(path, { version: 1, templates }, PROBE_FILE_MODE);
}

/** Removes the secret fields from a config (they go to the secret store). */
export function stripSecrets(config: ProbeSessionConfig): ProbeSessionConfig {
  const a = config.auth;
  const auth = a.type === 'basic' ? { type: 'basic' as const, username: a.username } : a.type === 'bearer' ? { type: 'bearer' as const } : a.type === 'api-key' ? { type: 'api-key' as const, header: a.header } : a;
  const plain = <T extends { name: string; value?: string; secret: boolean }>(p: T) => (p.secret ? { name: p.name, secret: true } : p);
  const out: ProbeSessionConfig = { ...config, auth, headers: config.headers.map(plain), query: config.query.map(plain) };
  if (config.tls) {
    const { key: _k, passphrase: _p, ...tls } = config.tls;
    out.tls = tls;
  }
  if (config.proxy) {
    const { password: _pw, ...proxy } = config.proxy;
    out.proxy = proxy;
  }
  return out;
}
