import { ErrorCode } from '../../../protocol/errors';
import { SbError } from '../../errors';
import type { AdminHandlers } from './types';

export const serverHandlers: AdminHandlers<'server.info' | 'server.health' | 'server.whoami' | 'server.services' | 'audit.list' | 'server.openapi' | 'events.stream' | 'cluster.nodes'> = {
  'server.info': ({ control }) => control.info(),
  'server.health': ({ control }) => control.health(),
  'server.whoami': ({ caller }) => ({ token: caller.name, role: caller.role }),
  'server.services': ({ control }) => control.services(),
  'cluster.nodes': ({ control }) => control.clusterNodes(),
  'audit.list': async ({ control, query }) => {
    const { limit, before, action, actor, target, outcome, since, until } = query;
    const items = await control.audit.list({
      limit, ...(before !== undefined ? { before } : {}), ...(action ? { action } : {}), ...(actor ? { actor } : {}), ...(target ? { target } : {}),
      ...(outcome ? { outcome } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}),
    });
    const last = items[items.length - 1];
    return { items, nextBefore: items.length === query.limit && last ? last.id : null };
  },
  'server.openapi': ({ openapi }) => openapi() as { openapi: string },
  // Only reached without an upgrade; the upgrade itself is served by the events stream.
  'events.stream': () => {
    throw new SbError(ErrorCode.BadRequest, '/admin/v1/events needs a WebSocket upgrade (Upgrade: websocket)');
  },
};
