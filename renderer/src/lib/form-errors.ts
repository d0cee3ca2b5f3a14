import type { z } from 'zod';
import type { ErrorInfo } from '../../../protocol/errors';
import { humanIssue, type FieldWords } from '../../../common/human-issue';

/** Field path → first message, from a zod failure (client-side validation with the protocol schemas). */
export type FieldErrors = Record<string, string>;

/**
 * `words` names the form's fields as their labels do (by path, or by the path's first part for
 * list items), so messages read "Ping interval must be at least 1 second".
 */
export function zodFieldErrors(error: z.ZodError, words: Readonly<Record<string, FieldWords>> = {}): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '_';
    const w = words[path] ?? words[String(issue.path[0] ?? '')];
    out[path] ??= w ? humanIssue(issue, w) : friendlyMessage(issue);
  }
  return out;
}

/**
 * zod's generic wording for an empty required string ("Too small: expected string to have >=1
 * characters") reads like a bug report; a form says "Required". Schema-specific messages stay.
 */
function friendlyMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1 && issue.message.startsWith('Too small')) return 'Required';
  return issue.message;
}

/**
 * Puts a server error next to its field. The contract names fields by their path in the call input
 * (e.g. `channel.address`, `patch.tokenTtl`, `servers.0.url`); forms know them without the wrapper,
 * so `prefixes` are stripped. Errors about no particular field land under '_' (shown at the top).
 */
export function serverFieldErrors(info: ErrorInfo, prefixes: readonly string[] = []): FieldErrors {
  let field = info.field ?? '_';
  for (const p of prefixes) {
    if (field === p) field = '_';
    else if (field.startsWith(`${p}.`)) {
      field = field.slice(p.length + 1);
      break;
    }
  }
  return { [field]: info.message };
}

/** Parses a comma/newline separated list ("a, b\nc" → ['a','b','c']). */
export const parseList = (text: string): string[] =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** A number input's value: '' stays undefined so schema defaults apply; anything else is Number(). */
export const parseNumber = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));
