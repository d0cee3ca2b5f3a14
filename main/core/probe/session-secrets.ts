import { isSensitiveQuery, type ProbeSessionConfig } from '../../../protocol/console/probe';
import { ErrorCode } from '../../../protocol/errors';
import type { SecretStore } from '../storage/secret-store';
import { ConsoleError } from '../contract/errors';
import type { SessionSecrets, StoredParams } from './connect-options';
import { NO_SECRETS, type SecretFlags, type SecretName } from './persist';

export type Secrets = Pick<SecretStore, 'get' | 'set' | 'delete'>;

export const secretKey = (id: string, name: SecretName): string => `probe/${id}/${name}`;

/**
 * A credential typed into the URL itself (`wss://h/?token=…`) would land in sessions.json and every
 * view: such parameters are moved into `query` as secret entries before anything is stored.
 */
export function liftUrlSecrets(config: ProbeSessionConfig): ProbeSessionConfig {
  const url = new URL(config.url);
  const lifted = [...url.searchParams].filter(([name]) => isSensitiveQuery(name));
  if (lifted.length === 0) return config;
  for (const [name] of lifted) url.searchParams.delete(name);
  const query = [...lifted.map(([name, value]) => ({ name, value, secret: true })), ...config.query];
  return { ...config, url: url.toString(), query };
}

/**
 * Sessions saved before header/query secrets existed may hold such values (or a credential in the URL)
 * in sessions.json: those are moved into the secret store when the probe starts.
 */
export function hasInlineSecrets(config: ProbeSessionConfig): boolean {
  return [...config.headers, ...config.query].some((p) => p.secret && p.value !== undefined) || liftUrlSecrets(config) !== config;
}

async function loadParams(secrets: Secrets, id: string, stored: boolean): Promise<StoredParams> {
  const empty: StoredParams = { headers: {}, query: {} };
  if (!stored) return empty;
  const raw = await secrets.get(secretKey(id, 'params'));
  if (!raw) return empty;
  try {
    const p = JSON.parse(raw) as Partial<StoredParams>;
    return { headers: p.headers ?? {}, query: p.query ?? {} };
  } catch {
    return empty;
  }
}

/**
 * The values of the config's secret headers and query parameters: typed ones replace, omitted ones
 * keep what is stored, and one with nothing stored is a validation error on its value — computed
 * before anything is written, so a bad save changes nothing.
 */
export async function resolveParams(secrets: Secrets, id: string, config: ProbeSessionConfig, before: SecretFlags | null): Promise<StoredParams> {
  const old = await loadParams(secrets, id, before?.params ?? false);
  const next: StoredParams = { headers: {}, query: {} };
  config.headers.forEach((h, i) => {
    if (!h.secret) return;
    const key = h.name.toLowerCase();
    const v = h.value ?? old.headers[key];
    if (v === undefined) throw ConsoleError.of(ErrorCode.Validation, `config.headers.${i}.value: enter a value for the secret header ${h.name}`, { field: `config.headers.${i}.value` });
    next.headers[key] = v;
  });
  config.query.forEach((q, i) => {
    if (!q.secret) return;
    const v = q.value ?? old.query[q.name];
    if (v === undefined) throw ConsoleError.of(ErrorCode.Validation, `config.query.${i}.value: enter a value for the secret query parameter ${q.name}`, { field: `config.query.${i}.value` });
    next.query[q.name] = v;
  });
  return next;
}

/** Applies the secret fields of a saved config: omitted keeps, '' clears, a value replaces. */
export async function applySecrets(secrets: Secrets, id: string, config: ProbeSessionConfig, before: SecretFlags | null, authTypeChanged: boolean, params: StoredParams): Promise<SecretFlags> {
  const flags: SecretFlags = { ...(before ?? NO_SECRETS) };
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
  const a = config.auth;
  const authValue = a.type === 'basic' ? a.password : a.type === 'bearer' ? a.token : a.type === 'api-key' ? a.key : '';
  await apply('auth', authValue === undefined && authTypeChanged ? '' : authValue, a.type !== 'none');
  await apply('tlsKey', config.tls?.key, config.tls !== undefined);
  await apply('tlsPassphrase', config.tls?.passphrase, config.tls !== undefined);
  await apply('proxyPassword', config.proxy?.password, config.proxy !== undefined);
  const any = Object.keys(params.headers).length + Object.keys(params.query).length > 0;
  await apply('params', any ? JSON.stringify(params) : '', true);
  return flags;
}

/** Everything a connect needs from the store. */
export async function loadSessionSecrets(secrets: Secrets, id: string, flags: SecretFlags | null): Promise<SessionSecrets> {
  const get = async (n: SecretName) => (flags?.[n] ? ((await secrets.get(secretKey(id, n))) ?? undefined) : undefined);
  return {
    authSecret: await get('auth'),
    tlsKey: await get('tlsKey'),
    tlsPassphrase: await get('tlsPassphrase'),
    proxyPassword: await get('proxyPassword'),
    params: await loadParams(secrets, id, flags?.params ?? false),
  };
}
