import { Resolver } from 'node:dns/promises';

export interface ReverseDnsOptions {
  enabled: boolean;
  /** Per-lookup timeout; a slow DNS server never delays anything but the fqdn field. */
  timeoutMs: number;
  /** How long an answer (including "no PTR record") is reused. */
  cacheTtlMs: number;
  /** Max cached addresses; the oldest entry is evicted first. */
  cacheMax: number;
}

/**
 * Asynchronous reverse DNS with a bounded TTL cache and in-flight de-duplication, so ten thousand
 * connections from one address cost one lookup. Uses c-ares (not getnameinfo) to stay off the
 * libuv thread pool that scrypt and fs share.
 */
export class ReverseDns {
  private readonly cache = new Map<string, { fqdn: string | null; expires: number }>();
  private readonly inFlight = new Map<string, Promise<string | null>>();
  private readonly resolver: Resolver;

  constructor(private readonly opts: ReverseDnsOptions) {
    this.resolver = new Resolver({ timeout: opts.timeoutMs, tries: 1 });
  }

  /** Cached answer, or undefined when unknown (call lookup). */
  cached(address: string): string | null | undefined {
    const hit = this.cache.get(address);
    if (!hit) return undefined;
    if (hit.expires < Date.now()) {
      this.cache.delete(address);
      return undefined;
    }
    return hit.fqdn;
  }

  lookup(address: string): Promise<string | null> {
    if (!this.opts.enabled) return Promise.resolve(null);
    const c = this.cached(address);
    if (c !== undefined) return Promise.resolve(c);
    let p = this.inFlight.get(address);
    if (p) return p;
    const timeout = new Promise<null>((resolve) => setTimeout(resolve, this.opts.timeoutMs, null).unref());
    // IPv4 clients of a dual-stack listener show up as ::ffff:a.b.c.d; their PTR is the IPv4 one.
    const ip = address.startsWith('::ffff:') ? address.slice(7) : address;
    p = Promise.race([this.resolver.reverse(ip).then((names) => names[0] ?? null, () => null), timeout]).then((fqdn) => {
      this.inFlight.delete(address);
      if (this.cache.size >= this.opts.cacheMax) {
        const oldest = this.cache.keys().next();
        if (!oldest.done) this.cache.delete(oldest.value);
      }
      this.cache.set(address, { fqdn, expires: Date.now() + this.opts.cacheTtlMs });
      return fqdn;
    });
    this.inFlight.set(address, p);
    return p;
  }

  close(): void {
    this.resolver.cancel();
  }
}
