import { useEffect, useMemo, useState } from 'react';
import type { HealthReport } from '../../../../protocol/admin-health';
import { TimeText } from '../../components/ui';
import { useStore } from '../../store';
import { channelsOf, columnsOf, formatBytes, formatUptime } from './health-slice';
import { UplotChart } from './uplot-chart';

const PALETTE = ['#2f6fde', '#1d8a4a', '#b26a00', '#c2352b', '#7a4cc2', '#0f8a8a', '#a0467a', '#5d6b7a'];
const mb = (v: number) => (v / 1024 ** 2).toFixed(v >= 100 * 1024 ** 2 ? 0 : 1);

function Charts({ report, utc }: { report: HealthReport; utc: boolean }) {
  const samples = report.samples;
  const channels = useMemo(() => channelsOf(samples), [samples]);
  const conns = useMemo(() => columnsOf(samples, [(s) => s.connections, ...channels.map((c) => (s: (typeof samples)[number]) => s.perChannel[c] ?? 0)]), [samples, channels]);
  const rates = useMemo(() => columnsOf(samples, [(s) => s.msgsInPerSec, (s) => s.msgsOutPerSec, (s) => s.failedLoginsPerSec]), [samples]);
  const activity = useMemo(() => columnsOf(samples, [(s) => s.loginsPerSec, (s) => s.invokesOkPerSec, (s) => s.invokesErrorPerSec, (s) => s.invokesTimedOutPerSec, (s) => s.invokesFailedPerSec]), [samples]);
  const memory = useMemo(() => columnsOf(samples, [(s) => s.rssBytes, (s) => s.heapUsedBytes]), [samples]);
  const lag = useMemo(() => columnsOf(samples, [(s) => s.eventLoopLagP99Ms, (s) => s.eventLoopLagMaxMs]), [samples]);
  if (samples.length === 0) {
    return (
      <div className="empty" data-testid="health-no-samples">
        No samples yet: the server records one every {report.sampleMs / 1000} s.
      </div>
    );
  }
  return (
    <div className="health-charts" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))', gap: 12, padding: 10 }}>
      <UplotChart
        title="Connections"
        unit="conn"
        utc={utc}
        series={[{ label: 'all', stroke: PALETTE[0]! }, ...channels.map((c, i) => ({ label: c, stroke: PALETTE[(i + 1) % PALETTE.length]! }))]}
        data={conns}
        format={(v) => String(Math.round(v))}
        testId="chart-connections"
      />
      <UplotChart
        title="Messages per second"
        unit="/s"
        utc={utc}
        series={[{ label: 'frames in', stroke: PALETTE[0]! }, { label: 'frames out', stroke: PALETTE[1]! }, { label: 'failed logins', stroke: PALETTE[3]! }]}
        data={rates}
        testId="chart-rates"
      />
      <UplotChart
        title="Logins and invokes per second"
        unit="/s"
        utc={utc}
        series={[
          { label: 'logins', stroke: PALETTE[0]! },
          { label: 'invokes ok', stroke: PALETTE[1]! },
          { label: 'answered error', stroke: PALETTE[2]! },
          { label: 'timed out', stroke: PALETTE[3]! },
          { label: 'failed', stroke: PALETTE[7]! },
        ]}
        data={activity}
        testId="chart-activity"
      />
      <UplotChart title="Memory" unit="MiB" utc={utc} series={[{ label: 'RSS', stroke: PALETTE[4]! }, { label: 'heap used', stroke: PALETTE[2]! }]} data={memory} format={mb} testId="chart-memory" />
      <UplotChart title="Event-loop delay" unit="ms" utc={utc} series={[{ label: 'p99', stroke: PALETTE[2]! }, { label: 'max', stroke: PALETTE[3]! }]} data={lag} testId="chart-lag" />
    </div>
  );
}

