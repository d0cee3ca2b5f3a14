/**
 * The log's text filter: plain substring or regular expression. An invalid regex is reported, not
 * thrown, so the filter bar can show it inline and keep the previous results on screen.
 */

export interface TextFilterSpec {
  text: string;
  regex: boolean;
  caseSensitive: boolean;
}

export type CompiledFilter = { ok: true; test: (s: string) => boolean } | { ok: false; error: string };

/** Upper bound on a pattern's length: a guard against pathological input pasted by accident. */
export const MAX_FILTER_PATTERN_CHARS = 2000;

export function compileTextFilter(spec: TextFilterSpec): CompiledFilter {
  const { text, regex, caseSensitive } = spec;
  if (text.length > MAX_FILTER_PATTERN_CHARS) return { ok: false, error: `filter is longer than ${MAX_FILTER_PATTERN_CHARS} characters` };
  if (text === '') return { ok: true, test: () => true };
  if (!regex) {
    if (caseSensitive) return { ok: true, test: (s) => s.includes(text) };
    const needle = text.toLowerCase();
    return { ok: true, test: (s) => s.toLowerCase().includes(needle) };
  }
  try {
    const re = new RegExp(text, caseSensitive ? 'u' : 'iu');
    return { ok: true, test: (s) => re.test(s) };
  } catch (err) {
    return { ok: false, error: `invalid regular expression: ${err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err)}` };
  }
}

/** Returns null when valid, else the message to show under the input. */
export function regexError(text: string): string | null {
  const r = compileTextFilter({ text, regex: true, caseSensitive: true });
  return r.ok ? null : r.error;
}
