import type { GatewayInstance } from '../../protocol/gateway';

/** One upstream instance of a route, with passive health: failed dials count, N in a row cool it down. */
export class Instance {
  failures = 0;
  coolDownUntil = 0;
  sessions = 0;
  sessionsTotal = 0;
  dialFailuresTotal = 0;
  constructor(
    readonly url: string,
    readonly source: 'static' | 'dynamic',
    /** Date.now() after which a dynamic instance drops out; 0 for static ones. */
    public expiresAt = 0,
  ) {}

  healthy(now: number): boolean {
    return this.coolDownUntil <= now;
  }

  toPublic(now: number): GatewayInstance {
    const iso = (t: number): string | null => (t > 0 ? new Date(t).toISOString() : null);
    return {
      url: this.url,
      source: this.source,
      expiresAt: iso(this.expiresAt),
      health: this.healthy(now) ? 'healthy' : 'cooling-down',
      failures: this.failures,
      coolDownUntil: this.coolDownUntil > now ? iso(this.coolDownUntil) : null,
      sessions: this.sessions,
      sessionsTotal: this.sessionsTotal,
      dialFailuresTotal: this.dialFailuresTotal,
    };
  }
}

export interface BalancerOptions {
  policy: 'round-robin' | 'least-sessions';
  failThreshold: number;
  coolDownMs: number;
}

/**
 * Picks the instance a new session dials. Instances cooling down are skipped; when every instance
 * is cooling down, none is picked (the client gets 503 instead of waiting on a dead upstream).
 */
export class Balancer {
  private readonly byUrl = new Map<string, Instance>();
  private next = 0;

  constructor(public options: BalancerOptions, staticUrls: readonly string[]) {
    this.setStatic(staticUrls);
  }

  /** Replaces the static instances, keeping the counters of those that stay. */
  setStatic(urls: readonly string[]): void {
    const keep = new Set(urls);
    for (const [url, inst] of this.byUrl) if (inst.source === 'static' && !keep.has(url)) this.byUrl.delete(url);
    for (const url of urls) {
      const had = this.byUrl.get(url);
      if (!had) this.byUrl.set(url, new Instance(url, 'static'));
      else if (had.source === 'dynamic') this.byUrl.set(url, Object.assign(new Instance(url, 'static'), { ...had, source: 'static', expiresAt: 0 }));
    }
  }

  /** Registers or renews a dynamic instance (a static one with the same URL stays static). */
  register(url: string, ttlMs: number, now = Date.now()): Instance {
    let inst = this.byUrl.get(url);
    if (!inst) {
      inst = new Instance(url, 'dynamic', now + ttlMs);
      this.byUrl.set(url, inst);
    } else if (inst.source === 'dynamic') {
      inst.expiresAt = now + ttlMs;
    }
    return inst;
  }

  /** Drops expired dynamic instances (their live sessions continue; they only stop being picked). */
  expire(now = Date.now()): void {
    for (const [url, inst] of this.byUrl) if (inst.source === 'dynamic' && inst.expiresAt <= now) this.byUrl.delete(url);
  }

  instances(now = Date.now()): Instance[] {
    this.expire(now);
    return [...this.byUrl.values()];
  }

  pick(now = Date.now()): Instance | null {
    const live = this.instances(now).filter((i) => i.healthy(now));
    if (live.length === 0) return null;
    if (this.options.policy === 'least-sessions') {
      let best = live[0]!;
      for (const i of live) if (i.sessions < best.sessions) best = i;
      return best;
    }
    const inst = live[this.next % live.length]!;
    this.next = (this.next + 1) % 1_000_000_007;
    return inst;
  }

  /** A dial that failed for a reason of the instance's own (unreachable, timeout), not a refusal. */
  failed(inst: Instance, now = Date.now()): void {
    inst.failures++;
    inst.dialFailuresTotal++;
    if (inst.failures >= this.options.failThreshold) {
      inst.coolDownUntil = now + this.options.coolDownMs;
      inst.failures = 0;
    }
  }

  succeeded(inst: Instance): void {
    inst.failures = 0;
    inst.coolDownUntil = 0;
  }
}
