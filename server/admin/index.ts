import type { ServerControl } from '../control';
import type { AdminConfig } from './options';

export { AdminConfigSchema, type AdminConfig, type AdminConfigInput } from './options';

export interface RunningAdminServer {
  /** e.g. http://127.0.0.1:7070 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the admin HTTP API (under /admin/v1) and the live events WebSocket. */
export async function startAdminServer(control: ServerControl, opts: AdminConfig & { version: string }): Promise<RunningAdminServer> {
  void control;
  void opts;
  throw new Error('startAdminServer: not implemented yet');
}
