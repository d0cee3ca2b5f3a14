import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '../../../../protocol/errors';
import { startAdminServer, type RunningAdminServer } from '../../../../server/admin';
import { AdminConfigSchema } from '../../../../server/admin/options';
import { createStubControl, OPERATOR_TOKEN, TEST_TOKENS, VIEWER_TOKEN, type StubControl } from './stub-control';

let control: StubControl;
let admin: RunningAdminServer;
beforeAll(async () => {
  control = createStubControl();
  admin = await startAdminServer(control, { ...AdminConfigSchema.parse({ tokens: TEST_TOKENS }), version: '1.0.0' });
  await control.channels.create({ name: 'main', address: 'ws://127.0.0.1:0/main' });
  control.addConnection('c-1', 'client-1');
});
afterAll(async () => {
  await admin.close();
  control.dispose();
});

const snapshot = () => JSON.stringify([control.channels.list(), control.security.list().map((s) => s.name), control.pubsub.listTopics(), control.connections.list({ limit: 5000 })]);

const segment = fc.oneof(
  fc.constantFrom('channels', 'security', 'connections', 'topics', 'subscriptions', 'audit', 'server', 'whoami', 'main', 'c-1', 'invoke', 'disconnect', 'purge', 'messages', '%E0%A4%A', '..', ''),
  fc.string({ maxLength: 8 }).map(encodeURIComponent),
);
const body = fc.oneof(fc.constant(undefined), fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ maxLength: 40 }));

describe('admin router under arbitrary requests', () => {
  it('answers every request with a documented status and error shape; rejected requests change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(OPERATOR_TOKEN, VIEWER_TOKEN, null),
        body,
        fc.constantFrom('', '?limit=2', '?limit=-1', '?q=', '?cursor=zz'),
        async (method, segments, token, rawBody, query) => {
          const before = snapshot();
          const res = await fetch(`${admin.url}/admin/v1/${segments.join('/')}${query}`, {
            method,
            headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
            ...(rawBody !== undefined && method !== 'GET' ? { body: rawBody } : {}),
          });
          const text = await res.text();
          expect([200, 201, 204, 400, 401, 403, 404, 405, 409, 413]).toContain(res.status);
          if (res.status >= 400) {
            ErrorBodySchema.parse(JSON.parse(text));
            expect(snapshot()).toBe(before);
          }
          if (!token) expect(res.status === 401 || res.status === 404).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
