import { z } from 'zod';
import { AdminEventSchema, type AdminEvent } from '../../protocol/admin-events';
import type { AdminEventInput, EventBus } from '../event-bus';
import type { Logger } from '../logger';
import type { RedisLink } from './redis-link';

type ConnectionEvent = Extract<AdminEvent, { type: 'connection.opened' | 'connection.updated' | 'connection.closed' }>;

const RelayFrame = z.object({ from: z.string(), events: z.array(z.unknown()) });

/** Past this many events a batch is sent at once instead of at the next tick. */
export const RELAY_BATCH_MAX = 10_000;

export interface EventRelayDeps {
  link: RedisLink;
  channel: string;
  nodeId: string;
  events: EventBus;
  batchMs: number;
  logger: Logger;
}

/**
 * Makes every node's admin event stream carry the whole cluster's connection events, so a console
 * watching one node sees every node's clients open, change and close. Each node publishes its own
 * connection events in batches (counter updates coalesced per connection) and re-emits the other
 * nodes' on its bus. While Redis is away nothing is relayed: a console re-syncs its rows from the
 * list when its stream reconnects, and nodes list the cluster again once Redis is back.
 */
export class EventRelay {
  private batch: ConnectionEvent[] = [];
  private readonly updated = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  /** True while re-emitting another node's events: those must not be relayed again. */
  private replaying = false;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly d: EventRelayDeps) {}

  async start(): Promise<void> {
    this.unsubscribe = this.d.events.subscribe((e) => {
      if (this.replaying) return;
      if (e.type === 'connection.opened' || e.type === 'connection.updated') {
        if (e.connection.node !== this.d.nodeId) return;
        this.add(e);
      } else if (e.type === 'connection.closed' && e.initiator !== 'node-lost') {
        this.add(e);
      }
    });
    this.d.link.sub.on('message', (channel: string, text: string) => {
      if (channel === this.d.channel) this.onMessage(text);
    });
    await this.d.link.sub.subscribe(this.d.channel);
  }

  private add(e: ConnectionEvent): void {
    if (e.type === 'connection.updated') {
      const i = this.updated.get(e.connection.connectionId);
      if (i !== undefined) {
        this.batch[i] = e;
        return;
      }
      this.updated.set(e.connection.connectionId, this.batch.length);
    }
    this.batch.push(e);
    if (this.batch.length >= RELAY_BATCH_MAX) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.d.batchMs);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const events = this.batch;
    this.batch = [];
    this.updated.clear();
    if (events.length === 0 || this.d.link.state !== 'healthy') return;
    this.d.link.cmd.publish(this.d.channel, JSON.stringify({ from: this.d.nodeId, events })).catch((err: unknown) => {
      this.d.logger.debug('connection events not relayed (Redis unreachable)', { count: events.length, err: String(err) });
    });
  }

  private onMessage(text: string): void {
    let frame: z.infer<typeof RelayFrame>;
    try {
      frame = RelayFrame.parse(JSON.parse(text));
    } catch {
      this.d.logger.warn('ignored a malformed relayed event batch');
      return;
    }
    if (frame.from === this.d.nodeId) return;
    this.replaying = true;
    try {
      for (const raw of frame.events) {
        const r = AdminEventSchema.safeParse(raw);
        if (!r.success) continue;
        const { seq: _seq, at: _at, ...event } = r.data;
        this.d.events.emit(event as AdminEventInput);
      }
    } finally {
      this.replaying = false;
    }
  }

  close(): void {
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
