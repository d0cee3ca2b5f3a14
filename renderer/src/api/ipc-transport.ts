import { CallResultSchema, type CallResult } from '../../../protocol/console/contract';
import { ErrorCode } from '../../../protocol/errors';
import type { LinkStatus, Transport } from './transport';

/** What the Electron preload exposes: one function per call name plus `on`. */
export type PreloadBridge = Record<string, unknown> & {
  on(event: string, handler: (payload: unknown) => void): () => void;
};

export function isPreloadBridge(value: unknown): value is PreloadBridge {
  return typeof value === 'object' && value !== null && typeof (value as { on?: unknown }).on === 'function';
}

/** Electron: the preload already carries each call over IPC; we only parse the envelope it returns. */
export function createIpcTransport(bridge: PreloadBridge): Transport {
  const link: LinkStatus = { state: 'connected' };
  return {
    link,
    onLink: () => () => {},
    on: (event, handler) => bridge.on(event, handler),
    async call(method, input): Promise<CallResult> {
      const fn = bridge[method];
      if (typeof fn !== 'function') {
        return { ok: false, error: { code: ErrorCode.NotFound, message: `the console core has no call named ${method}` } };
      }
      try {
        const raw: unknown = await (fn as (input: unknown) => Promise<unknown>)(input);
        const parsed = CallResultSchema.safeParse(raw);
        return parsed.success
          ? parsed.data
          : { ok: false, error: { code: ErrorCode.Internal, message: `malformed reply to ${method}` } };
      } catch (err) {
        return { ok: false, error: { code: ErrorCode.Internal, message: err instanceof Error ? err.message : String(err) } };
      }
    },
  };
}
