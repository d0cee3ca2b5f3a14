import { lazy, Suspense, useEffect } from 'react';
import { Modal, Toasts } from './components/ui';
import { ClusterSidebar } from './features/clusters/cluster-sidebar';
import { ChannelsScreen } from './features/channels/channels-screen';
import { ConnectionsScreen } from './features/connections/connections-screen';
import { OutgoingScreen } from './features/outgoing/outgoing-screen';
import { GatewayScreen } from './features/gateway/gateway-screen';
import { NodesScreen } from './features/nodes/nodes-screen';
import { TopicsScreen } from './features/topics/topics-screen';
import { AuditScreen } from './features/audit/audit-screen';
import { HealthScreen } from './features/health/health-screen';
import { DriftScreen } from './features/drift/drift-screen';
import { useStore } from './store';
import { ThemeChoice } from '../../protocol/console/clusters';
import type { LinkStatus } from './api/transport';
import { dueIn, formatClock } from './lib/time';
import { useNow } from './lib/use-now';
import type { MainTab } from './features/app/ui-slice';

// The probe is loaded on first use so the connections view starts lean.
const ProbeScreen = lazy(() => import('./features/probe/probe-screen'));

const TABS: { id: MainTab; label: string }[] = [
  { id: 'connections', label: 'Connections' },
  { id: 'channels', label: 'Channels' },
  { id: 'outgoing', label: 'Outgoing' },
  { id: 'gateway', label: 'Gateway' },
  { id: 'nodes', label: 'Nodes' },
  { id: 'topics', label: 'Topics' },
  { id: 'audit', label: 'Audit' },
  { id: 'health', label: 'Health' },
  { id: 'compare', label: 'Compare' },
  { id: 'probe', label: 'Probe' },
];

function TimeToggle() {
  const mode = useStore((s) => s.settings.timeMode);
  const setMode = useStore((s) => s.setTimeMode);
  return (
    <div className="toggle" role="group" aria-label="Time zone" title="Show every time in local time or UTC (also: click any time)">
      <button aria-pressed={mode === 'local'} onClick={() => setMode('local')} data-testid="time-local" title={`Times in this machine's zone, ${LOCAL_ZONE}`}>
        Local ({LOCAL_ZONE})
      </button>
      <button aria-pressed={mode === 'utc'} onClick={() => setMode('utc')} data-testid="time-utc">
        UTC
      </button>
    </div>
  );
}

const THEMES: { id: ThemeChoice; label: string }[] = [
  { id: 'system', label: 'System' },
  { id: 'light', label: 'Light' },
  { id: 'dark', label: 'Dark' },
];

/** A select, not three buttons: the header has no room left at 1024 px. */
function ThemeSelect() {
  const theme = useStore((s) => s.settings.theme);
  const setTheme = useStore((s) => s.setTheme);
  return (
    <select className="input theme-select" aria-label="Theme" title="Light, dark, or follow the system's setting" value={theme} onChange={(e) => setTheme(ThemeChoice.parse(e.target.value))} data-testid="theme-select">
      {THEMES.map((t) => (
        <option key={t.id} value={t.id}>
          {t.label}
        </option>
      ))}
    </select>
  );
}

/** The zone local times are shown in, named so nobody has to guess ("Local (Asia/Kathmandu)"). */
const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'system zone';

/** The headline of a failed link, as the operator should read it (the command set as code). */
export function linkFailureText(link: LinkStatus): string {
  switch (link.failure) {
    case 'token-expired':
      return 'The access token is no longer valid (the console backend restarted with a new one) — open the URL printed by npm start';
    case 'token-missing':
    case 'token-invalid':
    case undefined:
      return 'Access token missing or invalid — open the URL printed by npm start';
    default: {
      const never: never = link.failure;
      return never;
    }
  }
}

function LinkFailure({ link }: { link: LinkStatus }) {
  const text = linkFailureText(link);
  const cmd = 'npm start';
  return (
    <>
      {text.slice(0, text.length - cmd.length)}
      <code>{cmd}</code>
    </>
  );
}

/**
 * The link to the console's own backend (web host + core). When it is down everything on screen
 * is last-known; the banner says so, with the reconnect countdown, instead of leaving "connected"
 * and RTTs up as if they were current.
 */
function LinkBanner() {
  const link = useStore((s) => s.app.link);
  const info = useStore((s) => s.app.info);
  const mode = useStore((s) => s.settings.timeMode);
  const now = useNow(1000);
  const clock = (ms: number) => formatClock(new Date(ms).toISOString(), mode).slice(0, 8);
  if (link.state === 'failed') {
    return (
      <div className="banner" role="alert" data-testid="link-banner" data-state="failed" data-failure={link.failure}>
        <b>
          <LinkFailure link={link} />
        </b>
        {link.downSince !== undefined ? <span> · What is shown is the last known state, from before {clock(link.downSince)}.</span> : null}
      </div>
    );
  }
  if (link.state === 'reconnecting') {
    return (
      <div className="banner" role="alert" data-testid="link-banner" data-state="reconnecting">
        <b>Console backend unreachable{link.downSince !== undefined ? ` since ${clock(link.downSince)}` : ''}</b>
        {' — everything shown is stale (last known) and actions are off. '}
        <span className="muted-on-bad">
          {link.reason ? `${link.reason}; ` : ''}reconnecting{link.attempts ? ` (attempt ${link.attempts})` : ''}
          {link.nextRetryAt !== undefined ? `, next try ${dueIn(link.nextRetryAt, now)}` : ''}…
        </span>
      </div>
    );
  }
  if (info && !info.secretStorage.secure) {
    return <div className="banner" style={{ background: 'var(--warn-bg)', color: 'var(--warn)', borderColor: 'var(--warn)' }}>{info.secretStorage.warning ?? `Admin tokens are stored without OS encryption (${info.secretStorage.backend}).`}</div>;
  }
  return null;
}

