import { z } from 'zod';

/**
 * Small walks over zod schemas, shared by the strictness test, the audit log's redaction and the
 * message log: one place that knows how zod nests (optional, default, pipe, union, ...).
 */

/** Fields marked secret: never logged, stored in an audit entry, exported or returned. */
export const secretRegistry = z.registry<{ secret: true }>();

/** Marks a field schema secret (the same instance wherever it is used). */
export function secret<T extends z.ZodType>(schema: T): T {
  secretRegistry.add(schema, { secret: true });
  return schema;
}

type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Wrappers whose inner schema describes the same value. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success']);

/** The schema under optional/nullable/default/pipe-input wrappers. */
export function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (let i = 0; i < 32; i++) {
    if (secretRegistry.has(cur)) return cur;
    const d = defOf(cur);
    if (WRAPPERS.has(d.type)) cur = d.innerType as z.ZodType;
    else if (d.type === 'pipe') cur = d.in as z.ZodType;
    else if (d.type === 'lazy') cur = (d.getter as () => z.ZodType)();
    else return cur;
  }
  return cur;
}

export function isSecret(s: z.ZodType): boolean {
  let cur = s;
  for (let i = 0; i < 32; i++) {
    if (secretRegistry.has(cur)) return true;
    const d = defOf(cur);
    if (WRAPPERS.has(d.type)) cur = d.innerType as z.ZodType;
    else if (d.type === 'pipe') cur = d.in as z.ZodType;
    else return false;
  }
  return false;
}

/** Every object schema reachable from `root`, with a dotted path of how it was reached. */
export function* objectSchemas(root: z.ZodType, path = '', seen = new Set<z.ZodType>()): Generator<{ path: string; schema: z.ZodObject }> {
  if (seen.has(root)) return;
  seen.add(root);
  const d = defOf(root);
  switch (d.type) {
    case 'object': {
      const obj = root as z.ZodObject;
      yield { path, schema: obj };
      for (const [k, v] of Object.entries(obj.shape)) yield* objectSchemas(v as z.ZodType, path ? `${path}.${k}` : k, seen);
      const catchall = d.catchall as z.ZodType | undefined;
      if (catchall && defOf(catchall).type !== 'never' && defOf(catchall).type !== 'unknown') yield* objectSchemas(catchall, `${path}.*`, seen);
      return;
    }
    case 'array':
      return yield* objectSchemas(d.element as z.ZodType, `${path}[]`, seen);
    case 'record':
      return yield* objectSchemas(d.valueType as z.ZodType, `${path}.*`, seen);
    case 'tuple':
      for (const [i, item] of (d.items as z.ZodType[]).entries()) yield* objectSchemas(item, `${path}[${i}]`, seen);
      return;
    case 'union':
      for (const o of d.options as z.ZodType[]) yield* objectSchemas(o, path, seen);
      return;
    case 'intersection':
      yield* objectSchemas(d.left as z.ZodType, path, seen);
      yield* objectSchemas(d.right as z.ZodType, path, seen);
      return;
    case 'pipe':
      yield* objectSchemas(d.in as z.ZodType, path, seen);
      return;
    case 'lazy':
      return yield* objectSchemas((d.getter as () => z.ZodType)(), path, seen);
    default:
      if (WRAPPERS.has(d.type)) yield* objectSchemas(d.innerType as z.ZodType, path, seen);
  }
}

/** True when unknown keys are refused (`.strict()`). */
export function isStrictObject(o: z.ZodObject): boolean {
  const catchall = defOf(o).catchall as z.ZodType | undefined;
  return catchall !== undefined && defOf(catchall).type === 'never';
}

export const REDACTED = '[redacted]';

const sizeOf = (v: unknown): number => {
  try {
    return JSON.stringify(v)?.length ?? 0;
  } catch {
    return -1;
  }
};

/** A discriminated union's option named by the value's discriminator (for a value that fails to parse). */
function byDiscriminator(d: Def, opts: z.ZodType[], value: unknown): z.ZodType | undefined {
  const key = d.discriminator;
  if (typeof key !== 'string' || value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
  const tag = (value as Record<string, unknown>)[key];
  return opts.find((o) => {
    const u = unwrap(o);
    if (defOf(u).type !== 'object') return false;
    const field = (u as z.ZodObject).shape[key] as z.ZodType | undefined;
    return field !== undefined && defOf(field).type === 'literal' && (defOf(field).values as unknown[]).includes(tag);
  });
}

/**
 * A copy of `value` fit for a log a viewer may read, decided by the schema it was parsed with:
 * secret-marked fields become "[redacted]", and free-form payloads (z.unknown/any, e.g. invoke or
 * publish data, whose keys nobody declared) are kept only as their size — a field name like
 * `passwd` or `client_secret` inside them is never trusted to be harmless.
 */
export function redactBySchema(schema: z.ZodType | undefined, value: unknown, depth = 0): unknown {
  if (value === undefined) return undefined;
  if (!schema || depth > 32) return { omitted: true, jsonChars: sizeOf(value) };
  if (isSecret(schema)) return REDACTED;
  const s = unwrap(schema);
  const d = defOf(s);
  switch (d.type) {
    case 'unknown':
    case 'any':
      return value === null || typeof value !== 'object' ? (typeof value === 'string' ? { omitted: true, jsonChars: sizeOf(value) } : value) : { omitted: true, jsonChars: sizeOf(value) };
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
      const shape = (s as z.ZodObject).shape as Record<string, z.ZodType>;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        // fromEntries-style assignment on a fresh object: a "__proto__" key stays plain data.
        Object.defineProperty(out, k, { value: Object.hasOwn(shape, k) ? redactBySchema(shape[k], v, depth + 1) : { omitted: true, jsonChars: sizeOf(v) }, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'array':
      return Array.isArray(value) ? value.map((v) => redactBySchema(d.element as z.ZodType, v, depth + 1)) : value;
    case 'record': {
      if (value === null || typeof value !== 'object') return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) Object.defineProperty(out, k, { value: redactBySchema(d.valueType as z.ZodType, v, depth + 1), enumerable: true, writable: true, configurable: true });
      return out;
    }
    case 'union': {
      // The option the value parses as decides (a discriminated union: the right variant's fields).
      const opts = d.options as z.ZodType[];
      const match = opts.find((o) => o.safeParse(value).success) ?? byDiscriminator(d, opts, value) ?? opts.find((o) => defOf(unwrap(o)).type === 'object');
      return match ? redactBySchema(match, value, depth + 1) : { omitted: true, jsonChars: sizeOf(value) };
    }
    case 'intersection':
      return redactBySchema(d.left as z.ZodType, value, depth + 1);
    default:
      return value;
  }
}
