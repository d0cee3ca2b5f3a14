import type { ServerStatus } from '../../../../protocol/console/clusters';
import { TimeText } from '../../components/ui';
import { dueIn } from '../../lib/time';
import { useNow } from '../../lib/use-now';
import { useStore } from '../../store';
import { clusterProblems } from './clusters-slice';

const STATE_TEXT: Record<ServerStatus['status'], string> = {
  connected: 'connected',
  connecting: 'connecting',
  reconnecting: 'connection lost',
  unreachable: 'unreachable',
  'auth-failed': 'token refused',
  closed: 'closed',
};

/** What happens next for a failing server, in words: the countdown, or why nothing will happen by itself. */
export function nextStep(s: ServerStatus, nowMs: number): string {
  if (s.status === 'auth-failed') return 'not retrying by itself: fix the token (Edit) or retry now';
  if (s.nextRetryAt === null) return 'retrying now…';
  return `next retry ${dueIn(Date.parse(s.nextRetryAt), nowMs)}`;
}

function ProblemLine({ s, nowMs }: { s: ServerStatus; nowMs: number }) {
  return (
    <li className="problem" data-testid="server-problem" data-server-id={s.serverId} data-status={s.status}>
      <div className="problem-what">
        <span className={`badge ${s.status === 'reconnecting' ? 'warn' : 'bad'}`}>{STATE_TEXT[s.status]}</span>
        <span className="mono" title={s.url}>
          {s.url.replace(/^https?:\/\//, '')}
        </span>
        {s.info ? <span className="muted">({s.info.name})</span> : null}
        <span className="problem-reason" data-testid="server-problem-reason">
          {s.reason ?? 'no answer'}
        </span>
      </div>
      <div className="problem-meta muted">
        <span>
          since <TimeText iso={s.since} clock />
        </span>
        {s.connections > 0 ? <span>{s.connections.toLocaleString()} stale rows</span> : null}
        <span data-testid="next-retry">
          {nextStep(s, nowMs)}
          {s.attempts > 0 ? ` (attempt ${s.attempts})` : ''}
        </span>
      </div>
    </li>
  );
}

/**
 * The main area's account of a cluster's servers that are not live: each one by name with its
 * state, its reason ("token rejected (401)", "connection refused"), since when, how many of the
 * rows below are its stale ones, and when the next retry is — plus "Retry now". When no server
 * is live it says so plainly, instead of a table that reads "No connections".
 */
export function ServerProblems({ clusterId }: { clusterId: string }) {
  const state = useStore((s) => s.clusters.states[clusterId]);
  const linkUp = useStore((s) => s.app.link.state === 'connected');
  const retry = useStore((s) => s.retryCluster);
  const { failing, noneLive } = clusterProblems(state);
  const now = useNow(1000);
  // While the console's own backend is away, these statuses are stale too; the link banner speaks.
  if (!linkUp || failing.length === 0 || !state) return null;
  const total = state.servers.length;
  return (
    <div className={`incident ${noneLive ? 'down' : ''}`} role="alert" data-testid="server-problems" data-none-live={noneLive ? 'true' : undefined}>
      <div className="incident-head">
        <b>
          {noneLive
            ? total === 1
              ? 'The server of this cluster is not reachable'
              : `No server of this cluster is reachable (${failing.length} of ${total})`
            : `${failing.length} of ${total} servers not live`}
        </b>
        <button className="btn small" onClick={() => void retry(clusterId)} data-testid="retry-now" title="Every server listed here tries again now, without waiting for its next retry">
          Retry now
        </button>
        <span className="muted">{noneLive ? 'Nothing is known to be live: rows shown are the last known, dimmed, and not counted.' : 'Their rows are stale: dimmed, and not counted.'}</span>
      </div>
      <ul className="problems">
        {failing.map((s) => (
          <ProblemLine key={s.serverId} s={s} nowMs={now} />
        ))}
      </ul>
    </div>
  );
}
