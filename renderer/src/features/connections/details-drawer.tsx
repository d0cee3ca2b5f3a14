import type { ConnectionRow } from '../../../../protocol/console/clusters';
import { closeCodeNames } from '../../../../protocol/close-codes';
import { TimeText } from '../../components/ui';
import { ActionButton } from '../../components/ui';
import { actionBlockedReason } from '../../store/clusters-slice';
import type { DrawerTab } from '../../store/ui-slice';
import { useStore } from '../../store';
import { InvokePanel } from './invoke-panel';
import { SubscriptionsPanel } from './subscriptions-panel';

/** 'id' numbers (ports, PIDs) are identifiers: shown as typed, never grouped ("57,730"). */
type FieldKind = 'text' | 'time' | 'num' | 'id';

/** Text of a non-time field; null when there is no value. */
export function detailText(kind: Exclude<FieldKind, 'time'>, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' && kind === 'num') return v.toLocaleString();
  return String(v);
}
/** Every registry field, in reading order. */
const FIELDS: { key: keyof ConnectionRow; label: string; kind: FieldKind }[] = [
  { key: 'clientId', label: 'Client ID', kind: 'text' },
  { key: 'clientName', label: 'Client name', kind: 'text' },
  { key: 'connectionId', label: 'Connection ID', kind: 'text' },
  { key: 'state', label: 'State', kind: 'text' },
  { key: 'channel', label: 'Channel', kind: 'text' },
  { key: 'remoteAddress', label: 'Remote address', kind: 'text' },
  { key: 'remotePort', label: 'Remote port', kind: 'id' },
  { key: 'remoteFqdn', label: 'Remote FQDN', kind: 'text' },
  { key: 'forwardedFor', label: 'Forwarded for', kind: 'text' },
  { key: 'localAddress', label: 'Local address', kind: 'text' },
  { key: 'localPort', label: 'Local port', kind: 'id' },
  { key: 'serverName', label: 'Server name', kind: 'text' },
  { key: 'pid', label: 'Server PID', kind: 'id' },
  { key: 'serverId', label: 'Server profile', kind: 'text' },
  { key: 'serverUrl', label: 'Admin URL', kind: 'text' },
  { key: 'connectedAt', label: 'Connected at', kind: 'time' },
  { key: 'loggedInAt', label: 'Logged in at', kind: 'time' },
  { key: 'lastSeenAt', label: 'Last seen', kind: 'time' },
  { key: 'expiresAt', label: 'Expires at', kind: 'time' },
  { key: 'msgsIn', label: 'Messages in', kind: 'num' },
  { key: 'msgsOut', label: 'Messages out', kind: 'num' },
  { key: 'bytesIn', label: 'Bytes in', kind: 'num' },
  { key: 'bytesOut', label: 'Bytes out', kind: 'num' },
  { key: 'subscriptions', label: 'Subscriptions', kind: 'num' },
];

function Details({ c }: { c: ConnectionRow }) {
  return (
    <dl className="fields" data-testid="details">
      {FIELDS.map((f) => {
        const v = c[f.key];
        return (
          <div key={f.key} style={{ display: 'contents' }}>
            <dt>{f.label}</dt>
            <dd className={f.kind === 'text' || f.kind === 'id' ? 'mono' : f.kind === 'num' ? 'num' : ''} style={{ textAlign: 'left' }}>
              {f.kind === 'time' ? <TimeText iso={typeof v === 'string' ? v : null} /> : (detailText(f.kind, v) ?? <span className="muted">—</span>)}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

const TABS: { id: DrawerTab; label: string }[] = [
  { id: 'details', label: 'Details' },
  { id: 'subscriptions', label: 'Subscriptions' },
  { id: 'invoke', label: 'Invoke' },
];

export function DetailsDrawer() {
  const key = useStore((s) => s.ui.selectedRowKey);
  const row = useStore((s) => (key ? s.conns.table.rows.get(key) : undefined));
  const tab = useStore((s) => s.ui.drawerTab);
  const setTab = useStore((s) => s.setDrawerTab);
  const selectRow = useStore((s) => s.selectRow);
  const askDisconnect = useStore((s) => s.askDisconnect);
  const clusterId = useStore((s) => s.conns.clusterId);
  const clusterState = useStore((s) => (clusterId ? s.clusters.states[clusterId] : undefined));
  if (!key) return null;
  if (!row) {
    return (
      <aside className="drawer" data-testid="drawer">
        <div className="drawer-head">
          <h2>Connection gone</h2>
          <button className="btn small" onClick={() => selectRow(null)} aria-label="Close details">
            ×
          </button>
        </div>
        <div className="empty">This connection has closed and left the table.</div>
      </aside>
    );
  }
  const c = row.c;
  const blocked = row.closed ? 'This connection is closed' : actionBlockedReason(clusterState, c.serverId);
  return (
    <aside className="drawer" data-testid="drawer" aria-label="Connection details">
      <div className="drawer-head">
        <h2 title={c.connectionId}>
          <span className="mono">{c.clientId ?? '(not logged in)'}</span>
          {c.clientName ? <span className="muted"> · {c.clientName}</span> : null}
        </h2>
        {row.closed ? <span className="badge bad">closed {row.closed.code} {closeCodeNames[row.closed.code] ?? ''}</span> : null}
        <ActionButton className="danger small" blocked={blocked} onClick={() => askDisconnect(row.key)} testId="disconnect">
          Disconnect…
        </ActionButton>
        <button className="btn small" onClick={() => selectRow(null)} aria-label="Close details">
          ×
        </button>
      </div>
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} className="tab" role="tab" aria-selected={tab === t.id} onClick={() => setTab(t.id)} data-testid={`drawer-tab-${t.id}`}>
            {t.label}
            {t.id === 'subscriptions' ? ` (${c.subscriptions})` : ''}
          </button>
        ))}
      </div>
      <div className="drawer-body">
        {tab === 'details' ? <Details c={c} /> : null}
        {tab === 'subscriptions' && clusterId ? <SubscriptionsPanel clusterId={clusterId} row={c} blocked={blocked} /> : null}
        {tab === 'invoke' && clusterId ? <InvokePanel clusterId={clusterId} row={row.c} rowKey={row.key} blocked={blocked} /> : null}
      </div>
    </aside>
  );
}
