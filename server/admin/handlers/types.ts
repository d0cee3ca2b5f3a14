import type { AdminApi, AdminRouteName, RouteInput, RouteReturn } from '../../../protocol/admin-api';
import type { ServerControl } from '../../control/control';
import type { Caller } from '../auth';

export interface HandlerContext<N extends AdminRouteName> extends RouteInput<AdminApi[N]> {
  caller: Caller;
  control: ServerControl;
  /** The OpenAPI document of this server (built once, on first use). */
  openapi(): unknown;
}

export type AdminHandler<N extends AdminRouteName> = (ctx: HandlerContext<N>) => Promise<RouteReturn<AdminApi[N]>> | RouteReturn<AdminApi[N]>;

/** One handler per declared route; a missing or extra one is a type error. */
export type AdminHandlers<N extends AdminRouteName = AdminRouteName> = { [K in N]: AdminHandler<K> };
