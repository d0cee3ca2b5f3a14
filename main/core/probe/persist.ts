import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ProbeId, ProbeSessionConfigInput, ProbeTemplate, type ProbeSessionConfig } from '../../../protocol/console/probe';
import { IsoTime } from '../../../protocol/time';
import { writeFileAtomic } from './atomic';

/** Which secrets a saved session has in the secret store (the values never live in this file). */
export const SecretFlags = z.object({
  auth: z.boolean().default(false),
  tlsKey: z.boolean().default(false),
  tlsPassphrase: z.boolean().default(false),
  proxyPassword: z.boolean().default(false),
});
export type SecretFlags = z.infer<typeof SecretFlags>;
export type SecretName = keyof SecretFlags;

export const SavedSession = z.object({ id: ProbeId, createdAt: IsoTime, config: ProbeSessionConfigInput, secrets: SecretFlags.default({ auth: false, tlsKey: false, tlsPassphrase: false, proxyPassword: false }) });
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

export function saveSessions(path: string, sessions: SavedSession[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, JSON.stringify({ version: 1, sessions }, null, 2));
}

export function loadTemplates(path: string, onProblem: (msg: string) => void): ProbeTemplate[] {
  return readJson(path, TemplatesFile, { version: 1 as const, templates: [] }, onProblem).templates;
}

export function saveTemplates(path: string, templates: ProbeTemplate[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, JSON.stringify({ version: 1, templates }, null, 2));
}

/** Removes the secret fields from a config (they go to the secret store). */
export function stripSecrets(config: ProbeSessionConfig): ProbeSessionConfig {
  const auth = config.auth.type === 'basic' ? { type: 'basic' as const, username: config.auth.username } : config.auth.type === 'bearer' ? { type: 'bearer' as const } : config.auth;
  const out: ProbeSessionConfig = { ...config, auth };
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
