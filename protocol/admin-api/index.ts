import { clusterRoutes } from './cluster-routes';
import { configRoutes } from './config-routes';
import { connectionRoutes } from './connection-routes';
import type { AdminRoute } from './define';
import { outgoingRoutes } from './outgoing-routes';
import { gatewayRoutes } from './gateway-routes';
import { pubsubRoutes } from './pubsub-routes';
import { serverRoutes } from './server-routes';

export * from './define';

/**
 * Every admin API route, by name. The server serves exactly these, the console's admin client
 * calls exactly these, and docs/openapi.json describes exactly these.
 */
export const adminApi = { ...serverRoutes, ...configRoutes, ...connectionRoutes, ...pubsubRoutes, ...outgoingRoutes, ...gatewayRoutes, ...clusterRoutes } as const;

export type AdminApi = typeof adminApi;
export type AdminRouteName = keyof AdminApi & string;

export const adminRouteNames = Object.keys(adminApi) as AdminRouteName[];

/** The route table as a list (name attached), in declaration order. */
export const adminRouteList: readonly (AdminRoute & { name: AdminRouteName })[] = adminRouteNames.map((name) => ({ ...(adminApi[name] as AdminRoute), name }));
