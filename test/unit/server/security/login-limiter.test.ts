import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../server/logger';
import { clientAddress, FailureLimiter, FailureLimitSchema, limitKey } from '../../../../server/security/login-limiter';

describe('failure limits', () => {
  it('counts IPv4 (also IPv4-mapped) per address and IPv6 per /64', () => {
    expect(limitKey('203.0.113.7')).toBe('203.0.113.7');
    expect(limitKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(limitKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(limitKey('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(limitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(limitKey('::1')).toBe('0:0:0:0::/64');
  });

  it('takes the last X-Forwarded-For hop of a trusted proxy, else the peer', () => {
    expect(clientAddress('10.0.0.1', '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.1', null)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', ' , ')).toBe('10.0.0.1');
  });

  it('lets maxFailures attempts through, refuses the next ones for blockSeconds, and successes give their point back', async () => {
    const limiter = new FailureLimiter(FailureLimitSchema.parse({ maxFailures: 3, windowSeconds: 60, blockSeconds: 120 }), createLogger('silent'), 'test');
    for (let i = 0; i < 10; i++) {
      const ok = await limiter.begin('192.0.2.1');
      if (!ok.ok) throw new Error('a success must never use up the limit');
      ok.attempt.succeeded();
    }
    // In parallel: only three may be under way before one of them reported.
    const attempts = await Promise.all(Array.from({ length: 5 }, () => limiter.begin('192.0.2.2')));
    expect(attempts.map((a) => a.ok)).toEqual([true, true, true, false, false]);
    const refused = attempts[3]!;
    expect(!refused.ok && refused.retryAfterMs).toBeGreaterThan(100_000);
    expect((await limiter.begin('192.0.2.3')).ok).toBe(true);
  });

  it('counts but does not refuse when disabled', async () => {
    const limiter = new FailureLimiter(FailureLimitSchema.parse({ enabled: false, maxFailures: 1 }), createLogger('silent'), 'test');
    for (let i = 0; i < 5; i++) {
      const a = await limiter.begin('192.0.2.4');
      expect(a.ok).toBe(true);
      if (a.ok) a.attempt.failed({});
    }
  });
});
