import { lazy, Suspense } from 'react';
import { Toasts } from './components/ui';
import { ClusterSidebar } from './features/clusters/cluster-sidebar';
import { ChannelsScreen } from './features/channels/channels-screen';
import { ConnectionsScreen } from './features/connections/connections-screen';
import { useStore } from './store';
import type { MainTab } from './store/ui-slice';

// The probe is loaded on first use so the connections view starts lean.
const ProbeScreen = lazy(() => import('./features/probe/probe-screen'));

const TABS: { id: MainTab; label: string }[] = [
  { id: 'connections', label: 'Connections' },
  { id: 'channels', label: 'Channels' },
  { id: 'probe', label: 'Probe' },
];

function TimeToggle() {
  const mode = useStore((s) => s.settings.timeMode);
  const setMode = useStore((s) => s.setTimeMode);
  return (
    <div className="toggle" role="group" aria-label="Time zone" title="Show every time in local time or UTC (also: click any time)">
      <button aria-pressed={mode === 'local'} onClick={() => setMode('local')} data-testid="time-local">
        Local
      </button>
      <button aria-pressed={mode === 'utc'} onClick={() => setMode('utc')} data-testid="time-utc">
        UTC
      </button>
    </div>
  );
}

function LinkBanner() {
  const link = useStore((s) => s.app.link);
  const info = useStore((s) => s.app.info);
  if (link.state === 'reconnecting' || link.state === 'failed') {
    return (
      <div className="banner" role="alert" data-testid="link-banner">
        {link.state === 'failed' ? 'Disconnected from the console core: ' : 'Reconnecting to the console core… '}
        {link.reason ?? ''}
      </div>
    );
  }
  if (info && !info.secretStorage.secure) {
    return <div className="banner" style={{ background: 'var(--warn-bg)', color: 'var(--warn)', borderColor: 'var(--warn)' }}>{info.secretStorage.warning ?? `Admin tokens are stored without OS encryption (${info.secretStorage.backend}).`}</div>;
  }
  return null;
}

export function App() {
  const tab = useStore((s) => s.ui.tab);
  const setTab = useStore((s) => s.setTab);
  const info = useStore((s) => s.app.info);
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Switchboard</span>
        <nav className="tabs" role="tablist">
          {TABS.map((t) => (
            <button key={t.id} className="tab" role="tab" aria-selected={tab === t.id} onClick={() => setTab(t.id)} data-testid={`tab-${t.id}`}>
              {t.label}
            </button>
          ))}
        </nav>
        <span className="spacer" />
        {info ? (
          <span className="muted" title={`${info.host} · ${info.platform}`}>
            v{info.version}
          </span>
        ) : null}
        <TimeToggle />
      </header>
      <div className={`body ${tab === 'probe' ? 'full' : ''}`}>
        {tab !== 'probe' ? <ClusterSidebar /> : null}
        <main className="main">
          <LinkBanner />
          {tab === 'connections' ? <ConnectionsScreen /> : null}
          {tab === 'channels' ? <ChannelsScreen /> : null}
          {tab === 'probe' ? (
            <Suspense fallback={<div className="empty">Loading…</div>}>
              <ProbeScreen />
            </Suspense>
          ) : null}
        </main>
      </div>
      <Toasts />
    </div>
  );
}
