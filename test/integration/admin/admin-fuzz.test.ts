import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRouteList, fillPath } from '../../../protocol/admin-api';
import { ErrorBodySchema } from '../../../protocol/errors';
import { connectClient, OPERATOR, startHarness, VIEWER, type Harness, type TestClient } from './helpers';
import { storeHasher } from './store-hash';

/**
 * Generated admin requests against a real server on a real SQLite file. `npm test` runs
 * FUZZ_ADMIN_RUNS (default 5000); `npm run fuzz` runs 100,000. Each answer must be a documented
 * status with the error body, never 5xx, and a rejected request must leave the store as it was.
 */
const RUNS = Number(process.env.FUZZ_ADMIN_RUNS ?? 5000);
const DOCUMENTED = new Set([200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 429, 504]);

let h: Harness;
let client: TestClient;
let hasher: ReturnType<typeof storeHasher>;

beforeAll(async () => {
  // Thousands of 401s from one address: the failure limit (tested on its own) would answer the rest 429.
  h = await startHarness({ maxBodyBytes: 16 * 1024, authLimits: { maxFailures: 1_000_000 } });
  await h.api('POST', '/security', { body: { name: 'k', type: 'apikey', key: 'secret-api-key-1', clientIds: ['*'] } });
  await h.api('POST', '/topics', { body: { name: 'news' } });
  client = await connectClient(h.server.channelUrl('main'), 'fuzz-client');
  hasher = storeHasher(h.dbFile);
});
afterAll(async () => {
  hasher.close();
  client.ws.terminate();
  await h.close();
});

const names = fc.constantFrom('main', 'k', 'news', 'nope', 'a b', '..', '%', 'x'.repeat(300), '\u00e9t\u00e9', '__proto__');
const ids = fc.constantFrom('@client', 'missing-id', 'sub_1', '');
const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const keyName = fc.constantFrom('name', 'address', 'active', 'security', 'service', 'type', 'key', 'password', 'data', 'timeoutMs', 'code', 'reason', 'maxDepth', 'overflow', 'clientId', 'channel', 'connectionIds', 'securty', 'audiance', '__proto__', 'constructor');
const validBodies: Record<string, unknown> = {
  ChannelCreate: { name: 'fz', address: 'ws://127.0.0.1:0/fz', security: 'k' },
  ChannelPatch: { pingInterval: 20 },
  SecurityCreate: { name: 'jj', type: 'jwt', algorithm: 'HS256', secret: 'sixteen-chars-min!', issuer: 'i', audience: 'a' },
  SecurityPatch: { key: 'another-api-key-2' },
  TopicCreate: { name: 'fz.topic', maxDepth: 10 },
  TopicPatch: { overflow: 'reject' },
  InvokeRequest: { data: { q: 1 }, timeoutMs: 50 },
  DisconnectRequest: { code: 4000, reason: 'fuzz' },
  BulkDisconnectRequest: { clientId: 'nobody-here' },
  PublishRequest: { data: { n: 1 } },
};
/** A valid body of the route, mutated: a key dropped, an unknown or misspelt key, a wrong type, deep nesting. */
const mutatedBody = (bodyName: string | undefined) => {
  const base = (bodyName ? validBodies[bodyName] : undefined) ?? {};
  return fc.oneof(
    fc.constant(base),
    fc.tuple(keyName, scalar).map(([k, v]) => ({ ...(base as object), [k]: v })),
    fc.constantFrom(...Object.keys(base as object), 'x').map((k) => Object.fromEntries(Object.entries(base as object).filter(([x]) => x !== k))),
    fc.integer({ min: 10, max: 3000 }).map((depth) => ({ ...(base as object), data: JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) as unknown })),
    fc.jsonValue({ maxDepth: 3 }),
  );
};

const request = fc.constantFrom(...adminRouteList.filter((r) => !r.upgrade)).chain((route) => fc.record({
  route: fc.constant(route),
  id: ids,
  body: route.body ? mutatedBody(route.bodyName).map((v) => JSON.stringify(v)) : fc.constant(undefined),
  methodSwap: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS') }),
  token: fc.constantFrom(OPERATOR, OPERATOR, OPERATOR, VIEWER, null, 'unknown-token-unknown-token'),
  name: names,
  query: fc.oneof(fc.constant(''), fc.constantFrom('?limit=2', '?limit=-1', '?limit=abc', '?q=', '?cursor=zz', '?bogus=1', '?limit=1&limit=2', '?action=channel.create', '?before=0')),
  rawBody: fc.oneof({ weight: 1, arbitrary: fc.constantFrom('{not json', '', '[]', 'null', '"str"', '{"a":1,"a":2}') }, { weight: 6, arbitrary: fc.constant(undefined) }),
  contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/merge-patch+json'),
}));

describe('admin API under generated requests', () => {
  it(`answers ${RUNS} requests with documented statuses; rejected mutations change nothing in the store`, async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, fc.context(), async (r, ctx) => {
        const id = r.id === '@client' ? client.connectionId : r.id;
        const params: Record<string, string> = { name: r.name, id, key: r.name };
        const path = fillPath(r.route.path, params);
        const method = r.methodSwap ?? r.route.method;
        const body = r.rawBody !== undefined ? r.rawBody : r.body;
        const mutating = method !== 'GET';
        const before = mutating ? hasher.hash() : '';
        const res = await fetch(`${h.server.adminUrl!}/admin/v1${path}${r.query}`, {
          method,
          headers: { ...(r.token ? { authorization: `Bearer ${r.token}` } : {}), ...(body !== undefined ? { 'content-type': r.contentType } : {}) },
          ...(body !== undefined && method !== 'GET' && method !== 'OPTIONS' ? { body } : {}),
        });
        const text = await res.text();
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        ctx.log(`${method} ${path}${r.query} → ${res.status} ${text.slice(0, 200)}`);
        expect(DOCUMENTED.has(res.status), `status ${res.status}`).toBe(true);
        if (res.status >= 400) {
          ErrorBodySchema.parse(JSON.parse(text));
          // A reject-policy 429 counts the refusal on the topic by design; everything else changes nothing.
          if (mutating && res.status !== 429) expect(hasher.hash()).toBe(before);
        }
        if (!r.token) expect([400, 401, 404]).toContain(res.status);
      }),
      { numRuns: RUNS },
    );
    // The generator reaches deep: successes, validation errors and auth failures all occur.
    for (const s of [200, 400, 401, 403, 404]) expect(seen.get(s) ?? 0, `no ${s} answers at all`).toBeGreaterThan(0);
  }, 3_600_000);
});
