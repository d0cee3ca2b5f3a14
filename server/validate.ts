import type { z } from 'zod';
import { ErrorCode, validationError } from '../protocol/errors';
import { SbError } from './errors';

/** Parses input at a boundary; a failure becomes one SbError naming the first offending field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const info = validationError(r.error, prefix);
  throw new SbError(ErrorCode.Validation, info.message, { ...(info.field ? { field: info.field } : {}), details: info.details });
}
