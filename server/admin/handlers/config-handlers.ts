import { SecuritySchema, type Security } from '../../../protocol/admin-config';
import { ErrorCode } from '../../../protocol/errors';
import type { ServerControl } from '../../control/control';
import { SbError } from '../../errors';
import type { AdminHandlers } from './types';

/** Parsing through SecuritySchema strips anything that is not a declared public field: secrets never leave. */
const publicSecurity = (s: Security): Security => SecuritySchema.parse(s);

async function channelOr404(control: ServerControl, name: string) {
  const c = await control.channels.get(name);
  if (!c) throw new SbError(ErrorCode.ChannelNotFound, `no channel named "${name}"`, { field: 'name' });
  return c;
}
async function securityOr404(control: ServerControl, name: string) {
  const s = await control.security.get(name);
  if (!s) throw new SbError(ErrorCode.SecurityNotFound, `no security definition named "${name}"`, { field: 'name' });
  return s;
}

type ConfigRoutes = 'channels.list' | 'channels.create' | 'channels.get' | 'channels.update' | 'channels.delete'
  | 'security.list' | 'security.create' | 'security.get' | 'security.update' | 'security.delete';

export const configHandlers: AdminHandlers<ConfigRoutes> = {
  'channels.list': async ({ control }) => ({ items: await control.channels.list() }),
  'channels.create': ({ control, body }) => control.channels.create(body),
  'channels.get': ({ control, params }) => channelOr404(control, params.name),
  'channels.update': async ({ control, params, body }) => {
    await channelOr404(control, params.name);
    return control.channels.update(params.name, body);
  },
  'channels.delete': async ({ control, params }) => {
    await channelOr404(control, params.name);
    await control.channels.remove(params.name);
  },
  'security.list': async ({ control }) => ({ items: (await control.security.list()).map(publicSecurity) }),
  'security.create': async ({ control, body }) => publicSecurity(await control.security.create(body)),
  'security.get': async ({ control, params }) => publicSecurity(await securityOr404(control, params.name)),
  'security.update': async ({ control, params, body }) => {
    await securityOr404(control, params.name);
    return publicSecurity(await control.security.update(params.name, body));
  },
  'security.delete': async ({ control, params }) => {
    await securityOr404(control, params.name);
    await control.security.remove(params.name);
  },
};
