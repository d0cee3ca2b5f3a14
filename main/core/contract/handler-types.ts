import type { z } from 'zod';
import type { CallMap } from '../../../protocol/console/define';
import type { EventName, EventPayload } from '../../../protocol/console/contract';

/** One async function per call of a CallMap; inputs arrive parsed, outputs are validated on the way out. */
export type Handlers<C extends CallMap> = {
  [K in keyof C]: (input: z.output<C[K]['input']>) => Promise<z.input<C[K]['output']>>;
};

/** Pushes an event to every attached renderer (the transport batches per frame where it matters). */
export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;
