import type { PubSubFrame } from '../pubsub/engine';
import type { ServerCounters } from '../metrics/counters';
import type { MessageLogBook } from './message-log';
import type { PubSubSession } from '../pubsub/session-port';
import type { PublishResult } from '../../protocol/admin-pubsub';
import type { Logger } from '../logger';
import type { ServiceHandler } from '../services/services';
import type { Registry } from './registry';
import type { ReverseDns } from './reverse-dns';
import type { InboundConnection } from './inbound-connection';
import type { LoginGate } from './login-gate';
import type { OutgoingHandle } from '../outgoing/hooks';

/** The part of pub/sub a session talks to (PubSubEngine implements it). */
export interface SessionPubSub {
  attach(session: PubSubSession): void;
  detach(connectionId: string): void;
  handleFrame(session: PubSubSession, frame: PubSubFrame): Promise<void>;
  subscriptionCount(clientId: string): number;
  publishFromService(topic: string, data: unknown, connectionId: string): Promise<PublishResult>;
}

/** Everything a session needs from the server around it; the runtime implements it once. */
export interface ConnectionHost {
  readonly serverName: string;
  /** This process's node id (ConnectionInfo.node). */
  readonly nodeId: string;
  readonly closeTimeoutMs: number;
  /** Deepest nesting of objects/arrays a client frame may have. */
  readonly maxJsonDepth: number;
  readonly registry: Registry<InboundConnection>;
  readonly reverseDns: ReverseDns;
  readonly pubsub: SessionPubSub;
  readonly logger: Logger;
  isTrustedProxy(address: string): boolean;
  /** Failure limits, security definitions and the duplicate-login policy. */
  readonly login: LoginGate;
  service(name: string): ServiceHandler | undefined;
  serviceLogger(name: string): Logger;
  /** ServiceContext.outgoing: an outgoing connection by name. */
  outgoing(name: string): OutgoingHandle;
  subscriptionCount(clientId: string): number;
  /** Immediate connection.updated (login, fqdn resolved). */
  emitUpdated(session: InboundConnection): void;
  /** Counters changed: a throttled connection.updated follows (at most once per statsIntervalMs). */
  markDirty(session: InboundConnection): void;
  /** The per-connection message log (frames are recorded only where the channel captures them). */
  readonly messageLog: MessageLogBook;
  /** Counters the health sampler reads (logins here). */
  readonly counters: ServerCounters;
  onSessionClosed(session: InboundConnection, close: { code: number; reason: string; initiator: 'server' | 'client' | 'none' }): void;
}
