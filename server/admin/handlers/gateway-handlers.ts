import { ErrorCode } from '../../../protocol/errors';
import type { GatewayRouteNames } from '../../../protocol/admin-api/gateway-routes';
import type { ServerControl } from '../../control/control';
import { SbError } from '../../errors';
import type { AdminHandlers } from './types';

async function routeOr404(control: ServerControl, name: string) {
  const r = await control.gateway.getRoute(name);
  if (!r) throw new SbError(ErrorCode.GatewayRouteNotFound, `no gateway route named "${name}"`, { field: 'name' });
  return r;
}

export const gatewayHandlers: AdminHandlers<GatewayRouteNames> = {
  'gateway.routes.list': async ({ control }) => ({ items: await control.gateway.listRoutes() }),
  'gateway.routes.create': ({ control, body }) => control.gateway.createRoute(body),
  'gateway.routes.get': ({ control, params }) => routeOr404(control, params.name),
  'gateway.routes.update': async ({ control, params, body }) => {
    await routeOr404(control, params.name);
    return control.gateway.updateRoute(params.name, body);
  },
  'gateway.routes.delete': async ({ control, params }) => {
    await routeOr404(control, params.name);
    await control.gateway.removeRoute(params.name);
  },
  'gateway.instances.register': async ({ control, params, body }) => {
    await routeOr404(control, params.name);
    return control.gateway.registerInstance(params.name, body);
  },
  'gateway.routes.disconnect': async ({ control, params, body }) => {
    await routeOr404(control, params.name);
    return { closed: await control.gateway.disconnectRoute(params.name, body.code, body.reason) };
  },
  'gateway.sessions.list': ({ control, query }) => control.gateway.listSessions(query),
  'gateway.sessions.get': ({ control, params }) => control.gateway.getSession(params.id),
  'gateway.sessions.disconnect': async ({ control, params, body }) => ({ closed: await control.gateway.disconnectSession(params.id, body.code, body.reason) }),
};
