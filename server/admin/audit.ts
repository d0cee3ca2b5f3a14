import type { AdminRole } from '../../protocol/admin-config';
import type { ErrorInfo } from '../../protocol/errors';
import type { ConfigStore } from '../store/config-store';

/** Keys whose values never reach the audit log, at any depth. */
const SECRET_KEYS = new Set(['password', 'key', 'secret', 'publickey', 'token', 'apikey', 'credentials', 'authorization', 'access_token']);

/** Audit params larger than this (as JSON) are replaced by a truncated preview so one invoke cannot bloat the log. */
export const MAX_AUDIT_PARAMS_CHARS = 4096;

export const REDACTED = '[redacted]';

/** A copy of value with every secret-named key's value replaced by "[redacted]". */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 32) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties, so a "__proto__" key in client JSON stays plain data.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.has(k.toLowerCase()) ? REDACTED : redactSecrets(v, depth + 1)]));
  }
  return value;
}

export function auditParams(value: unknown): unknown {
  if (value === undefined) return undefined;
  const redacted = redactSecrets(value);
  const json = JSON.stringify(redacted) ?? 'null';
  if (json.length <= MAX_AUDIT_PARAMS_CHARS) return redacted;
  return { truncated: true, chars: json.length, preview: json.slice(0, 1024) };
}

export interface AuditRecord {
  actor: string;
  role: AdminRole;
  action: string;
  target: string | null;
  params: unknown;
  error?: ErrorInfo;
}

/** Appends to the durable audit log; a failing store must not turn a done action into an error response. */
export function recordAudit(store: ConfigStore, r: AuditRecord): void {
  try {
    const params = auditParams(r.params);
    store.appendAudit({
      actor: r.actor,
      role: r.role,
      action: r.action,
      target: r.target,
      ...(params !== undefined ? { params } : {}),
      outcome: r.error ? 'error' : 'ok',
      ...(r.error ? { error: r.error } : {}),
    });
  } catch (err) {
    process.stderr.write(`admin: could not append to the audit log: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
