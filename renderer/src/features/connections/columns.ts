import type { ConnectionRow } from '../../../../protocol/console/clusters';
import type { SortKey } from './connection-table';

/** How a cell is drawn; 'time' cells format in the chosen zone and toggle it on click. */
/** 'clock' is a time shown as time-of-day only (the date is in the hover title). */
export type CellKind = 'text' | 'mono' | 'num' | 'time' | 'clock';

export interface ColumnDef {
  id: string;
  label: string;
  group: 'Client' | 'Remote' | 'Local' | 'Activity';
  width: number;
  kind: CellKind;
  sortKey: SortKey;
  /** Raw value, used for cells, CSV and JSON export. */
  value(c: ConnectionRow): string | number | null;
}

export const COLUMNS: readonly ColumnDef[] = [
  { id: 'clientId', label: 'Client ID', group: 'Client', width: 135, kind: 'mono', sortKey: 'clientId', value: (c) => c.clientId },
  { id: 'clientName', label: 'Client name', group: 'Client', width: 130, kind: 'text', sortKey: 'clientName', value: (c) => c.clientName },
  { id: 'connectionId', label: 'Connection ID', group: 'Client', width: 110, kind: 'mono', sortKey: 'connectionId', value: (c) => c.connectionId },
  { id: 'state', label: 'State', group: 'Client', width: 90, kind: 'text', sortKey: 'state', value: (c) => c.state },
  { id: 'remoteAddress', label: 'Remote IP', group: 'Remote', width: 125, kind: 'mono', sortKey: 'remoteAddress', value: (c) => `${c.remoteAddress}:${c.remotePort}` },
  { id: 'remoteFqdn', label: 'FQDN', group: 'Remote', width: 110, kind: 'text', sortKey: 'remoteFqdn', value: (c) => c.remoteFqdn },
  { id: 'forwardedFor', label: 'Fwd for', group: 'Remote', width: 95, kind: 'mono', sortKey: 'forwardedFor', value: (c) => c.forwardedFor },
  { id: 'local', label: 'Local IP:port', group: 'Local', width: 120, kind: 'mono', sortKey: 'localAddress', value: (c) => `${c.localAddress}:${c.localPort}` },
  { id: 'serverName', label: 'Server', group: 'Local', width: 90, kind: 'text', sortKey: 'serverName', value: (c) => c.serverName },
  // In a cluster, which node holds the socket (ConnectionInfo.node); one server shows its own id.
  { id: 'node', label: 'Node', group: 'Local', width: 90, kind: 'mono', sortKey: 'node', value: (c) => c.node },
  { id: 'pid', label: 'PID', group: 'Local', width: 55, kind: 'num', sortKey: 'pid', value: (c) => c.pid },
  { id: 'connectedAt', label: 'Connected', group: 'Activity', width: 210, kind: 'time', sortKey: 'connectedAt', value: (c) => c.connectedAt },
  { id: 'channel', label: 'Channel', group: 'Activity', width: 85, kind: 'text', sortKey: 'channel', value: (c) => c.channel },
  { id: 'lastSeenAt', label: 'Last seen', group: 'Activity', width: 130, kind: 'clock', sortKey: 'lastSeenAt', value: (c) => c.lastSeenAt },
  { id: 'msgsIn', label: 'Msgs in', group: 'Activity', width: 66, kind: 'num', sortKey: 'msgsIn', value: (c) => c.msgsIn },
  { id: 'msgsOut', label: 'Msgs out', group: 'Activity', width: 70, kind: 'num', sortKey: 'msgsOut', value: (c) => c.msgsOut },
  { id: 'subscriptions', label: 'Subs', group: 'Activity', width: 50, kind: 'num', sortKey: 'subscriptions', value: (c) => c.subscriptions },
];

export const ALL_COLUMN_IDS = COLUMNS.map((c) => c.id);
const byId = new Map(COLUMNS.map((c) => [c.id, c]));
export const columnById = (id: string): ColumnDef | undefined => byId.get(id);

export function visibleColumns(ids: readonly string[]): ColumnDef[] {
  return ids.map((id) => byId.get(id)).filter((c): c is ColumnDef => c !== undefined);
}

/** Consecutive runs of one group, for the two-level header. */
export function groupRuns(cols: readonly ColumnDef[]): { group: string; span: number }[] {
  const out: { group: string; span: number }[] = [];
  for (const c of cols) {
    const last = out[out.length - 1];
    if (last && last.group === c.group) last.span++;
    else out.push({ group: c.group, span: 1 });
  }
  return out;
}
