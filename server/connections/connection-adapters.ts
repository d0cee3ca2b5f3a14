import type { PublishResult } from '../../protocol/admin-pubsub';
import type { ServerFrame } from '../../protocol/client-frames';
import type { Logger } from '../logger';
import type { OutgoingHandle } from '../outgoing/hooks';
import type { PubSubSession } from '../pubsub/session-port';
import type { ServiceContext } from '../services/services';
import type { SbSocket } from './sb-socket';
import type { InboundConnection } from './inbound-connection';

export { clampReason } from '../../protocol/close-codes';

/** setImmediate callback (a shared function, not a closure per send). */
export function uncork(s: InboundConnection): void {
  s.flush();
}

/** The pub/sub engine's view of a logged-in session (prototype methods: no closures per connection). */
export class SessionPort implements PubSubSession {
  constructor(
    private readonly session: InboundConnection,
    private readonly ws: SbSocket,
    readonly clientId: string,
  ) {}
  get connectionId(): string {
    return this.session.connectionId;
  }
  get channel(): string {
    return this.session.channel.name;
  }
  get connectedAt(): string {
    return this.session.connectedAt;
  }
  allowSubscribe(): readonly string[] {
    return this.session.channel.config.allowSubscribe;
  }
  allowPublish(): readonly string[] {
    return this.session.channel.config.allowPublish;
  }
  send(frame: ServerFrame): boolean {
    return this.session.send(frame);
  }
  sendText(json: string): boolean {
    return this.session.sendText(json, false);
  }
  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }
  maxBufferedBytes(): number {
    return this.session.channel.config.maxBufferedBytes;
  }
  whenDrained(resume: () => void): void {
    this.session.whenDrained(resume);
  }
}

/** The context a service gets with each request. */
export class ServiceCtx implements ServiceContext {
  readonly connectionId: string;
  readonly clientId: string;
  readonly clientName: string | null;
  readonly channel: string;
  constructor(
    private readonly session: InboundConnection,
    readonly requestId: string | number,
    readonly logger: Logger,
  ) {
    this.connectionId = session.connectionId;
    this.clientId = session.clientId ?? '';
    this.clientName = session.clientName;
    this.channel = session.channel.name;
  }
  publish(topic: string, data: unknown): Promise<PublishResult> {
    return this.session.publishFromService(topic, data);
  }
  outgoing(name: string): OutgoingHandle {
    return this.session.outgoing(name);
  }
}
