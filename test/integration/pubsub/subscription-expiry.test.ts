import { afterEach, describe, expect, it } from 'vitest';
import type { AdminEvent } from '../../../protocol/admin-events';
import { SubscriptionListSchema } from '../../../protocol/admin-pubsub';
import { connectClient, startHarness, type Harness } from '../admin/helpers';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The first event matching `pred`, from now on. */
function nextEvent(harness: Harness, pred: (e: AdminEvent) => boolean): Promise<AdminEvent> {
  return new Promise((resolve) => {
    const off = harness.server.events.subscribe((e) => {
      if (!pred(e)) return;
      off();
      resolve(e);
    });
  });
}

describe('durable subscriptions of clients that never come back (subscriptionTtlSeconds)', () => {
  it('shows expiresAt in the admin API once the client left, then deletes the subscription with reason expired', async () => {
    h = await startHarness({}, { pubsub: { sweepIntervalMs: 100, topics: [{ name: 'jobs', subscriptionTtlSeconds: 1 }] } });
    const subs = async () => SubscriptionListSchema.parse((await h!.api('GET', '/topics/jobs/subscriptions')).json).items;
    const c = await connectClient(h.server.channelUrl('main'), 'leaver');
    c.ws.send(JSON.stringify({ type: 'subscribe', id: 1, topic: 'jobs' }));
    await c.frame((f) => f.type === 'response' && f.inReplyTo === 1);
    expect(await subs()).toEqual([expect.objectContaining({ clientId: 'leaver', expiresAt: null })]);
    await h.api('POST', '/topics/jobs/messages', { body: { data: { n: 1 } } });

    const closed = nextEvent(h, (e) => e.type === 'connection.closed' && e.clientId === 'leaver');
    const deleted = nextEvent(h, (e) => e.type === 'subscription.deleted' && e.clientId === 'leaver');
    const leftAt = Date.now();
    c.ws.close();
    await closed;
    const [sub] = await subs();
    expect(Date.parse(sub!.expiresAt!)).toBeGreaterThanOrEqual(leftAt + 1000 - 50);
    expect(sub).toMatchObject({ depth: 1 });

    expect(await deleted).toMatchObject({ type: 'subscription.deleted', topic: 'jobs', reason: 'expired', subscriptionKey: sub!.subscriptionKey });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(sub!.expiresAt!));
    expect(await subs()).toEqual([]);
    expect((await h.api('GET', '/topics/jobs')).json).toMatchObject({ subscribers: 0, depth: 0 });
  });
});
