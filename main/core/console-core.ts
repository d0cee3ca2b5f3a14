import { consoleCalls } from '../../protocol/console/contract';
import { createClusterService, type ConsoleCoreOptions } from './clusters/cluster-service';
import { createDispatcher, missingHandlers, type Dispatch } from './contract/dispatcher';
import { EventHub } from './contract/event-hub';
import type { ProbeFileDialogs } from './probe/file-dialogs';
import { createProbeService } from './probe/handlers';

export interface ConsoleCore {
  dispatch: Dispatch;
  events: EventHub;
  /** Contract calls nobody implements (should be empty). */
  missingHandlers: string[];
  dispose(): Promise<void>;
}

/**
 * The whole console core behind one dispatcher: the cluster handlers and the probe's, every
 * call's input and output validated against the contract. Transports (Electron IPC, web host)
 * only forward `dispatch` and subscribe to `events`.
 */
export async function createConsoleCore(opts: Omit<ConsoleCoreOptions, 'emit' | 'watches'> & { validateEvents?: boolean; probeDialogs?: ProbeFileDialogs }): Promise<ConsoleCore> {
  const events = new EventHub({
    validate: opts.validateEvents ?? true,
    onInvalid: (event, err) => console.error(`console core: dropped invalid ${event} event`, err),
  });
  const clusters = createClusterService({ ...opts, emit: events.emit, watches: events });
  // Probe secrets (auth, client keys) go to the same store as cluster tokens (safeStorage under Electron).
  // Native save/open dialogs exist only in the desktop app; the web host downloads and uploads instead.
  const probe = createProbeService({ emit: events.emit, dataDir: opts.dataDir, secrets: opts.secrets, ...(opts.probeDialogs ? { dialogs: opts.probeDialogs } : {}) });
  const handlers = { ...clusters.handlers, ...clusters.gatewayHandlers, ...probe.handlers };
  const missing = missingHandlers(consoleCalls, handlers);
  if (missing.length > 0) console.warn(`console core: no handler yet for ${missing.join(', ')}`);
  const dispatch = createDispatcher(consoleCalls, handlers, {
    onInternalError: (method, err) => console.error(`console core: ${method} failed`, err),
  });
  await clusters.init();
  return {
    dispatch,
    missingHandlers: missing,
    events,
    async dispose() {
      await Promise.allSettled([clusters.dispose(), probe.dispose()]);
    },
  };
}
