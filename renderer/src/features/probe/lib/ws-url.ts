/** The connect form's URL check: the probe opens WebSocket endpoints only (ws: or wss:). */
export type UrlCheck = { ok: true; url: string } | { ok: false; error: string };

export function validateWsUrl(input: string): UrlCheck {
  const s = input.trim();
  if (s === '') return { ok: false, error: 'enter a ws:// or wss:// URL' };
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return { ok: false, error: 'not a valid URL' };
  }
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') return { ok: false, error: `scheme must be ws: or wss:, not ${u.protocol}` };
  if (u.hostname === '') return { ok: false, error: 'URL has no host' };
  return { ok: true, url: s };
}

export type PairsParse = { ok: true; pairs: Array<[string, string]> } | { ok: false; error: string; line: number };

/**
 * `Name: value` lines (headers) or `name=value` lines (query params); blank lines and `#` comments
 * are skipped. The separator is the first `:` or `=` per `sep`.
 */
export function parsePairs(text: string, sep: ':' | '='): PairsParse {
  const pairs: Array<[string, string]> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf(sep);
    if (at <= 0) return { ok: false, error: `line ${i + 1}: expected name${sep === ':' ? ': ' : '='}value`, line: i + 1 };
    const name = line.slice(0, at).trim();
    if (sep === ':' && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return { ok: false, error: `line ${i + 1}: "${name}" is not a valid header name`, line: i + 1 };
    pairs.push([name, line.slice(at + 1).trim()]);
  }
  return { ok: true, pairs };
}

export function formatPairs(pairs: ReadonlyArray<readonly [string, string]>, sep: ':' | '='): string {
  return pairs.map(([k, v]) => (sep === ':' ? `${k}: ${v}` : `${k}=${v}`)).join('\n');
}
