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

/**
 * connecting: the first attempt (calls wait for it). connected. reconnecting: the link was lost
 * (or an attempt failed); calls fail at once; a retry is scheduled. failed: the host refused this
 * page's token — retrying cannot help. closed: the transport was closed by us.
 */
export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** Why a link failed for good: no token in the URL, a token this host never issued, or one it no longer accepts. */
export type LinkFailure = 'token-missing' | 'token-invalid' | 'token-expired';

export interface LinkStatus {
  state: LinkState;
  /** Why the link is not connected (human readable), when it is not. */
  reason?: string;
  failure?: LinkFailure;
  /** Date.now() of the moment the link was lost; set while reconnecting (and failed after a loss). */
  downSince?: number;
  /** Date.now() of the next attempt, while reconnecting. */
  nextRetryAt?: number;
  /** Failed attempts since the link was last up. */
  attempts?: number;
}

/** Whether what the renderer shows is current: anything shown while the link is down is stale. */
export const linkUp = (l: LinkStatus): boolean => l.state === 'connected';
