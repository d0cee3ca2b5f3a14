import type { ConnectionRow } from '../../../../protocol/console/clusters';
import { closeCodeNames } from '../../../../protocol/close-codes';
import { useState } from 'react';
import { ActionButton, ConfirmDialog, TimeText } from '../../components/ui';
import { actionBlockedReason } from '../clusters/clusters-slice';
import type { DrawerTab } from '../app/ui-slice';
import { useStore } from '../../store';
import { newerConnectionOf, type Row } from './connection-table';
import { InvokePanel } from './invoke-panel';
import { SubscriptionsPanel } from './subscriptions-panel';
import { MessagesPanel } from '../message-log/messages-panel';

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
  { id: 'messages', label: 'Messages' },
];

const closeText = (code: number) => (code === 0 ? 'no server reports it any more' : `${code}${closeCodeNames[code] ? ` ${closeCodeNames[code]}` : ''}`);

/** Why a row is not current, in one sentence, or null when it is. */
function useStaleNotice(row: Row | undefined): { since: string; text: string } | null {
  const clusterId = useStore((s) => s.conns.clusterId);
  const link = useStore((s) => s.app.link);
  const server = useStore((s) => (clusterId && row ? s.clusters.states[clusterId]?.servers.find((x) => x.serverId === row.c.serverId) : undefined));
  if (!row || row.closed) return null;
  if ((link.state === 'reconnecting' || link.state === 'failed') && link.downSince !== undefined) {
    return { since: new Date(link.downSince).toISOString(), text: 'the console backend is unreachable' };
  }
  if (row.c.staleSince === null) return null;
  const where = server ? `${server.url.replace(/^https?:\/\//, '')} is ${server.status}${server.reason ? ` (${server.reason})` : ''}` : 'its server is not live';
  return { since: row.c.staleSince, text: `no live server reports this connection: ${where}` };
}

