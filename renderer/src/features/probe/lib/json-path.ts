/**
 * Tiny JSON path reader used for pairing previews and the pairing config form: `id`, `meta.reqId`,
 * `$.headers["correlation-id"]`, `items[0].id`. Not JSONPath: no wildcards or filters on purpose.
 */

export type PathSegment = string | number;
export type PathParse = { ok: true; segments: PathSegment[] } | { ok: false; error: string };

export function parseJsonPath(path: string): PathParse {
  let s = path.trim();
  if (s === '') return { ok: false, error: 'path is empty' };
  if (s.startsWith('$')) s = s.slice(1);
  if (s.startsWith('.')) s = s.slice(1);
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === '[') {
      const close = s.indexOf(']', i);
      if (close < 0) return { ok: false, error: `unclosed "[" at position ${i + 1}` };
      const inner = s.slice(i + 1, close).trim();
      const quoted = /^(["'])(.*)\1$/.exec(inner);
      if (quoted) segments.push(quoted[2]!);
      else if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else return { ok: false, error: `"[${inner}]" must be an index or a quoted key` };
      i = close + 1;
      if (s[i] === '.') i++;
      continue;
    }
    let j = i;
    while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
    const key = s.slice(i, j);
    if (key === '') return { ok: false, error: `empty key at position ${i + 1}` };
    segments.push(key);
    i = s[j] === '.' ? j + 1 : j;
    if (s[j] === '.' && i >= s.length) return { ok: false, error: 'path ends with "."' };
  }
  return { ok: true, segments };
}

export function getAtPath(value: unknown, segments: readonly PathSegment[]): unknown {
  let cur: unknown = value;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return cur;
}
