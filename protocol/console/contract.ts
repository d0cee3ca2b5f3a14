import { z } from 'zod';
import { ErrorInfoSchema } from '../errors';
import { clusterCalls, clusterEvents } from './clusters';
import { gatewayCalls } from './gateway';
import { outgoingCalls, outgoingEvents } from './outgoing';
import { probeCalls, probeEvents } from './probe';

export const consoleCalls = { ...clusterCalls, ...gatewayCalls, ...probeCalls, ...outgoingCalls };
export const consoleEvents = { ...clusterEvents, ...probeEvents, ...outgoingEvents };

export type ConsoleCalls = typeof consoleCalls;
export type ConsoleEvents = typeof consoleEvents;
export type CallName = keyof ConsoleCalls & string;
export type EventName = keyof ConsoleEvents & string;
export type CallInput<M extends CallName> = z.input<ConsoleCalls[M]['input']>;
export type CallOutput<M extends CallName> = z.output<ConsoleCalls[M]['output']>;
export type EventPayload<E extends EventName> = z.output<ConsoleEvents[E]>;

export const callNames = Object.keys(consoleCalls) as CallName[];
export const eventNames = Object.keys(consoleEvents) as EventName[];

/** A call result on either transport: never throws across the boundary, always this envelope. */
export const CallResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorInfoSchema }),
]);
export type CallResult = z.infer<typeof CallResultSchema>;

/** What the renderer sees, whichever transport carries it. */
export interface ConsoleApi {
  call<M extends CallName>(method: M, input: CallInput<M>): Promise<CallOutput<M>>;
  /** Returns the unsubscribe function. */
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void;
}

/**
 * Web host transport frames (WebSocket on 127.0.0.1, authenticated by a random token). The host's
 * first frame on an accepted socket is `ready`: only then is the page linked — a page with a bad
 * token also sees the socket open, but is closed with 4401 before any frame.
 */
export const WebClientFrameSchema = z.object({ kind: z.literal('call'), id: z.number().int(), method: z.string(), input: z.unknown() }).strict();
export const WebServerFrameSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready') }),
  z.object({ kind: z.literal('result'), id: z.number().int(), result: CallResultSchema }),
  z.object({ kind: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type WebClientFrame = z.infer<typeof WebClientFrameSchema>;
export type WebServerFrame = z.infer<typeof WebServerFrameSchema>;
