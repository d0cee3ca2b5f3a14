import type { ServerFrame } from '../../protocol/client-frames';

/**
 * What the pub/sub engine sees of a logged-in connection. The runtime creates one per session
 * at login (engine.attach) and releases it at close (engine.detach).
 */
export interface PubSubSession {
  readonly connectionId: string;
  readonly clientId: string;
  readonly channel: string;
  /** ISO time the WebSocket connection opened. */
  readonly connectedAt: string;
  /** The channel's permission patterns at the time of the call (channels can change live). */
  allowSubscribe(): readonly string[];
  allowPublish(): readonly string[];
  /** Sends a frame; false when the socket is no longer open. */
  send(frame: ServerFrame): boolean;
  /**
   * Optional fast path: sends an already serialized ServerFrame (JSON text) as is. A fan-out to
   * many subscribers then serializes the message data once instead of once per subscriber.
   */
  sendText?(json: string): boolean;
  /** Bytes queued in the socket but not yet written (for delivery flow control). */
  bufferedAmount(): number;
  /** The connection's send budget: delivery pauses while bufferedAmount() is above it. */
  maxBufferedBytes(): number;
  /**
   * Calls `resume` once when the socket has written out everything queued. Without it a paused
   * session is polled every resumeCheckMs.
   */
  whenDrained?(resume: () => void): void;
}
