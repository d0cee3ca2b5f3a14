import type { CallResult } from '../../../protocol/console/contract';

/**
 * The raw, untyped carrier underneath `api`. Two implementations exist (Electron preload and the
 * loopback web host); the rest of the renderer never learns which one it runs on.
 */
export interface Transport {
  /** Resolves with the call envelope; never rejects for a call-level error (that is `ok: false`). */
  call(method: string, input: unknown): Promise<CallResult>;
  /** Raw event payloads, parsed by `api` before any handler sees them. Returns the unsubscribe function. */
  on(event: string, handler: (payload: unknown) => void): () => void;
  /** State of the link to the console core (always 'connected' over IPC). */
  readonly link: LinkStatus;
  onLink(handler: (status: LinkStatus) => void): () => void;
}

export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'failed';
export interface LinkStatus {
  state: LinkState;
  /** Why the link is not connected (human readable), when it is not. */
  reason?: string;
}
