// Small statistics and formatting shared by the benchmark reports.

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Nearest-rank percentile. */
export const pct = (xs: readonly number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

/** "min–max" of the rounds, to show how much one round can say. */
export const spread = (xs: readonly number[], d = 0): string => `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}`;

export const list = (xs: readonly number[], d = 0): string => xs.map((x) => x.toFixed(d)).join(', ');

/** Left-aligned columns, one row per line. */
export function table(head: string[], rows: string[][]): string {
  const w = head.map((_, i) => Math.max(...[head, ...rows].map((r) => (r[i] ?? '').length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()).join('\n');
}

export interface Goal {
  name: string;
  /** The measured figure, e.g. a ratio. */
  value: number;
  op: '>=' | '<=';
  target: number;
  /** How the value is printed (default: 2 decimals and "x"). */
  unit?: string;
}

export const met = (g: Goal): boolean => (g.op === '>=' ? g.value >= g.target : g.value <= g.target);

/** One line per goal: PASS/MISS, and by how much a miss falls short. */
export function goalLines(goals: readonly Goal[]): string[] {
  return goals.map((g) => {
    const unit = g.unit ?? 'x';
    const fmt = (x: number): string => `${x.toFixed(2)}${unit}`;
    const ok = met(g);
    const by = Math.abs(g.value - g.target);
    const off = ok ? '' : `  (${g.op === '>=' ? 'short of' : 'over'} the goal by ${fmt(by)}, ${((by / g.target) * 100).toFixed(0)}%)`;
    return `${ok ? 'PASS' : 'MISS'}  ${g.name}: ${fmt(g.value)} (goal ${g.op} ${fmt(g.target)})${off}`;
  });
}

/** A benchmark reports; it fails the run only when asked to with --gate (and on a crash). */
export const gateRequested = (): boolean => process.argv.includes('--gate');
export const profileRequested = (): boolean => process.argv.includes('--profile');
