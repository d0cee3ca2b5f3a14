import { z } from 'zod';
import type { AdminRoute, AuditTargetPath } from '../../protocol/admin-api';
import type { ErrorInfo } from '../../protocol/errors';
import { redactBySchema } from '../../protocol/schema-walk';
import type { AuditLog } from '../control/control';
import type { Caller } from './auth';

/**
 * How much of the audit log is kept (`audit` in the server configuration). Applied as rows are
 * appended: past maxRows the oldest tenth goes in one statement; rows past maxAgeDays are looked
 * for at most once a minute.
 */
export const AuditRetentionSchema = z.object({
  /** Rows kept at most (the table never holds more). */
  maxRows: z.number().int().min(100).max(100_000_000).default(100_000),
  /** Rows older than this many days are deleted; 0 keeps rows of any age (maxRows still applies). */
  maxAgeDays: z.number().int().min(0).max(36_500).default(90),
}).strict();

/** Audit params larger than this (as JSON) are replaced by a truncated preview so one request cannot bloat the log. */
export const MAX_AUDIT_PARAMS_CHARS = 4096;

/**
 * What an audit entry keeps of a request body: decided by the route's body schema, so fields
 * marked secret are "[redacted]" and free-form payloads are kept only as their size.
 */
export function auditParams(schema: z.ZodType | undefined, value: unknown): unknown {
  if (value === undefined) return undefined;
  const redacted = redactBySchema(schema, value);
  const json = JSON.stringify(redacted) ?? 'null';
  if (json.length <= MAX_AUDIT_PARAMS_CHARS) return redacted;
  return { truncated: true, chars: json.length, preview: json.slice(0, 1024) };
}

/** The name of the route's target, from its params or its (raw) body. */
export function auditTarget(route: AdminRoute, params: Record<string, unknown>, rawBody: unknown): string | null {
  const paths: readonly AuditTargetPath[] = route.audit ? (typeof route.audit.target === 'string' ? [route.audit.target] : route.audit.target) : [];
  for (const p of paths) {
    const [where, key] = p.split('.', 2) as ['params' | 'body', string];
    const src = where === 'params' ? params : rawBody;
    const v = src !== null && typeof src === 'object' && !Array.isArray(src) && Object.hasOwn(src, key) ? (src as Record<string, unknown>)[key] : undefined;
    if (typeof v === 'string' && v.length > 0) return v.length > 256 ? `${v.slice(0, 253)}...` : v;
  }
  return null;
}

/** Appends to the durable audit log; a failing store must not turn a done action into an error response. */
export function recordAudit(log: AuditLog, caller: Caller, route: AdminRoute, target: string | null, params: unknown, error?: ErrorInfo): void {
  try {
    log.append({
      actor: caller.name,
      role: caller.role,
      action: route.audit!.action,
      target,
      ...(params !== undefined ? { params } : {}),
      outcome: error ? 'error' : 'ok',
      ...(error ? { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } } : {}),
    });
  } catch (err) {
    process.stderr.write(`admin: could not append to the audit log: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
