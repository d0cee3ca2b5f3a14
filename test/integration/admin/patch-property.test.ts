import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelShape, SecurityPatchSchema } from '../../../protocol/admin-config';
import { TopicShape } from '../../../protocol/admin-pubsub';
import { HERE } from '../server/helpers';
import { startHarness, type Harness } from './helpers';

/**
 * PATCH changes exactly the fields it names. For every patchable resource: a random valid stored
 * resource (every field chosen, from the create schema's ranges), a random one- or multi-field
 * patch, sent through the real admin API; the GET before and after and the SQLite row before and
 * after must differ in the patched fields (and updatedAt) only. A patch the server refuses (400)
 * must change nothing at all.
 */

let h: Harness;
let db: Database.Database;
const RUNS = 30;
const rsaKeys = [0, 1].map(() => generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).publicKey);

beforeAll(async () => {
  h = await startHarness({}, {
    services: [{ name: 'thrower', module: join(HERE, 'fixtures/throwing-service.ts') }],
    security: [
      { name: 'sec-a', type: 'apikey', key: 'property-key-0001', clientIds: ['*'] },
      { name: 'sec-b', type: 'jwt', algorithm: 'HS256', secret: 'property-secret-0123456789' },
    ],
  });
  db = new Database(h.dbFile, { readonly: true, fileMustExist: true });
});
afterAll(async () => {
  db?.close();
  await h?.close();
});

