import { describe, expect, it } from 'vitest';
import { ReverseDns } from '../../../../server/connections/reverse-dns';

describe('ReverseDns', () => {
  it('shares one in-flight lookup per address, caches the answer, and never exceeds its timeout', async () => {
    const dns = new ReverseDns({ enabled: true, timeoutMs: 300, cacheTtlMs: 60_000, cacheMax: 10 });
    const t0 = Date.now();
    const a = dns.lookup('192.0.2.1');
    const b = dns.lookup('192.0.2.1');
    expect(a).toBe(b);
    const fqdn = await a;
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(fqdn === null || typeof fqdn === 'string').toBe(true);
    expect(dns.cached('192.0.2.1')).toBe(fqdn);
    dns.close();
  });

  it('answers null without looking up when disabled, and evicts the oldest entry past cacheMax', async () => {
    const off = new ReverseDns({ enabled: false, timeoutMs: 100, cacheTtlMs: 60_000, cacheMax: 1 });
    expect(await off.lookup('192.0.2.2')).toBeNull();
    expect(off.cached('192.0.2.2')).toBeUndefined();
    const on = new ReverseDns({ enabled: true, timeoutMs: 100, cacheTtlMs: 60_000, cacheMax: 1 });
    await on.lookup('192.0.2.3');
    await on.lookup('192.0.2.4');
    expect(on.cached('192.0.2.3')).toBeUndefined();
    expect(on.cached('192.0.2.4')).not.toBeUndefined();
    off.close();
    on.close();
  });
});
