import type { GatewaySessionRow } from '../../../../protocol/console/gateway';
import type { GatewayRoute, GatewayRouteCreate, GatewayRoutePatch } from '../../../../protocol/gateway';
import type { SliceCreator } from '../../store/types';

/**
 * The gateway screen of the selected cluster: its routes (of one server) and the routed sessions
 * of every server, merged by the core. Read on demand and refreshed by the screen while it is shown.
 */
export interface GatewayState {
  clusterId: string | null;
  routes: GatewayRoute[] | null;
  rows: GatewaySessionRow[];
  /** Servers that did not answer the last read (their rows are shown stale). */
  serverErrors: { serverId: string; message: string }[];
  error: string | null;
}

export interface GatewaySlice {
  gateway: GatewayState;
  loadGateway(clusterId: string): Promise<void>;
  disconnectGatewaySession(row: GatewaySessionRow, code: number, reason: string): Promise<void>;
  createGatewayRoute(clusterId: string, route: GatewayRouteCreate): Promise<void>;
  updateGatewayRoute(clusterId: string, name: string, patch: GatewayRoutePatch): Promise<void>;
}

export const initialGateway = (): GatewayState => ({ clusterId: null, routes: null, rows: [], serverErrors: [], error: null });

// ---- pure updates (unit tested)

type Editable = Pick<GatewayRouteCreate, 'listen' | 'path' | 'upstreams' | 'mode'>;

/** The fields of an edit that differ from the route: a PATCH names exactly those (null: nothing changed). */
export function routePatch(route: GatewayRoute, next: Editable): GatewayRoutePatch | null {
  const patch: GatewayRoutePatch = {};
  if (next.listen !== route.listen) patch.listen = next.listen;
  if (next.path !== route.path) patch.path = next.path;
  if (JSON.stringify(next.upstreams) !== JSON.stringify(route.upstreams)) patch.upstreams = next.upstreams ?? [];
  if (next.mode !== route.mode) patch.mode = next.mode;
  return Object.keys(patch).length ? patch : null;
}

/** Rows in a stable order: route, then opened time, then id. */
export function sortRows(rows: readonly GatewaySessionRow[]): GatewaySessionRow[] {
  return [...rows].sort((a, b) => (a.route === b.route ? (a.openedAt === b.openedAt ? (a.rowKey < b.rowKey ? -1 : 1) : a.openedAt < b.openedAt ? -1 : 1) : a.route < b.route ? -1 : 1));
}

/** Another cluster's answer (the user switched meanwhile) is dropped; the same cluster's replaces. */
export function applyRead(prev: GatewayState, clusterId: string, routes: GatewayRoute[] | null, rows: GatewaySessionRow[], serverErrors: GatewayState['serverErrors']): GatewayState {
  if (prev.clusterId !== null && prev.clusterId !== clusterId) return prev;
  return { clusterId, routes: routes ?? prev.routes, rows: sortRows(rows), serverErrors, error: null };
}

export const createGatewaySlice: SliceCreator<GatewaySlice> = (set, get, deps) => ({
  gateway: initialGateway(),
  async loadGateway(clusterId) {
    if (get().gateway.clusterId !== clusterId) set({ gateway: { ...initialGateway(), clusterId } });
    try {
      const [routes, sessions] = await Promise.all([
        deps.api.call('gateway.routes', { clusterId }).then((r) => r.items, () => null),
        deps.api.call('gateway.sessions', { clusterId }),
      ]);
      set((s) => ({ gateway: applyRead(s.gateway, clusterId, routes, sessions.rows, sessions.errors) }));
    } catch (err) {
      set((s) => (s.gateway.clusterId === clusterId ? { gateway: { ...s.gateway, error: deps.errorMessage(err) } } : {}));
    }
  },
  async disconnectGatewaySession(row, code, reason) {
    const clusterId = get().gateway.clusterId;
    if (!clusterId) return;
    try {
      await deps.api.call('gateway.disconnect', { clusterId, serverId: row.serverId, id: row.id, code, reason });
      get().notify('info', `Session ${row.id} closed with ${code} on both legs`);
    } catch (err) {
      get().notify('error', `Disconnect failed: ${deps.errorMessage(err)}`);
    } finally {
      await get().loadGateway(clusterId);
    }
  },
  async createGatewayRoute(clusterId, route) {
    // Errors go back to the form (server validation names the field).
    await deps.api.call('gateway.routes.create', { clusterId, route });
    get().notify('info', `Route ${route.name} created`);
    await get().loadGateway(clusterId);
  },
  async updateGatewayRoute(clusterId, name, patch) {
    await deps.api.call('gateway.routes.update', { clusterId, name, patch });
    get().notify('info', `Route ${name} changed`);
    await get().loadGateway(clusterId);
  },
});
