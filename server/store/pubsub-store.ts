import type { OverflowPolicy } from '../../protocol/admin-pubsub';
import type { z } from 'zod';

/** A topic as stored: its limits plus the log head and counters. */
export interface StoredTopic {
  name: string;
  maxDepth: number;
  maxAgeSeconds: number;
  overflow: z.infer<typeof OverflowPolicy>;
  /** Seconds a subscription may stay without an attached client before it is deleted. */
  subscriptionTtlSeconds: number;
  createdAt: string;
  updatedAt: string;
  /** Last log position assigned (0 = nothing published yet). */
  head: number;
  published: number;
  dropped: number;
  rejected: number;
  lastPublishedAt: string | null;
}

/** A durable subscription: a cursor into its topic's log. seq = pos - base. */
export interface StoredSubscription {
  key: string;
  clientId: string;
  topic: string;
  channel: string;
  subscribedAt: string;
  base: number;
  /** Last acknowledged (or dropped) log position. */
  acked: number;
  dropped: number;
  /** When the client last detached; null while it is attached (or was when the server stopped). */
  detachedAt: string | null;
}

export interface StoredMessage {
  pos: number;
  publishedAt: string;
  /** The message data as JSON text. */
  data: string;
}

/** One durable change. A batch of them is applied atomically by PubSubStore.apply. */
export type PubSubStoreOp =
  | { kind: 'putTopic'; topic: StoredTopic }
  | { kind: 'deleteTopic'; name: string }
  | { kind: 'appendMessage'; topic: string; message: StoredMessage }
  | { kind: 'deleteMessagesUpTo'; topic: string; pos: number }
  | { kind: 'putSubscription'; subscription: StoredSubscription }
  | { kind: 'updateCursor'; key: string; acked: number; dropped: number }
  | { kind: 'setDetachedAt'; key: string; detachedAt: string | null }
  | { kind: 'deleteSubscription'; key: string }
  | { kind: 'setMeta'; key: string; value: string };

export type MaybePromise<T> = T | Promise<T>;

/**
 * Durable pub/sub state behind one small interface, so a clustered store (e.g. Redis with
 * MULTI/EXEC) can provide the same semantics: `apply` is atomic and durable when it (or its
 * promise) completes, and the engine never starts the next apply before the previous finished.
 * SQLite answers synchronously; an asynchronous store returns promises. `load` and `getMeta` are
 * called while the engine is constructed and must answer synchronously (an asynchronous store
 * reads its snapshot when it is opened, before the engine is built). PubSubEngine.close() issues a
 * last apply (pending acks); an asynchronous store is closed by its owner only after that settled.
 */
export interface PubSubStore {
  load(): { topics: StoredTopic[]; subscriptions: StoredSubscription[] };
  apply(ops: readonly PubSubStoreOp[]): MaybePromise<void>;
  /** Messages of `topic` with pos > afterPos, ascending, at most `limit`. */
  readMessages(topic: string, afterPos: number, limit: number): MaybePromise<StoredMessage[]>;
  /** The highest pos of a message of `topic` published before `cutoffIso`, or null. */
  lastPosBefore(topic: string, cutoffIso: string): MaybePromise<number | null>;
  getMeta(key: string): string | undefined;
}
