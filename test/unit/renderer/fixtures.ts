import type { ConnectionRow, ConnectionsDelta } from '../../../protocol/console/clusters';

let n = 0;
/** A valid ConnectionRow; override what the test is about. */
export function conn(over: Partial<ConnectionRow> & { connectionId?: string; serverId?: string } = {}): ConnectionRow {
  n++;
  const serverId = over.serverId ?? 's1';
  const connectionId = over.connectionId ?? `c${n}`;
  return {
    connectionId,
    kind: 'inbound',
    node: 'n1',
    clientId: `client-${String(n).padStart(4, '0')}`,
    clientName: `Client ${n}`,
    channel: 'demo',
    state: 'logged-in',
    remoteAddress: '10.0.0.1',
    remotePort: 50000 + n,
    remoteFqdn: null,
    forwardedFor: null,
    localAddress: '127.0.0.1',
    localPort: 8080,
    serverName: 'srv',
    pid: 42,
    connectedAt: '2026-11-22T10:00:00.000Z',
    loggedInAt: '2026-11-22T10:00:00.010Z',
    lastSeenAt: '2026-11-22T10:00:01.000Z',
    expiresAt: null,
    msgsIn: 0,
    msgsOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    subscriptions: 0,
    serverUrl: 'http://127.0.0.1:7070',
    staleSince: null,
    ...over,
    serverId,
    rowKey: `${serverId}/${connectionId}`,
  };
}

export function delta(seq: number, over: Partial<ConnectionsDelta> = {}): ConnectionsDelta {
  return { clusterId: 'k1', seq, upserts: [], removals: [], at: '2026-11-22T10:00:00.000Z', ...over };
}
