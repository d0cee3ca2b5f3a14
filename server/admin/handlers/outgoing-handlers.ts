import { ErrorCode } from '../../../protocol/errors';
import type { OutgoingControl, ServerControl } from '../../control/control';
import { SbError } from '../../errors';
import type { AdminHandlers } from './types';

function outgoingOf(control: ServerControl): OutgoingControl {
  if (!control.outgoing) throw new SbError(ErrorCode.Unavailable, 'this server keeps no outgoing connections');
  return control.outgoing;
}

async function existing(control: ServerControl, name: string): Promise<OutgoingControl> {
  const o = outgoingOf(control);
  if (!(await o.get(name))) throw new SbError(ErrorCode.OutgoingNotFound, `no outgoing connection named "${name}"`, { field: 'name' });
  return o;
}

type OutgoingRoutes = 'outgoing.list' | 'outgoing.create' | 'outgoing.get' | 'outgoing.update' | 'outgoing.delete'
  | 'outgoing.send' | 'outgoing.invoke' | 'outgoing.reconnect' | 'outgoing.stop' | 'outgoing.start' | 'outgoing.frames';

export const outgoingHandlers: AdminHandlers<OutgoingRoutes> = {
  'outgoing.list': async ({ control }) => ({ items: await outgoingOf(control).list() }),
  'outgoing.create': ({ control, body }) => outgoingOf(control).create(body),
  'outgoing.get': async ({ control, params }) => (await (await existing(control, params.name)).get(params.name))!,
  'outgoing.update': async ({ control, params, body }) => (await existing(control, params.name)).update(params.name, body),
  'outgoing.delete': async ({ control, params }) => (await existing(control, params.name)).remove(params.name),
  'outgoing.send': async ({ control, params, body }) => (await existing(control, params.name)).send(params.name, body.data),
  'outgoing.invoke': async ({ control, params, body }) => (await existing(control, params.name)).invoke(params.name, body.data, body.timeoutMs),
  'outgoing.reconnect': async ({ control, params }) => (await existing(control, params.name)).reconnect(params.name),
  'outgoing.stop': async ({ control, params, body }) => (await existing(control, params.name)).stop(params.name, body.code, body.reason),
  'outgoing.start': async ({ control, params }) => (await existing(control, params.name)).start(params.name),
  'outgoing.frames': async ({ control, params }) => ({ items: await (await existing(control, params.name)).frames(params.name) }),
};
