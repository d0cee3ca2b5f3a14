import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PublishResult } from '../../protocol/admin-pubsub';
import type { Logger } from '../logger';
import type { OutgoingHandle } from '../outgoing/hooks';

/** What a service sees of the calling connection. */
export interface ServiceContext {
  readonly connectionId: string;
  readonly clientId: string;
  readonly clientName: string | null;
  readonly channel: string;
  /** The id of the client's request frame. */
  readonly requestId: string | number;
  readonly logger: Logger;
  /** Publishes to a pub/sub topic on behalf of this connection. */
  publish(topic: string, data: unknown): Promise<PublishResult>;
  /** An outgoing connection by name (send, invoke, publish, subscribe); throws SB_ERR_OUTGOING_NOT_FOUND. */
  outgoing(name: string): OutgoingHandle;
}

/**
 * A service handles one client request: it gets the request's `data` and returns the response's
 * `data` (or a promise of it). Throwing yields `ok:false` with SB_ERR_SERVICE_FAILED; the
 * connection stays up.
 */
export type ServiceHandler = (request: unknown, ctx: ServiceContext) => unknown;

export interface ServiceDefinition {
  name: string;
  /** Path of an ES module (relative to the config file's directory) whose default export, or export named `service`, is a ServiceHandler. */
  module: string;
}

export const BUILTIN_SERVICES: Record<string, ServiceHandler> = {
  /** Returns the request data unchanged. */
  echo: (request) => request,
};

/** Imports each configured service module once at startup; a missing or malformed module fails startup. */
export async function loadServices(defs: readonly ServiceDefinition[], baseDir: string): Promise<Map<string, ServiceHandler>> {
  const services = new Map<string, ServiceHandler>(Object.entries(BUILTIN_SERVICES));
  for (const def of defs) {
    const file = isAbsolute(def.module) ? def.module : resolve(baseDir, def.module);
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown; service?: unknown };
    const fn = typeof mod.default === 'function' ? mod.default : mod.service;
    if (typeof fn !== 'function') throw new Error(`service "${def.name}": module ${file} exports no default function or \`service\` function`);
    services.set(def.name, fn as ServiceHandler);
  }
  return services;
}
