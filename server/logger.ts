import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import { SecurityCreateSchema, SecurityPatchSchema } from '../protocol/admin-config';
import { HelloFrame } from '../protocol/client-frames';
import { isSecret, objectSchemas } from '../protocol/schema-walk';
import { AdminTokenSchema } from './admin/options';

/**
 * The server's structured logger: pino, one JSON line per entry on stderr (stdout stays free for
 * the CLI's URLs), `{"level","at","scope","msg",...fields}`. Fields whose names the schemas mark
 * secret (password, apiKey, token, key, secret) are replaced by "[redacted]" wherever they appear
 * up to three levels deep, so a hello or a security body logged by mistake still leaks nothing.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

/** Secret field names, read from the schemas that carry credentials (one source of truth). */
export function secretFieldNames(): string[] {
  const names = new Set<string>(['authorization', 'cookie']);
  for (const root of [HelloFrame, SecurityCreateSchema, SecurityPatchSchema, AdminTokenSchema]) {
    for (const { schema } of objectSchemas(root)) {
      for (const [k, v] of Object.entries(schema.shape)) if (isSecret(v as never)) names.add(k);
    }
  }
  return [...names].sort();
}

let redactPaths: string[] | undefined;
const paths = (): string[] => (redactPaths ??= secretFieldNames().flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]));

/** Children hang off the root, not off each other: pino repeats a binding a child sets again. */
function wrap(root: Pino, scope: string): Logger {
  const p = root.child({ scope });
  return {
    debug: (m, f) => (f ? p.debug(f, m) : p.debug(m)),
    info: (m, f) => (f ? p.info(f, m) : p.info(m)),
    warn: (m, f) => (f ? p.warn(f, m) : p.warn(m)),
    error: (m, f) => (f ? p.error(f, m) : p.error(m)),
    child: (s) => wrap(root, `${scope}.${s}`),
  };
}

/** `destination` defaults to stderr (written synchronously, so nothing is lost on exit). */
export function createLogger(level: LogLevel, scope = 'server', destination?: DestinationStream): Logger {
  const root = pino(
    {
      level,
      base: null,
      messageKey: 'msg',
      timestamp: () => `,"at":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: paths(), censor: '[redacted]' },
    },
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
  return wrap(root, scope);
}
