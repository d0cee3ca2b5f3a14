import { ErrorCode } from '../../../protocol/errors';
import type { ConnectionSelector, ServerControl } from '../../control/control';
import { SbError } from '../../errors';
import type { AdminHandlers } from './types';

async function connectionOr404(control: ServerControl, id: string) {
  const c = await control.connections.get(id);
  if (!c) throw new SbError(ErrorCode.ConnectionNotFound, `no connection with id "${id}"`, { field: 'id' });
  return c;
}

type ConnectionRoutes = 'connections.list' | 'connections.get' | 'connections.invoke' | 'connections.disconnect' | 'connections.disconnectMany' | 'connections.subscriptions' | 'connections.messages';

export const connectionHandlers: AdminHandlers<ConnectionRoutes> = {
  'connections.list': ({ control, query }) => control.connections.list(query),
  'connections.get': ({ control, params }) => connectionOr404(control, params.id),
  'connections.messages': async ({ control, params, query }) => {
    const page = await control.connections.messages(params.id, query.after, query.limit);
    if (!page) throw new SbError(ErrorCode.ConnectionNotFound, `no connection with id "${params.id}" (never existed, or closed and its message log expired)`, { field: 'id' });
    return page;
  },
  'connections.invoke': async ({ control, params, body }) => {
    await connectionOr404(control, params.id);
    return control.connections.invoke(params.id, body.data, body.timeoutMs);
  },
  'connections.disconnect': async ({ control, params, body }) => {
    await connectionOr404(control, params.id);
    return control.connections.disconnect(params.id, body.code, body.reason);
  },
  'connections.disconnectMany': ({ control, body }) => {
    const selector: ConnectionSelector = body.connectionIds !== undefined
      ? { connectionIds: body.connectionIds }
      : body.clientId !== undefined ? { clientId: body.clientId } : { channel: body.channel! };
    return control.connections.disconnectMany(selector, body.code, body.reason);
  },
  'connections.subscriptions': async ({ control, params }) => {
    await connectionOr404(control, params.id);
    return { items: await control.pubsub.listConnectionSubscriptions(params.id) };
  },
};
