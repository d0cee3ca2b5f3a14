import { describe, expect, it } from 'vitest';
import { hashApiKey, hashPassword, safeEqualStrings, verifyApiKey, verifyPassword } from '../../../../server/security/hashing';

describe('hashing', () => {
  it('scrypt password hashes verify only the right password and are salted', async () => {
    const h1 = await hashPassword('correct horse');
    const h2 = await hashPassword('correct horse');
    expect(h1).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(h1).not.toBe(h2);
    expect(h1).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', h1)).toBe(true);
    expect(await verifyPassword('correct horsE', h1)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('api key hashes verify only the right key', () => {
    const h = hashApiKey('k-0123456789');
    expect(h).not.toContain('k-0123456789');
    expect(verifyApiKey('k-0123456789', h)).toBe(true);
    expect(verifyApiKey('k-0123456788', h)).toBe(false);
    expect(verifyApiKey('k', 'nope')).toBe(false);
  });

  it('compares strings of any lengths', () => {
    expect(safeEqualStrings('alice', 'alice')).toBe(true);
    expect(safeEqualStrings('alice', 'alice2')).toBe(false);
    expect(safeEqualStrings('', '')).toBe(true);
  });
});
