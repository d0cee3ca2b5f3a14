import { z } from 'zod';

/**
 * Create and patch schemas from one field list. The fields carry no defaults; `createShape`
 * adds them, so defaults apply when a resource is created and never when it is patched — a PATCH
 * changes exactly the fields it names. (A `.partial()` of a schema with `.default()`s would
 * re-apply every default on every patch.)
 */
export function createShape<S extends z.ZodRawShape, D extends { [K in keyof S]?: z.output<S[K]> }>(
  shape: S,
  defaults: D,
): { [K in keyof S]: K extends keyof D ? z.ZodDefault<S[K]> : S[K] } {
  const out: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(shape)) {
    out[key] = Object.hasOwn(defaults, key) ? (field as z.ZodType).default((defaults as Record<string, unknown>)[key] as never) : (field as z.ZodType);
  }
  return out as { [K in keyof S]: K extends keyof D ? z.ZodDefault<S[K]> : S[K] };
}

/** Every field optional, none defaulted, unknown keys refused, and at least one field present. */
export function patchSchema<S extends z.ZodRawShape>(shape: S) {
  return z
    .object(shape)
    .partial()
    .strict()
    .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'a patch names at least one field' });
}
