import type {
  GatewayInstance, GatewayRoute, GatewayRouteCreate, GatewayRoutePatch, GatewaySession, GatewaySessionList, GatewaySessionQuery, InstanceRegister,
} from '../../protocol/gateway';
import type { GatewayManager } from './gateway-manager';

/** The gateway part of ServerControl: what the admin API asks of it (asynchronous, like the rest). */
export interface GatewayControl {
  listRoutes(): Promise<GatewayRoute[]>;
  getRoute(name: string): Promise<GatewayRoute | undefined>;
  createRoute(input: GatewayRouteCreate): Promise<GatewayRoute>;
  updateRoute(name: string, patch: GatewayRoutePatch): Promise<GatewayRoute>;
  removeRoute(name: string): Promise<void>;
  registerInstance(route: string, input: InstanceRegister): Promise<GatewayInstance>;
  listSessions(query: GatewaySessionQuery): Promise<GatewaySessionList>;
  getSession(id: string): Promise<GatewaySession>;
  /** Resolves with how many sessions closed, once both legs of each are closed. */
  disconnectSession(id: string, code: number, reason: string): Promise<number>;
  disconnectRoute(route: string, code: number, reason: string): Promise<number>;
}

export function localGatewayControl(m: GatewayManager): GatewayControl {
  return {
    listRoutes: async () => m.list(),
    getRoute: async (name) => m.get(name),
    createRoute: (input) => m.create(input),
    updateRoute: (name, patch) => m.update(name, patch),
    removeRoute: (name) => m.remove(name),
    registerInstance: async (route, input) => m.registerInstance(route, input),
    listSessions: async (q) => m.sessions(q),
    getSession: async (id) => m.session(id),
    disconnectSession: (id, code, reason) => m.disconnectSession(id, code, reason),
    disconnectRoute: (route, code, reason) => m.disconnectRoute(route, code, reason),
  };
}
