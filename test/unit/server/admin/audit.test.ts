import { describe, expect, it } from 'vitest';
import { auditParams, MAX_AUDIT_PARAMS_CHARS, redactSecrets } from '../../../../server/admin/audit';
import { TokenAuthenticator, requireRole } from '../../../../server/admin/auth';

describe('audit params', () => {
  it('redacts secret-named keys at any depth and leaves the rest', () => {
    expect(redactSecrets({ name: 'j', secret: 's', nested: [{ Password: 'p', ok: 1 }], apiKey: 'k' })).toEqual({ name: 'j', secret: '[redacted]', nested: [{ Password: '[redacted]', ok: 1 }], apiKey: '[redacted]' });
  });

  it('keeps a "__proto__" key as data', () => {
    const out = redactSecrets(JSON.parse('{"__proto__":{"secret":"s","x":1}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ secret: '[redacted]', x: 1 });
  });

  it('truncates params larger than the bound', () => {
    const p = auditParams({ data: 'x'.repeat(MAX_AUDIT_PARAMS_CHARS * 2) }) as { truncated: boolean; preview: string };
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
