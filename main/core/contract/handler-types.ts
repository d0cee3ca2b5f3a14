import type { z } from 'zod';
import type { CallMap } from '../../../protocol/console/define';
import type { EventName, EventPayload } from '../../../protocol/console/contract';
import type { Subscriber } from './event-hub';

/** Who is calling: the transport passes the caller's event subscription, so watches are per renderer. */
export interface CallContext {
  /** Absent for callers without an event stream (one-off tools, tests calling dispatch directly). */
  subscriber?: Subscriber;
}

/** One async function per call of a CallMap; inputs arrive parsed, outputs are validated on the way out. */
export type Handlers<C extends CallMap> = {
  [K in keyof C]: (input: z.output<C[K]['input']>, ctx?: CallContext) => Promise<z.input<C[K]['output']>>;
};

/** Pushes an event to every attached renderer (the transport batches per frame where it matters). */
export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;