/** The page never got in (no token, a wrong one): nothing to show but how to get in. */
function AccessProblem() {
  const link = useStore((s) => s.app.link);
  return (
    <div className="access-problem" role="alert" data-testid="access-problem">
      <h2>
        <LinkFailure link={link} />
      </h2>
      <p>
        This page talks to the console backend on this machine, which only answers pages that carry its access token. The token is in the URL it printed
        when it started (after <span className="mono">#token=</span>); a restarted backend prints a new one.
      </p>
    </div>
  );
}

const SHORTCUTS: [string, string][] = [
  ['/', 'Focus the connections filter'],
  ['?', 'Show this list'],
  ['↑ ↓  PgUp PgDn  Home End', 'Move the selected row (table focused); its details open'],
  ['Space', 'Tick or untick the selected row for a bulk action (table focused)'],
  ['Enter or Space', 'Sort by the focused column header; press the focused button'],
  ['Esc', 'Close the dialog, the open menu, or the details drawer'],
  ['Tab / Shift+Tab', 'Next / previous control (dialogs keep focus inside)'],
  ['Ctrl+Enter', 'Send (invoke panel, probe composer)'],
];

function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testId="shortcuts" footer={<button className="btn" onClick={onClose}>Close</button>}>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}

/** True when a key press belongs to what the user is typing into. */
const typingIn = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');

/** `/` focuses the filter and `?` lists the shortcuts, unless the key is typed into a field or a dialog is open. */
function useGlobalShortcuts(): void {
  const showShortcuts = useStore((s) => s.showShortcuts);
  const setTab = useStore((s) => s.setTab);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target) || document.querySelector('[role="dialog"]')) return;
      if (e.key === '?') {
        e.preventDefault();
        showShortcuts(true);
      } else if (e.key === '/') {
        e.preventDefault();
        if (!document.querySelector('[data-testid="filter"]')) setTab('connections');
        // After a tab switch the box renders on the next frame.
        requestAnimationFrame(() => document.querySelector<HTMLInputElement>('[data-testid="filter"]')?.focus());
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [showShortcuts, setTab]);
}

export function App() {
  const tab = useStore((s) => s.ui.tab);
  const setTab = useStore((s) => s.setTab);
  const info = useStore((s) => s.app.info);
  // Refused before it ever got in: no sidebar of empty clusters pretending to be a fresh install.
  const locked = useStore((s) => s.app.link.state === 'failed' && !s.clusters.loaded);
  const collapsed = useStore((s) => s.ui.sidebarCollapsed);
  const toggleSidebar = useStore((s) => s.toggleSidebar);
  useGlobalShortcuts();
  const shortcutsOpen = useStore((s) => s.ui.shortcutsOpen);
  const showShortcuts = useStore((s) => s.showShortcuts);
  if (locked) {
    return (
      <div className="app">
        <header className="topbar">
          <span className="brand">Switchboard</span>
        </header>
        <div className="body full">
          <main className="main">
            <AccessProblem />
          </main>
        </div>
      </div>
    );
  }
  return (
    <div className="app">
      <header className="topbar">
        {tab !== 'probe' ? (
          <button className="btn small icon" onClick={toggleSidebar} aria-expanded={!collapsed} aria-controls="cluster-sidebar" aria-label={collapsed ? 'Show clusters' : 'Hide clusters'} title={collapsed ? 'Show clusters' : 'Hide clusters'} data-testid="sidebar-toggle">
            ☰
          </button>
        ) : null}
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
        <button className="btn small" onClick={() => showShortcuts(true)} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts" data-testid="shortcuts-button">
          ?
        </button>
        <ThemeSelect />
        <TimeToggle />
      </header>
      <div className={`body ${tab === 'probe' || collapsed ? 'full' : ''}`}>
        {tab !== 'probe' && !collapsed ? <ClusterSidebar /> : null}
        <main className="main">
          <LinkBanner />
          {tab === 'connections' ? <ConnectionsScreen /> : null}
          {tab === 'channels' ? <ChannelsScreen /> : null}
          {tab === 'outgoing' ? <OutgoingScreen /> : null}
          {tab === 'gateway' ? <GatewayScreen /> : null}
          {tab === 'nodes' ? <NodesScreen /> : null}
          {tab === 'topics' ? <TopicsScreen /> : null}
          {tab === 'audit' ? <AuditScreen /> : null}
          {tab === 'health' ? <HealthScreen /> : null}
          {tab === 'compare' ? <DriftScreen /> : null}
          {tab === 'probe' ? (
            <Suspense fallback={<div className="empty">Loading…</div>}>
              <ProbeScreen />
            </Suspense>
          ) : null}
        </main>
      </div>
      <Toasts />
      {shortcutsOpen ? <ShortcutsDialog onClose={() => showShortcuts(false)} /> : null}
    </div>
  );
}
