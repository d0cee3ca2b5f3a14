import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../../store';
import type { ChannelSample } from './connections-slice';

const PALETTE = ['#2f7de1', '#e8853a', '#33a36b', '#c2467a', '#8a63d2', '#c9a227', '#3aa6b8', '#8c8c8c'];
export const CHART_W = 180;
export const CHART_H = 34;

/** The newest sample that knew something (gaps have no counts). */
const lastKnown = (samples: readonly ChannelSample[]): Record<string, number> | null => {
  for (let i = samples.length - 1; i >= 0; i--) {
    const c = samples[i]!.counts;
    if (c) return c;
  }
  return null;
};

/** Channels by their latest count, biggest first (stable colours follow this order). */
export function chartChannels(samples: readonly ChannelSample[], max = PALETTE.length): string[] {
  const last = lastKnown(samples);
  if (!last) return [];
  const names = new Set<string>();
  for (const s of samples) for (const k of Object.keys(s.counts ?? {})) names.add(k);
  return [...names].sort((a, b) => (last[b] ?? 0) - (last[a] ?? 0) || a.localeCompare(b)).slice(0, max);
}

/**
 * SVG polyline points for one channel, scaled to the chart box, one string per run of known
 * samples: a gap (nothing known to be live) breaks the line instead of dropping it to zero.
 */
export function lineSegments(samples: readonly ChannelSample[], channel: string, maxY: number, w = CHART_W, h = CHART_H): string[] {
  const step = samples.length > 1 ? w / (samples.length - 1) : 0;
  const out: string[] = [];
  let run: string[] = [];
  samples.forEach((s, i) => {
    if (!s.counts) {
      if (run.length) out.push(run.join(' '));
      run = [];
      return;
    }
    const y = h - 1 - ((s.counts[channel] ?? 0) / Math.max(1, maxY)) * (h - 2);
    run.push(`${(i * step).toFixed(1)},${y.toFixed(1)}`);
  });
  if (run.length) out.push(run.join(' '));
  return out;
}

/** Points of a chart without gaps (one segment). */
export const linePoints = (samples: readonly ChannelSample[], channel: string, maxY: number, w = CHART_W, h = CHART_H): string => lineSegments(samples, channel, maxY, w, h).join(' ');

/** A small live chart of open connections per channel over the last two minutes. */
export function ChannelChart() {
  const samples = useStore((s) => s.conns.samples);
  const channels = useStore(useShallow((s) => chartChannels(s.conns.samples)));
  let peak = 1;
  for (const s of samples) for (const c of channels) peak = Math.max(peak, s.counts?.[c] ?? 0);
  // Headroom, so a flat line at the peak does not sit on the frame.
  const maxY = Math.ceil(peak * 1.2);
  const latest = samples[samples.length - 1];
  const gap = latest !== undefined && latest.counts === null;
  const last = lastKnown(samples);
  return (
    <div className="chart" data-testid="channel-chart" data-gap={gap ? 'true' : undefined} title={gap ? 'Nothing is known to be live right now: the chart resumes when a server (and the console backend) is back' : 'Live connections per channel, last 2 minutes (stale rows are not counted)'}>
      <svg width={CHART_W} height={CHART_H} role="img" aria-label="Connections per channel">
        <rect x={0} y={0} width={CHART_W} height={CHART_H} fill="none" stroke="var(--border)" />
        {gap || samples.length < 2 ? (
          <text x={CHART_W / 2} y={CHART_H / 2 + 3} textAnchor="middle" fontSize={10} fill="var(--muted)">
            {gap ? 'no live data' : 'collecting…'}
          </text>
        ) : null}
        {channels.flatMap((c, i) =>
          lineSegments(samples, c, maxY).map((points, j) => <polyline key={`${c}-${j}`} points={points} fill="none" stroke={PALETTE[i % PALETTE.length]} strokeWidth={1.5} />),
        )}

      </svg>
      <div className="legend">
        {samples.length >= 2 ? <span title="Highest count in the window">max {peak}</span> : null}
        {channels.map((c, i) => (
          <span key={c}>
            <i style={{ background: PALETTE[i % PALETTE.length] }} />
            {c} {gap ? '—' : (last?.[c] ?? 0)}
          </span>
        ))}
      </div>
    </div>
  );
}
