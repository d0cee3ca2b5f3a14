/**
 * The one pattern language of permissions: `*` matches any run of characters (also none),
 * everything else is literal. Used for topic permissions of channels and for the client IDs a
 * credential may claim, so both read the same way.
 */
const cache = new Map<string, RegExp>();

function compile(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 's');
    // Patterns come from configuration: a bounded cache, rebuilt if something keeps inventing new ones.
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/** True when `value` matches at least one of `patterns`. */
export function matchesAnyPattern(patterns: readonly string[], value: string): boolean {
  for (const p of patterns) {
    if (p === '*' || p === value) return true;
    if (p.includes('*') && compile(p).test(value)) return true;
  }
  return false;
}
