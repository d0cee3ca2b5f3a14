import type { PubSubStoreOp } from '../store/pubsub-store';
import type { Delivery } from './delivery';
import type { PubSubRegistry } from './registry';
import type { PubSubSession } from './session-port';
import { expiresAtMs, type SubState } from './state';

/**
 * Whether each client is attached, and since when its subscriptions have had no client: what
 * subscription expiry (a topic's subscriptionTtlSeconds) is measured from. The moment of detaching
 * is kept in memory at once (the sweep reads it) and written to the store with the next batch.
 */
export class ClientPresence {
  /** connectionId → clientId of every attached session (to tell, at detach, whether its client is gone). */
  private readonly sessions = new Map<string, string>();

  constructor(
    private readonly reg: PubSubRegistry,
    private readonly delivery: Delivery,
    /** Queues ops for the next commit; losing them to a crash only shifts when a subscription expires. */
    private readonly persist: (ops: () => PubSubStoreOp[]) => void,
  ) {}

  attached(session: PubSubSession): void {
    this.sessions.set(session.connectionId, session.clientId);
    this.mark(session.clientId, null);
  }

  /** After the delivery detached the session. A replaced connection detaches after its successor attached: the client is still here. */
  detached(connectionId: string): void {
    const clientId = this.sessions.get(connectionId);
    this.sessions.delete(connectionId);
    if (clientId !== undefined && !this.delivery.isAttached(clientId)) this.mark(clientId, new Date().toISOString());
  }

  /** After memory was rebuilt from the store: the clients attached now are not away. */
  reapply(): void {
    for (const clientId of new Set(this.sessions.values())) for (const s of this.reg.subsOfClient(clientId)) s.detachedAt = null;
  }

  /** Subscriptions whose client has been away longer than their topic's subscriptionTtlSeconds. */
  expired(now: number): SubState[] {
    const out: SubState[] = [];
    for (const t of this.reg.topics.values()) {
      for (const s of t.subs.values()) {
        const at = expiresAtMs(s, t.subscriptionTtlSeconds);
        if (at !== null && at <= now && !this.delivery.isAttached(s.clientId)) out.push(s);
      }
    }
    return out;
  }

  private mark(clientId: string, detachedAt: string | null): void {
    const keys: string[] = [];
    for (const s of this.reg.subsOfClient(clientId)) {
      if (s.detachedAt === detachedAt) continue;
      s.detachedAt = detachedAt;
      keys.push(s.key);
    }
    if (keys.length === 0) return;
    // Built at commit time: a subscription deleted meanwhile needs no write.
    this.persist(() => keys.filter((key) => this.reg.bySubKey.has(key)).map((key): PubSubStoreOp => ({ kind: 'setDetachedAt', key, detachedAt })));
  }
}
