// CPU profiling of a benchmark's server process from inside it (node:inspector), limited to the
// rounds the bench asks for: --cpu-prof would also record startup and tens of thousands of
// connection handshakes, which drown the work being measured.
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  /** µs on the monotonic clock that process.hrtime reads too. */
  startTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  fn: string;
  where: string;
  ms: number;
}

const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ProfileSummary {
  /** Sampled busy time (idle excluded). */
  totalMs: number;
  idleMs: number;
  rows: SelfTime[];
}

export class SegmentProfiler {
  private readonly session = new Session();
  private readonly self = new Map<string, SelfTime>();
  private totalMs = 0;
  private idleMs = 0;
  private connected = false;
  private from = 0;

  async start(): Promise<void> {
    if (!this.connected) {
      this.session.connect();
      await this.session.post('Profiler.enable');
      await this.session.post('Profiler.setSamplingInterval', { interval: 200 });
      this.connected = true;
    }
    await this.session.post('Profiler.start');
    // Starting the profiler walks the whole code space, sampled as the inspector's own native
    // `dispatch`: only samples from here on are the work being profiled.
    this.from = monotonicUs();
  }

  /** Ends a segment and adds its samples' self time to the running totals. */
  async stop(): Promise<void> {
    const to = monotonicUs();
    const { profile } = (await this.session.post('Profiler.stop')) as { profile: Profile };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    let at = profile.startTime;
    for (let i = 0; i < samples.length; i++) {
      at += deltas[i] ?? 0;
      const node = byId.get(samples[i]!);
      if (!node || at < this.from || at > to) continue;
      const ms = (deltas[i] ?? 0) / 1000;
      const { functionName, url, lineNumber } = node.callFrame;
      // Waiting for the peers is not work: percentages are of the time the process was busy.
      if (functionName === '(idle)') {
        this.idleMs += ms;
        continue;
      }
      const file = url.startsWith('file://') ? relative(ROOT, fileURLToPath(url)) : url;
      // Files tsx compiled report generated positions, not source lines: name the file alone there.
      const where = !file ? '' : file.endsWith('.ts') ? file : `${file}:${lineNumber + 1}`;
      const key = `${functionName}@${where}`;
      const row = this.self.get(key) ?? { fn: functionName || '(anonymous)', where, ms: 0 };
      row.ms += ms;
      this.self.set(key, row);
      this.totalMs += ms;
    }
  }

  /** The top functions by self time over every segment, and the total sampled time. */
  top(n: number): ProfileSummary {
    const rows = [...this.self.values()].sort((a, b) => b.ms - a.ms).slice(0, n);
    return { totalMs: this.totalMs, idleMs: this.idleMs, rows };
  }
}

/** Printable lines for a profile summary (the parent prints what a child measured). */
export function profileLines(p: ProfileSummary): string[] {
  const head = `  busy ${p.totalMs.toFixed(0)} ms sampled (idle ${p.idleMs.toFixed(0)} ms left out); top self time:`;
  return [head, ...p.rows.map((r) => `  ${r.ms.toFixed(1).padStart(8)} ms  ${((r.ms / p.totalMs) * 100).toFixed(1).padStart(5)}%  ${r.fn}  ${r.where}`)];
}