let serial = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++serial}`;
const word = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,11}$/);
const pattern = fc.oneof(fc.constant('*'), word, word.map((w) => `${w}.*`), word.map((w) => `*${w}`));
const patterns = (min: number) => fc.array(pattern, { minLength: min, maxLength: 4 });

/** One arbitrary per field; the keys must be exactly the schema's, so a new field fails this test until it is covered. */
function fieldsOf<S extends Record<string, unknown>>(shape: S, fields: { [K in keyof S]: fc.Arbitrary<unknown> }): Record<string, fc.Arbitrary<unknown>> {
  expect(Object.keys(fields).sort()).toEqual(Object.keys(shape).sort());
  return fields as Record<string, fc.Arbitrary<unknown>>;
}

/** A patch of one field, or of several. */
function patchOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(fields);
  const pick = (ks: string[]) => fc.record(Object.fromEntries(ks.map((k) => [k, fields[k]!])));
  return fc.oneof(fc.constantFrom(...keys).chain((k) => pick([k])), fc.subarray(keys, { minLength: 2 }).chain(pick));
}

const without = (o: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

async function get(path: string): Promise<Record<string, unknown>> {
  const r = await h.api('GET', path);
  expect(r.status).toBe(200);
  return r.json as Record<string, unknown>;
}

describe('PATCH changes only the fields it names (admin API, SQLite)', () => {
  it('channels', async () => {
    const fields = fieldsOf(ChannelShape, {
      active: fc.boolean(),
      address: fc.constant(null).map(() => `ws://127.0.0.1:0/${unique('p')}`),
      service: fc.constantFrom('echo', 'thrower'),
      security: fc.constantFrom(null, 'sec-a', 'sec-b'),
      newTokenWaitTime: fc.integer({ min: 1, max: 3600 }),
      tokenTtl: fc.integer({ min: 1, max: 30 * 86400 }),
      pingInterval: fc.integer({ min: 1, max: 3600 }),
      pingsMissedThreshold: fc.integer({ min: 1, max: 100 }),
      maxMessageBytes: fc.integer({ min: 64, max: 64 * 1024 * 1024 }),
      allowSubscribe: patterns(0),
      allowPublish: patterns(0),
      duplicateLogin: fc.constantFrom('reject', 'replace'),
      // Disjoint ranges: any combination keeps hard ≥ soft (a PATCH that breaks it is a 400, tested elsewhere).
      maxBufferedBytes: fc.integer({ min: 1024, max: 64 * 1024 * 1024 }),
      maxBufferedBytesHard: fc.integer({ min: 64 * 1024 * 1024, max: 4 * 1024 * 1024 * 1024 }),
      maxPingsPerSecond: fc.integer({ min: 0, max: 100_000 }),
      logReceived: fc.boolean(),
      logSent: fc.boolean(),
      logMaxMessages: fc.integer({ min: 1, max: 10_000 }),
      logMaxBytes: fc.integer({ min: 16, max: 1024 * 1024 }),
      logKeepSeconds: fc.integer({ min: 0, max: 86_400 }),
    });
    const row = (name: string) => db.prepare('SELECT config, created_at, updated_at FROM channels WHERE name = ?').get(name) as { config: string; created_at: string; updated_at: string };
    await fc.assert(
      fc.asyncProperty(fc.record(fields), patchOf(fields), async (stored, patch) => {
        const name = unique('ch');
        expect((await h.api('POST', '/channels', { body: { name, ...stored } })).status).toBe(201);
        const before = await get(`/channels/${name}`);
        const rowBefore = row(name);
        const r = await h.api('PATCH', `/channels/${name}`, { body: patch });
        expect(r.status).toBe(200);
        const after = await get(`/channels/${name}`);
        expect(r.json).toEqual(after);
        // Where it listens follows active and address only.
        const derived = 'active' in patch || 'address' in patch ? ['listening', 'boundPort'] : [];
        expect(without(after, [...Object.keys(patch), 'updatedAt', ...derived])).toEqual(without(before, [...Object.keys(patch), 'updatedAt', ...derived]));
        for (const [k, v] of Object.entries(patch)) expect(after[k]).toEqual(v);
        const rowAfter = row(name);
        const [cb, ca] = [JSON.parse(rowBefore.config) as Record<string, unknown>, JSON.parse(rowAfter.config) as Record<string, unknown>];
        expect(without(ca, Object.keys(patch))).toEqual(without(cb, Object.keys(patch)));
        for (const [k, v] of Object.entries(patch)) expect(ca[k]).toEqual(v);
        expect(rowAfter.created_at).toBe(rowBefore.created_at);
        expect((await h.api('DELETE', `/channels/${name}`)).status).toBe(204);
      }),
      { numRuns: RUNS },
    );
  });

  it('security definitions', async () => {
    const text = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), minLength: min, maxLength: max });
    const common = { clientIds: patterns(1) };
    const byType = {
      basic: { username: text(1, 20), password: text(1, 40), ...common },
      apikey: { key: text(8, 40), ...common },
      jwt: {
        algorithm: fc.constantFrom('HS256', 'RS256'),
        secret: text(16, 40),
        publicKey: fc.constantFrom(...rsaKeys),
        issuer: fc.option(text(1, 30), { nil: null }),
        audience: fc.option(text(1, 30), { nil: null }),
        clientIdClaim: fc.option(fc.constantFrom('sub', 'client_id', 'azp'), { nil: null }),
        ...common,
      },
    } as const;
    // Every patchable field is covered by some type.
    expect(Object.keys(SecurityPatchSchema.shape).sort()).toEqual([...new Set(Object.values(byType).flatMap((f) => Object.keys(f)))].sort());
    const storedDef = fc.oneof(
      fc.record({ type: fc.constant('basic'), ...byType.basic }),
      fc.record({ type: fc.constant('apikey'), ...byType.apikey }),
      fc.oneof(
        fc.record({ type: fc.constant('jwt'), algorithm: fc.constant('HS256'), secret: byType.jwt.secret, issuer: byType.jwt.issuer, audience: byType.jwt.audience, clientIdClaim: byType.jwt.clientIdClaim, clientIds: common.clientIds }),
        fc.record({ type: fc.constant('jwt'), algorithm: fc.constant('RS256'), publicKey: byType.jwt.publicKey, issuer: byType.jwt.issuer, audience: byType.jwt.audience, clientIdClaim: byType.jwt.clientIdClaim, clientIds: common.clientIds }),
      ),
    );
    const withPatch = storedDef.chain((d) => fc.tuple(fc.constant(d), patchOf(byType[d.type as keyof typeof byType] as Record<string, fc.Arbitrary<unknown>>)));
    const row = (name: string) => db.prepare('SELECT type, public, secret, created_at FROM security_defs WHERE name = ?').get(name) as { type: string; public: string; secret: string; created_at: string };
    const SECRET_FIELDS = ['password', 'key', 'secret', 'publicKey'];
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(withPatch, async ([stored, patch]) => {
        const name = unique('sec');
        // The create schema has no nulls for issuer/audience: a null there means "not set".
        const createBody = { name, ...Object.fromEntries(Object.entries(stored).filter(([k, v]) => !(['issuer', 'audience'].includes(k) && v === null))) };
        const created = await h.api('POST', '/security', { body: createBody });
        expect(created.status).toBe(201);
        const before = await get(`/security/${name}`);
        const rowBefore = row(name);
        const r = await h.api('PATCH', `/security/${name}`, { body: patch });
        const after = await get(`/security/${name}`);
        const rowAfter = row(name);
        if (r.status !== 200) {
          // Refused (e.g. RS256 without a public key): nothing changed, not even updatedAt.
          expect(r.status).toBe(400);
          expect(after).toEqual(before);
          expect(rowAfter).toEqual(rowBefore);
          refused++;
        } else {
          accepted++;
          const publicKeys = Object.keys(patch).filter((k) => !SECRET_FIELDS.includes(k));
          expect(without(after, [...publicKeys, 'updatedAt'])).toEqual(without(before, [...publicKeys, 'updatedAt']));
          for (const k of publicKeys) expect(after[k] ?? null).toEqual((patch as Record<string, unknown>)[k]);
          const [pb, pa] = [JSON.parse(rowBefore.public) as Record<string, unknown>, JSON.parse(rowAfter.public) as Record<string, unknown>];
          expect(without(pa, publicKeys)).toEqual(without(pb, publicKeys));
          // The secret column changes only when a secret was sent: hashed with a fresh salt or sealed
          // with a fresh IV (so it differs even when the value is the same); a public key as sent.
          const sent = Object.keys(patch).filter((k) => SECRET_FIELDS.includes(k));
          if (sent.length === 0) expect(rowAfter.secret).toBe(rowBefore.secret);
          else if (sent.some((k) => k !== 'publicKey')) expect(rowAfter.secret).not.toBe(rowBefore.secret);
          else expect(JSON.parse(rowAfter.secret)).toEqual({ publicKey: (patch as { publicKey: string }).publicKey });
          expect([rowAfter.type, rowAfter.created_at]).toEqual([rowBefore.type, rowBefore.created_at]);
        }
        expect((await h.api('DELETE', `/security/${name}`)).status).toBe(204);
      }),
      { numRuns: RUNS },
    );
    // Both outcomes were exercised.
    expect(accepted).toBeGreaterThan(0);
    expect(refused + accepted).toBe(RUNS);
  });

  it('a key the JWT algorithm does not use is refused naming it, on create and on PATCH, and changes nothing', async () => {
    const rs = await h.api('POST', '/security', { body: { name: 'rs-both', type: 'jwt', algorithm: 'RS256', publicKey: rsaKeys[0], secret: 'a'.repeat(16) } });
    expect(rs.status).toBe(400);
    expect(rs.json).toMatchObject({ error: { field: 'secret' } });
    expect((await h.api('POST', '/security', { body: { name: 'rs-one', type: 'jwt', algorithm: 'RS256', publicKey: rsaKeys[0] } })).status).toBe(201);
    const before = await get('/security/rs-one');
    const patched = await h.api('PATCH', '/security/rs-one', { body: { secret: 'b'.repeat(16), publicKey: rsaKeys[1] } });
    expect(patched.status).toBe(400);
    expect(patched.json).toMatchObject({ error: { field: 'secret' } });
    expect(await get('/security/rs-one')).toEqual(before);
    const hs = await h.api('PATCH', '/security/rs-one', { body: { algorithm: 'HS256', secret: 'c'.repeat(16), publicKey: rsaKeys[1] } });
    expect(hs.status).toBe(400);
    expect(hs.json).toMatchObject({ error: { field: 'publicKey' } });
    expect(await get('/security/rs-one')).toEqual(before);
    expect((await h.api('DELETE', '/security/rs-one')).status).toBe(204);
  });

  it('topics', async () => {
    const fields = fieldsOf(TopicShape, {
      maxDepth: fc.integer({ min: 1, max: 10_000_000 }),
      maxAgeSeconds: fc.integer({ min: 1, max: 365 * 86400 }),
      overflow: fc.constantFrom('drop-oldest', 'reject'),
      subscriptionTtlSeconds: fc.integer({ min: 1, max: 365 * 86400 }),
    });
    const column: Record<string, string> = { maxDepth: 'max_depth', maxAgeSeconds: 'max_age_seconds', overflow: 'overflow', subscriptionTtlSeconds: 'subscription_ttl_seconds' };
    const row = (name: string) => db.prepare('SELECT * FROM pubsub_topics WHERE name = ?').get(name) as Record<string, unknown>;
    await fc.assert(
      fc.asyncProperty(fc.record(fields), patchOf(fields), async (stored, patch) => {
        const name = unique('topic');
        expect((await h.api('POST', '/topics', { body: { name, ...stored } })).status).toBe(201);
        const before = await get(`/topics/${name}`);
        const rowBefore = row(name);
        const r = await h.api('PATCH', `/topics/${name}`, { body: patch });
        expect(r.status).toBe(200);
        const after = await get(`/topics/${name}`);
        expect(without(after, [...Object.keys(patch), 'updatedAt'])).toEqual(without(before, [...Object.keys(patch), 'updatedAt']));
        for (const [k, v] of Object.entries(patch)) expect(after[k]).toEqual(v);
        const cols = Object.keys(patch).map((k) => column[k]!);
        const rowAfter = row(name);
        expect(without(rowAfter, [...cols, 'updated_at'])).toEqual(without(rowBefore, [...cols, 'updated_at']));
        for (const [k, v] of Object.entries(patch)) expect(rowAfter[column[k]!]).toEqual(v);
        expect((await h.api('DELETE', `/topics/${name}`)).status).toBe(204);
      }),
      { numRuns: RUNS },
    );
  });
});
