import type { AnyRoute } from '../route';
import { configRoutes } from './config-routes';
import { connectionRoutes } from './connection-routes';
import { metaRoutes } from './meta-routes';
import { pubsubRoutes } from './pubsub-routes';

/** Every admin API route. The router serves exactly these and the OpenAPI document describes exactly these. */
export const adminRoutes: readonly AnyRoute[] = [...metaRoutes, ...configRoutes, ...connectionRoutes, ...pubsubRoutes];
