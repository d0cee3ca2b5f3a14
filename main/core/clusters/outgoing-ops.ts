import type { outgoingCalls, OutgoingRow } from '../../../protocol/console/outgoing';
import { ErrorCode, type ErrorInfo } from '../../../protocol/errors';
import { ConsoleError } from '../contract/errors';
import type { Handlers } from '../contract/handler-types';
import type { AdminClient } from './admin-client';
import { INVOKE_HTTP_MARGIN_MS, type WithServer } from './admin-ops';

/** The connected servers of an open cluster, each with its admin client. */
export type ServersOf = (clusterId: string) => { serverId: string; client: AdminClient }[];

const ok = { ok: true as const };

const infoOf = (err: unknown): ErrorInfo =>
  err instanceof ConsoleError ? err.info : { code: ErrorCode.Internal, message: err instanceof Error ? err.message : String(err) };

/** The Outgoing screen's calls: each one admin API request, but the list, which asks every server. */
export function createOutgoingOps(withServer: WithServer, serversOf: ServersOf): Handlers<typeof outgoingCalls> {
  return {
    async 'outgoing.list'({ clusterId }) {
      const items: OutgoingRow[] = [];
      const errors: { serverId: string; error: ErrorInfo }[] = [];
      await Promise.all(serversOf(clusterId).map(async ({ serverId, client }) => {
        try {
          const list = await client.call('outgoing.list', {});
          for (const outgoing of list.items) items.push({ serverId, outgoing });
        } catch (err) {
          errors.push({ serverId, error: infoOf(err) });
        }
      }));
      items.sort((a, b) => (a.outgoing.name === b.outgoing.name ? (a.serverId < b.serverId ? -1 : 1) : a.outgoing.name < b.outgoing.name ? -1 : 1));
      return { items, errors };
    },
    'outgoing.create': ({ clusterId, serverId, outgoing }) => withServer(clusterId, serverId, 'outgoing', (c) => c.call('outgoing.create', { body: outgoing })),
    'outgoing.update': ({ clusterId, serverId, name, patch }) => withServer(clusterId, serverId, 'patch', (c) => c.call('outgoing.update', { params: { name }, body: patch })),
    'outgoing.delete': ({ clusterId, serverId, name }) => withServer(clusterId, serverId, null, async (c) => (await c.call('outgoing.delete', { params: { name } }), ok)),
    'outgoing.send': ({ clusterId, serverId, name, data }) => withServer(clusterId, serverId, null, (c) => c.call('outgoing.send', { params: { name }, body: { data } })),
    'outgoing.invoke': ({ clusterId, serverId, name, data, timeoutMs }) =>
      // The server answers by timeoutMs (504 when the peer is silent); the HTTP request must outlive that.
      withServer(clusterId, serverId, null, (c) => c.call('outgoing.invoke', { params: { name }, body: { data, timeoutMs } }, { timeoutMs: timeoutMs + INVOKE_HTTP_MARGIN_MS })),
    'outgoing.reconnect': ({ clusterId, serverId, name }) => withServer(clusterId, serverId, null, (c) => c.call('outgoing.reconnect', { params: { name } })),
    'outgoing.stop': ({ clusterId, serverId, name }) => withServer(clusterId, serverId, null, (c) => c.call('outgoing.stop', { params: { name }, body: {} })),
    'outgoing.start': ({ clusterId, serverId, name }) => withServer(clusterId, serverId, null, (c) => c.call('outgoing.start', { params: { name } })),
    'outgoing.frames': ({ clusterId, serverId, name }) => withServer(clusterId, serverId, null, (c) => c.call('outgoing.frames', { params: { name } })),
  };
}
