import { consoleCalls } from '../../protocol/console/contract';
import { createClusterService, type ConsoleCoreOptions } from './cluster-service';
import { createDispatcher, type Dispatch } from './dispatcher';
import { EventHub } from './event-hub';
import { createProbeService } from './probe/handlers';

export interface ConsoleCore {
  dispatch: Dispatch;
  events: EventHub;
  dispose(): Promise<void>;
}

/**
 * The whole console core behind one dispatcher: cluster handlers + PROBE-CORE's handlers, every
 * call's input and output validated against the contract. Transports (Electron IPC, web host)
 * only forward `dispatch` and subscribe to `events`.
 */
export async function createConsoleCore(opts: Omit<ConsoleCoreOptions, 'emit'> & { validateEvents?: boolean }): Promise<ConsoleCore> {
  const events = new EventHub({
    validate: opts.validateEvents ?? true,
    onInvalid: (event, err) => console.error(`console core: dropped invalid ${event} event`, err),
  });
  const clusters = createClusterService({ ...opts, emit: events.emit });
  const probe = createProbeService({ emit: events.emit, dataDir: opts.dataDir });
  const dispatch = createDispatcher(consoleCalls, { ...clusters.handlers, ...probe.handlers }, {
    onInternalError: (method, err) => console.error(`console core: ${method} failed`, err),
  });
  await clusters.init();
  return {
    dispatch,
    events,
    async dispose() {
      await Promise.allSettled([clusters.dispose(), probe.dispose()]);
    },
  };
}
