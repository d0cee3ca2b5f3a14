import type { z } from 'zod';

/** How a form names a field in a sentence, and the unit its number is in. */
export interface FieldWords {
  label: string;
  /** Singular unit of a numeric field ("second", "byte"); pluralised when the bound is not 1. */
  unit?: string;
}

const plural = (n: number, unit: string) => `${n.toLocaleString('en-US')} ${unit}${n === 1 ? '' : 's'}`;
const bound = (n: unknown, unit?: string) => (unit ? plural(Number(n), unit) : Number(n).toLocaleString('en-US'));
const list = (vs: readonly unknown[]) => vs.map((v) => (typeof v === 'string' ? `“${v}”` : String(v))).join(', ');

/**
 * One zod issue as a sentence that names the field the way the form labels it ("Ping interval
 * must be at least 1 second"), instead of zod's "Too small: expected number to be >=1". Messages
 * a schema wrote itself (refinements, `min(1, 'name is required')`) are kept, after the label.
 */
export function humanIssue(issue: z.core.$ZodIssue, words: FieldWords): string {
  const { label, unit } = words;
  const own = (m: string) => `${label}: ${m}`;
  switch (issue.code) {
    case 'too_small': {
      if (!issue.message.startsWith('Too small')) return own(issue.message);
      const min = Number(issue.minimum);
      const orMore = issue.inclusive === false ? 'more than' : 'at least';
      if (issue.origin === 'string') return min === 1 ? `${label} is required` : `${label} must be ${orMore} ${plural(min, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return min === 1 ? `${label} needs at least one entry` : `${label} needs ${orMore} ${plural(min, 'entry').replace('entrys', 'entries')}`;
      return `${label} must be ${orMore} ${bound(min, unit)}`;
    }
    case 'too_big': {
      if (!issue.message.startsWith('Too big')) return own(issue.message);
      const max = Number(issue.maximum);
      const orLess = issue.inclusive === false ? 'less than' : 'at most';
      if (issue.origin === 'string') return `${label} must be ${orLess} ${plural(max, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${label} takes ${orLess} ${plural(max, 'entry').replace('entrys', 'entries')}`;
      return `${label} must be ${orLess} ${bound(max, unit)}`;
    }
    case 'invalid_type': {
      if (!issue.message.startsWith('Invalid input')) return own(issue.message);
      if (issue.expected === 'int') return `${label} must be a whole number`;
      if (issue.expected === 'number') return `${label} must be a number`;
      if (issue.expected === 'string') return `${label} must be text`;
      if (issue.expected === 'boolean') return `${label} must be true or false`;
      if (issue.expected === 'array') return `${label} must be a list`;
      if (issue.expected === 'object') return `${label} must be an object`;
      return `${label} is missing or of the wrong kind (expected ${issue.expected})`;
    }
    case 'invalid_value':
      return issue.message.startsWith('Invalid') ? `${label} must be one of ${list(issue.values)}` : own(issue.message);
    case 'not_multiple_of':
      return `${label} must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `${label} has ${issue.keys.length === 1 ? 'an unknown field' : 'unknown fields'}: ${issue.keys.join(', ')}`;
    case 'invalid_format':
      return issue.message.startsWith('Invalid') ? `${label} is not a valid ${issue.format}` : own(issue.message);
    case 'invalid_union':
      return `${label} is not valid here`;
    default:
      return own(issue.message);
  }
}

/** The path of an issue as a reader sees it: `entries.3.direction` → "entries[3].direction"; '' → fallback. */
export function pathWords(path: readonly PropertyKey[], fallback: string): string {
  if (path.length === 0) return fallback;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}
