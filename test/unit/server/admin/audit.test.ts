import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { adminApi } from '../../../../protocol/admin-api';
import { REDACTED, redactBySchema, secret } from '../../../../protocol/schema-walk';
import { auditParams, MAX_AUDIT_PARAMS_CHARS } from '../../../../server/admin/audit';
import { TokenAuthenticator, requireRole } from '../../../../server/admin/auth';

describe('audit params (redaction by schema)', () => {
  it('redacts the fields a schema marks secret, in the union variant the value belongs to', () => {
    const body = adminApi['security.create'].body;
    expect(redactBySchema(body, { name: 'b', type: 'basic', username: 'u', password: 'hunter2', clientIds: ['*'] })).toEqual({ name: 'b', type: 'basic', username: 'u', password: REDACTED, clientIds: ['*'] });
    expect(redactBySchema(body, { name: 'k', type: 'apikey', key: 'k-123456789', clientIds: ['t-*'] })).toEqual({ name: 'k', type: 'apikey', key: REDACTED, clientIds: ['t-*'] });
    // A body that fails its schema (clientIds missing) is redacted by the variant its type names.
    expect(redactBySchema(body, { name: 'k', type: 'apikey', key: 'k-123456789' })).toEqual({ name: 'k', type: 'apikey', key: REDACTED });
    expect(redactBySchema(body, { name: 'j', type: 'jwt', algorithm: 'HS256', secret: 's'.repeat(20) })).toMatchObject({ secret: REDACTED });
    expect(redactBySchema(adminApi['security.update'].body, { password: 'p', username: 'u' })).toEqual({ password: REDACTED, username: 'u' });
  });

  it('keeps free-form payloads only as their size, whatever their keys are called', () => {
    const out = redactBySchema(adminApi['connections.invoke'].body, { data: { passwd: 'x', client_secret: 'y', private_key: 'z' }, timeoutMs: 10 }) as Record<string, unknown>;
    expect(out.timeoutMs).toBe(10);
    expect(out.data).toEqual({ omitted: true, jsonChars: expect.any(Number) as number });
    expect(JSON.stringify(out)).not.toMatch(/passwd|client_secret|private_key|"x"|"y"|"z"/);
  });

  it('keeps undeclared keys (of a rejected body) only as their size', () => {
    const out = redactBySchema(adminApi['channels.create'].body, { name: 'c', securty: 'sneaky-secret' }) as Record<string, unknown>;
    expect(out).toEqual({ name: 'c', securty: { omitted: true, jsonChars: 15 } });
  });

  it('keeps a "__proto__" key as data', () => {
    const schema = z.object({ a: z.unknown() });
    const out = redactBySchema(schema, JSON.parse('{"__proto__":{"secret":"s","x":1}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ omitted: true, jsonChars: 20 });
  });

  it('marks a field secret through optional/nullable wrappers', () => {
    const s = z.object({ token: secret(z.string()).optional(), other: z.string() });
    expect(redactBySchema(s, { token: 't', other: 'o' })).toEqual({ token: REDACTED, other: 'o' });
  });

  it('truncates params larger than the bound', () => {
    const schema = z.object({ data: z.array(z.number()) });
    const p = auditParams(schema, { data: Array.from({ length: MAX_AUDIT_PARAMS_CHARS }, (_, i) => i) }) as { truncated: boolean; preview: string };
    expect(p.truncated).toBe(true);
    expect(p.preview.length).toBeLessThanOrEqual(1024);
  });
});

describe('TokenAuthenticator', () => {
  const auth = new TokenAuthenticator([{ name: 'a', token: 'a'.repeat(16), role: 'operator' }, { name: 'v', token: 'v'.repeat(20), role: 'viewer' }]);
  it('finds the caller of a known token only', () => {
    expect(auth.lookup('a'.repeat(16))).toEqual({ name: 'a', role: 'operator' });
    expect(auth.lookup('v'.repeat(20))).toEqual({ name: 'v', role: 'viewer' });
    expect(auth.lookup('a'.repeat(15))).toBeUndefined();
    expect(auth.lookup('')).toBeUndefined();
  });
  it('forbids viewers operator routes', () => {
    expect(() => requireRole({ name: 'v', role: 'viewer' }, 'operator')).toThrow(/operator/);
    expect(() => requireRole({ name: 'v', role: 'viewer' }, 'viewer')).not.toThrow();
  });
});