export function DetailsDrawer() {
  const key = useStore((s) => s.ui.selectedRowKey);
  const live = useStore((s) => (key ? s.conns.table.rows.get(key) : undefined));
  const departed = useStore((s) => (key ? s.conns.departed[key] : undefined));
  const row = live ?? departed;
  // Only a closed row looks for its successor (one pass over the table per change, for one row).
  const newer = useStore((s) => (row?.closed ? newerConnectionOf(s.conns.table, row) : null));
  const tab = useStore((s) => s.ui.drawerTab);
  const setTab = useStore((s) => s.setDrawerTab);
  const selectRow = useStore((s) => s.selectRow);
  const askDisconnect = useStore((s) => s.askDisconnect);
  const clusterId = useStore((s) => s.conns.clusterId);
  const clusterState = useStore((s) => (clusterId ? s.clusters.states[clusterId] : undefined));
  const stale = useStaleNotice(row);
  const disconnectClient = useStore((s) => s.disconnectClient);
  const clientId = row?.c.clientId ?? null;
  // Open connections of the same client ID in the table, and on how many servers.
  // A primitive from the selector, so the drawer re-renders only when the figures change.
  const sameClientKey = useStore((s) => {
    if (clientId === null) return '0|0';
    const servers = new Set<string>();
    let count = 0;
    for (const r of s.conns.table.rows.values()) {
      if (r.c.clientId !== clientId || r.closed || r.c.staleSince !== null) continue;
      count++;
      servers.add(r.c.serverId);
    }
    return `${count}|${servers.size}`;
  });
  const [count, serverCount] = sameClientKey.split('|').map(Number) as [number, number];
  const sameClient = { count, servers: serverCount };
  const [askAll, setAskAll] = useState(false);
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
        <div className="empty">This connection is no longer in the table.</div>
      </aside>
    );
  }
  const c = row.c;
  const blocked = row.closed
    ? 'This connection is closed'
    : stale
      ? `This row is stale (${stale.text}): there is no live server to act through`
      : actionBlockedReason(clusterState, c.serverId);
  return (
    <aside className="drawer" data-testid="drawer" aria-label="Connection details">
      <div className="drawer-head">
        <h2 title={c.connectionId}>
          <span className="mono">{c.clientId ?? '(not logged in)'}</span>
          {c.clientName ? <span className="muted"> · {c.clientName}</span> : null}
        </h2>
        {row.closed ? <span className="badge bad">closed {row.closed.code === 0 ? '' : row.closed.code} {closeCodeNames[row.closed.code] ?? ''}</span> : null}
        {stale ? <span className="badge warn">stale</span> : null}
        <ActionButton className="danger small" blocked={blocked} onClick={() => askDisconnect(row.key)} testId="disconnect">
          Disconnect…
        </ActionButton>
        {c.clientId !== null ? (
          <ActionButton
            className="danger small"
            blocked={blocked ?? (sameClient.count === 0 ? 'No open connection of this client ID' : null)}
            onClick={() => setAskAll(true)}
            testId="disconnect-client"
            title={`Close every connection of client ID ${c.clientId}`}
          >
            All of client…
          </ActionButton>
        ) : null}
        <button className="btn small" onClick={() => selectRow(null)} aria-label="Close details">
          ×
        </button>
      </div>
      {row.closed ? (
        <div className="drawer-note bad" data-testid="drawer-closed" data-code={row.closed.code}>
          <div>
            <b>Closed</b> <TimeText iso={new Date(row.closed.atMs).toISOString()} /> — <span data-testid="drawer-close-code">{closeText(row.closed.code)}</span>
            {row.closed.reason ? (
              <>
                : <span className="mono" data-testid="drawer-close-reason">{row.closed.reason}</span>
              </>
            ) : null}
          </div>
          {newer ? (
            <div>
              This client came back:{' '}
              <button className="btn link" onClick={() => selectRow(newer.key)} data-testid="newer-connection">
                open its newer connection <span className="mono">{newer.c.connectionId}</span>
              </button>{' '}
              <span className="muted">
                (connected <TimeText iso={newer.c.connectedAt} />)
              </span>
            </div>
          ) : c.clientId ? (
            <div className="muted">No newer connection of {c.clientId} so far.</div>
          ) : null}
        </div>
      ) : null}
      {stale ? (
        <div className="drawer-note warn" data-testid="drawer-stale">
          <div>
            <b>Stale since</b> <TimeText iso={stale.since} />: {stale.text}. The fields below are the last known.
          </div>
        </div>
      ) : null}
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} className="tab" role="tab" aria-selected={tab === t.id} onClick={() => setTab(t.id)} data-testid={`drawer-tab-${t.id}`}>
            {t.label}
            {t.id === 'subscriptions' ? ` (${c.subscriptions})` : ''}
          </button>
        ))}
      </div>
      {askAll && c.clientId !== null ? (
        <ConfirmDialog title={`Disconnect every connection of ${c.clientId}?`} confirmLabel="Disconnect all" onConfirm={() => disconnectClient(c.clientId!)} onClose={() => setAskAll(false)}>
          Closes every connection of client ID <span className="mono">{c.clientId}</span> — <b>{sameClient.count} open now</b> on {sameClient.servers} server{sameClient.servers === 1 ? '' : 's'} — with 4005 (closed by administrator), one request per server. The client may reconnect.
        </ConfirmDialog>
      ) : null}
      <div className="drawer-body">
        {tab === 'details' ? <Details c={c} /> : null}
        {tab === 'subscriptions' && clusterId ? <SubscriptionsPanel clusterId={clusterId} row={c} blocked={blocked} /> : null}
        {tab === 'invoke' && clusterId ? <InvokePanel clusterId={clusterId} row={row.c} rowKey={row.key} blocked={blocked} /> : null}
        {tab === 'messages' && clusterId ? <MessagesPanel clusterId={clusterId} row={row.c} blocked={blocked} /> : null}
      </div>
    </aside>
  );
}