/** Every connected server's health now, and the recent history of the one chosen, drawn with uPlot. */
export function HealthScreen() {
  const clusterId = useStore((s) => s.clusters.selectedId);
  const state = useStore((s) => (clusterId ? s.clusters.states[clusterId] : undefined));
  const health = useStore((s) => s.health);
  const showHealthOf = useStore((s) => s.showHealthOf);
  const leave = useStore((s) => s.leaveHealth);
  const utc = useStore((s) => s.settings.timeMode === 'utc');
  const connected = (state?.servers ?? []).filter((s) => s.status === 'connected');
  const connectedKey = connected.map((s) => s.serverId).join('\n');
  // Which server's charts are open is a view choice.
  const [chosen, setChosen] = useState<string | undefined>(undefined);

  useEffect(() => {
    if (clusterId && connected.length > 0) showHealthOf(clusterId, connected);
    return leave;
    // connectedKey stands for `connected` (a fresh array every render).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [clusterId, connectedKey, showHealthOf, leave]);

  if (!clusterId) return <div className="empty">Select a cluster to see its health.</div>;
  if (connected.length === 0) return <div className="empty" data-testid="health-empty">No server of this cluster is connected.</div>;
  const shown = health.clusterId === clusterId;
  const target = chosen && connected.some((s) => s.serverId === chosen) ? chosen : connected[0]!.serverId;
  const report = shown ? health.reports[target] : undefined;

  return (
    <div style={{ overflow: 'auto', flex: 1 }} tabIndex={0} role="region" aria-label="Server health">
      <table className="grid" data-testid="health-servers">
        <thead>
          <tr>
            <th>Server</th>
            <th>Version</th>
            <th className="num">PID</th>
            <th>Up</th>
            <th className="num">Connections</th>
            <th className="num" title="client frames per second, last sample">In / out per s</th>
            <th className="num" title="successful / failed logins per second">Logins/s ok / failed</th>
            <th className="num" title="admin invokes per second: answered ok / answered error / timed out / failed otherwise">Invokes/s ok · err · t/o · failed</th>
            <th className="num">RSS</th>
            <th className="num">Heap</th>
            <th className="num" title="event-loop delay over the last sample interval">Loop p99 / max</th>
            <th>Sampled</th>
          </tr>
        </thead>
        <tbody>
          {connected.map((s) => {
            const r = shown ? health.reports[s.serverId] : undefined;
            const last = r?.samples[r.samples.length - 1];
            const err = shown ? health.errors[s.serverId] : undefined;
            return (
              <tr
                key={s.serverId}
                data-testid="health-server"
                data-server={s.serverId}
                aria-selected={s.serverId === target}
                className={s.serverId === target ? 'selected' : undefined}
                onClick={() => setChosen(s.serverId)}
                // The charts below follow the chosen row: choosable from the keyboard too.
                tabIndex={0}
                onKeyDown={(e) => {
                  if (e.key !== 'Enter' && e.key !== ' ') return;
                  e.preventDefault();
                  setChosen(s.serverId);
                }}
                style={{ cursor: 'pointer' }}
              >
                <td>
                  {s.info?.name ?? s.url}
                  {err ? (
                    <div className="error-text" role="alert" data-testid="health-error">
                      {err}
                    </div>
                  ) : null}
                </td>
                <td>{r?.version ?? s.info?.version ?? '—'}</td>
                <td className="num">{r?.pid ?? s.info?.pid ?? '—'}</td>
                <td>{r ? formatUptime(r.uptimeSeconds) : '—'}</td>
                <td className="num" data-testid="health-connections">
                  {last ? last.connections : '—'}
                </td>
                <td className="num">{last ? `${last.msgsInPerSec} / ${last.msgsOutPerSec}` : '—'}</td>
                <td className={`num ${last && last.failedLoginsPerSec > 0 ? 'error-text' : ''}`}>{last ? `${last.loginsPerSec} / ${last.failedLoginsPerSec}` : '—'}</td>
                <td className="num">{last ? `${last.invokesOkPerSec} · ${last.invokesErrorPerSec} · ${last.invokesTimedOutPerSec} · ${last.invokesFailedPerSec}` : '—'}</td>
                <td className="num">{last ? formatBytes(last.rssBytes) : '—'}</td>
                <td className="num">{last ? formatBytes(last.heapUsedBytes) : '—'}</td>
                <td className={`num ${last && last.eventLoopLagP99Ms > 100 ? 'error-text' : ''}`}>{last ? `${last.eventLoopLagP99Ms} / ${last.eventLoopLagMaxMs} ms` : '—'}</td>
                <td>{last ? <TimeText iso={last.at} clock /> : <span className="muted">no sample yet</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="pane-head" style={{ marginTop: 8 }}>
        {report ? (
          <>
            {report.name}: the last {report.samples.length} samples, one every {report.sampleMs / 1000} s (the server keeps {report.historySize}); totals since start: {report.totals.msgsIn.toLocaleString()} frames in,{' '}
            {report.totals.msgsOut.toLocaleString()} out, {report.totals.logins} logins, {report.totals.failedLogins} failed logins, invokes: {report.totals.invokesOk} ok, {report.totals.invokesError} answered
            with an error, {report.totals.invokesTimedOut} timed out, {report.totals.invokesFailed} failed
          </>
        ) : (
          'Loading health…'
        )}
      </div>
      {report ? <Charts report={report} utc={utc} /> : null}
    </div>
  );
}
