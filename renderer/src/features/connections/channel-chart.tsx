import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../../store';
import type { ChannelSample } from './connections-slice';

const PALETTE = ['#2f7de1', '#e8853a', '#33a36b', '#c2467a', '#8a63d2', '#c9a227', '#3aa6b8', '#8c8c8c'];

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
 * Live connections per channel, as numbers, with the way to the Health tab's charts (axes, units,
 * the server's last hour). A 180 px line without axes said too little to be worth its room.
 */
export function ChannelChart() {
  const samples = useStore((s) => s.conns.samples);
  const channels = useStore(useShallow((s) => chartChannels(s.conns.samples)));
  const setTab = useStore((s) => s.setTab);
  const latest = samples[samples.length - 1];
  const gap = latest !== undefined && latest.counts === null;
  const last = lastKnown(samples);
  return (
    <div className="chart" data-testid="channel-chart" data-gap={gap ? 'true' : undefined} title={gap ? 'Nothing is known to be live right now: the counts resume when a server (and the console backend) is back' : 'Live connections per channel (stale rows are not counted)'}>
      <div className="legend" role="group" aria-label="Live connections per channel">
        {gap ? <span>no live data</span> : samples.length > 0 && channels.length === 0 ? <span>no live connections</span> : null}
        {channels.map((c, i) => (
          <span key={c}>
            <i style={{ background: PALETTE[i % PALETTE.length] }} />
            {c} <b>{gap ? '—' : (last?.[c] ?? 0)}</b>
          </span>
        ))}
      </div>
      <button className="link-button" onClick={() => setTab('health')} title="Connections per channel and message rates over the last hour, with axes and hover values" data-testid="to-health">
        Charts on Health →
      </button>
    </div>
  );
}
