import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../../../server/security/secret-box';

describe('SecretBox (AES-256-GCM for stored signing secrets)', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('seals to a tagged value that opens only in its own context, with its key', () => {
    const box = new SecretBox(k1);
    const sealed = box.seal('the secret', 'security/a/secret');
    expect(sealed).toMatch(/^sbenc:v1:[0-9a-f]{12}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('the secret');
    expect(box.seal('the secret', 'security/a/secret')).not.toBe(sealed);
    expect(box.open(sealed, 'security/a/secret')).toBe('the secret');
    expect(() => box.open(sealed, 'security/b/secret')).toThrow(/does not open/);
    expect(() => new SecretBox(k2).open(sealed, 'security/a/secret')).toThrow(/not configured/);
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(tampered, 'security/a/secret')).toThrow();
  });

  it('opens values sealed with a previous key and says they need resealing; plaintext passes through', () => {
    const old = new SecretBox(k1).seal('s', 'ctx');
    const rotated = new SecretBox(k2, [k1]);
    expect(rotated.open(old, 'ctx')).toBe('s');
    expect(rotated.needsReseal(old)).toBe(true);
    expect(rotated.needsReseal(rotated.seal('s', 'ctx'))).toBe(false);
    expect(rotated.open('legacy plaintext', 'ctx')).toBe('legacy plaintext');
    expect(rotated.needsReseal('legacy plaintext')).toBe(true);
  });
});
