import type { GatewaySession } from '../../../protocol/gateway';
import type { gatewayCalls, GatewaySessionRow } from '../../../protocol/console/gateway';
import type { Handlers } from '../contract/handler-types';
import type { WithServer } from './admin-ops';
import { MergedTable, type MergeSpec } from './merged-table';

const spec: MergeSpec<GatewaySession, GatewaySessionRow> = {
  keyOf: (s) => `${s.node}/${s.id}`,
  idOf: (s) => s.id,
  toRow: (s, rowKey, source, staleSince) => ({ ...s, rowKey, serverId: source.serverId, serverUrl: source.serverUrl, staleSince }),
};

export interface GatewayOpsDeps {
  withServer: WithServer;
  /** The servers of an open cluster (throws when it is not open). */
  servers(clusterId: string): { serverId: string; url: string }[];
}

/**
 * The console's gateway calls. Routed sessions are read from every server of the cluster and
 * merged in the same generic table as connections (one per cluster, kept between reads), so a
 * server that stops answering leaves its rows stale instead of making them vanish.
 */
export function createGatewayOps(deps: GatewayOpsDeps): { handlers: Handlers<typeof gatewayCalls>; dispose(): void } {
  const tables = new Map<string, MergedTable<GatewaySession, GatewaySessionRow>>();
  const tableOf = (clusterId: string) => {
    let t = tables.get(clusterId);
    if (!t) tables.set(clusterId, (t = new MergedTable(clusterId, spec, () => undefined, { isWatched: () => false })));
    return t;
  };
  const handlers: Handlers<typeof gatewayCalls> = {
    'gateway.routes': ({ clusterId, serverId }) => deps.withServer(clusterId, serverId, null, (c) => c.call('gateway.routes.list', {})),
    async 'gateway.sessions'({ clusterId, route }) {
      const servers = deps.servers(clusterId);
      const table = tableOf(clusterId);
      const errors: { serverId: string; message: string }[] = [];
      await Promise.all(servers.map(async ({ serverId, url }) => {
        try {
          const list = await deps.withServer(clusterId, serverId, null, (c) => c.call('gateway.sessions.list', { query: { limit: 5000, ...(route ? { route } : {}) } }));
          table.replaceServer(serverId, url, list.items);
        } catch (err) {
          table.serverLost(serverId);
          errors.push({ serverId, message: err instanceof Error ? err.message : String(err) });
        }
      }));
      return { rows: table.snapshot().rows, errors };
    },
    'gateway.disconnect': ({ clusterId, serverId, id, code, reason }) =>
      deps.withServer(clusterId, serverId, null, (c) => c.call('gateway.sessions.disconnect', { params: { id }, body: { code, reason } })),
    'gateway.routes.create': ({ clusterId, serverId, route }) => deps.withServer(clusterId, serverId, 'route', (c) => c.call('gateway.routes.create', { body: route })),
    'gateway.routes.update': ({ clusterId, serverId, name, patch }) => deps.withServer(clusterId, serverId, 'patch', (c) => c.call('gateway.routes.update', { params: { name }, body: patch })),
  };
  return {
    handlers,
    dispose: () => {
      for (const t of tables.values()) t.dispose();
      tables.clear();
    },
  };
}
