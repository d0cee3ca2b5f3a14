import { z } from 'zod';

/**
 * The console contract: every call the renderer can make into the console core and every event
 * the core pushes. Both transports (Electron IPC and the loopback web host) carry exactly this.
 */
export interface CallDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}
export type CallMap = Record<string, CallDef>;
export type EventMap = Record<string, z.ZodType>;

export const defineCalls = <T extends CallMap>(calls: T): T => calls;
export const defineEvents = <T extends EventMap>(events: T): T => events;
