import type { Db } from './sqlite/db';
import { CHANNEL_DEFAULTS, type ChannelConfig } from '../../protocol/admin-config';
import type { AuditEntry, AuditFilter } from '../../protocol/admin-audit';

/** One page of the audit log, newest first: id < before, every filter given must hold. */
export type AuditListQuery = { limit: number; before?: number } & { [K in keyof AuditFilter]?: NonNullable<AuditFilter[K]> };

export interface StoredChannel {
  config: ChannelConfig;
  createdAt: string;
  updatedAt: string;
}

export interface StoredSecurity {
  name: string;
  type: 'basic' | 'apikey' | 'jwt';
  /** Safe to return: username, algorithm, issuer, audience and the client ID rule. */
  public: {
    username?: string;
    algorithm?: string;
    issuer?: string;
    audience?: string;
    /** Client ID patterns the credential may claim (missing only in rows stored before claim rules). */
    clientIds?: string[];
    /** jwt: the claim that must equal the client ID; null for none. */
    clientIdClaim?: string | null;
  };
  /**
   * Never returned: `passwordHash` (scrypt), `keyHash` (HMAC-SHA256), `publicKey` (RS256, public
   * anyway) and `secret` (HS256), which the store holds sealed (SecretBox) and memory opened.
   */
  secret: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export type AuditInput = Omit<AuditEntry, 'id' | 'at'> & { at?: string };

/** How much of the audit log is kept (server config `audit`). */
export interface AuditRetention {
  /** Rows kept at most; the oldest go first. */
  maxRows: number;
  /** Rows older than this many days are deleted; 0 keeps rows of any age. */
  maxAgeDays: number;
}

/**
 * Durable configuration: channels, security definitions and the audit log. Every write is a
 * committed SQLite transaction before the call returns. The cluster store implements the same.
 */
export interface ConfigStore {
  listChannels(): StoredChannel[];
  putChannel(c: StoredChannel): void;
  deleteChannel(name: string): boolean;
  listSecurity(): StoredSecurity[];
  putSecurity(s: StoredSecurity): void;
  deleteSecurity(name: string): boolean;
  appendAudit(entry: AuditInput): AuditEntry;
  listAudit(q: AuditListQuery): AuditEntry[];
}

interface AuditRow { id: number; at: string; actor: string; role: string; action: string; target: string | null; params: string | null; outcome: string; error: string | null }

/** How often (at most) rows past maxAgeDays are looked for: an age check per append would be waste. */
const AGE_CHECK_MS = 60_000;

export class SqliteConfigStore implements ConfigStore {
  private readonly q;
  /** Rows in the audit table, counted once at start and kept up to date by append and trim. */
  private auditRows: number;
  private nextAgeCheck = 0;

  constructor(private readonly db: Db, private readonly retention: AuditRetention = { maxRows: 100_000, maxAgeDays: 90 }) {
    this.q = {
      listChannels: db.prepare<[], { config: string; created_at: string; updated_at: string }>('SELECT config, created_at, updated_at FROM channels ORDER BY name'),
      putChannel: db.prepare('INSERT INTO channels(name, config, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at'),
      deleteChannel: db.prepare('DELETE FROM channels WHERE name = ?'),
      listSecurity: db.prepare<[], { name: string; type: string; public: string; secret: string; created_at: string; updated_at: string }>('SELECT * FROM security_defs ORDER BY name'),
      putSecurity: db.prepare('INSERT INTO security_defs(name, type, public, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET type = excluded.type, public = excluded.public, secret = excluded.secret, updated_at = excluded.updated_at'),
      deleteSecurity: db.prepare('DELETE FROM security_defs WHERE name = ?'),
      appendAudit: db.prepare('INSERT INTO audit(at, actor, role, action, target, params, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      countAudit: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM audit'),
      trimOldest: db.prepare('DELETE FROM audit WHERE id IN (SELECT id FROM audit ORDER BY id LIMIT ?)'),
      trimBefore: db.prepare('DELETE FROM audit WHERE at < ?'),
    };
    this.auditRows = this.q.countAudit.get()?.n ?? 0;
  }

  listChannels(): StoredChannel[] {
    // A row written before a field existed reads with that field's default (e.g. duplicateLogin).
    return this.q.listChannels.all().map((r) => ({ config: { ...CHANNEL_DEFAULTS, ...(JSON.parse(r.config) as ChannelConfig) }, createdAt: r.created_at, updatedAt: r.updated_at }));
  }
  putChannel(c: StoredChannel): void {
    this.q.putChannel.run(c.config.name, JSON.stringify(c.config), c.createdAt, c.updatedAt);
  }
  deleteChannel(name: string): boolean {
    return this.q.deleteChannel.run(name).changes > 0;
  }
  listSecurity(): StoredSecurity[] {
    return this.q.listSecurity.all().map((r) => ({
      name: r.name,
      type: r.type as StoredSecurity['type'],
      public: JSON.parse(r.public) as StoredSecurity['public'],
      secret: JSON.parse(r.secret) as StoredSecurity['secret'],
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }
  putSecurity(s: StoredSecurity): void {
    this.q.putSecurity.run(s.name, s.type, JSON.stringify(s.public), JSON.stringify(s.secret), s.createdAt, s.updatedAt);
  }
  deleteSecurity(name: string): boolean {
    return this.q.deleteSecurity.run(name).changes > 0;
  }
  appendAudit(e: AuditInput): AuditEntry {
    const at = e.at ?? new Date().toISOString();
    const info = this.q.appendAudit.run(at, e.actor, e.role, e.action, e.target, e.params === undefined ? null : JSON.stringify(e.params), e.outcome, e.error ? JSON.stringify(e.error) : null);
    this.auditRows++;
    this.applyRetention();
    return { ...e, id: Number(info.lastInsertRowid), at };
  }

  /**
   * Keeps the audit log within its bounds without work on every append: past maxRows the oldest
   * tenth is deleted in one statement (so the table never holds more than maxRows), and rows past
   * maxAgeDays are looked for at most once a minute. Freed pages are reused by later rows, so the
   * file stops growing once the table is at its bound.
   */
  private applyRetention(now = Date.now()): void {
    const { maxRows, maxAgeDays } = this.retention;
    if (this.auditRows > maxRows) {
      const keep = Math.max(1, Math.floor(maxRows * 0.9));
      this.auditRows -= this.q.trimOldest.run(this.auditRows - keep).changes;
    }
    if (maxAgeDays > 0 && now >= this.nextAgeCheck) {
      this.nextAgeCheck = now + AGE_CHECK_MS;
      this.auditRows -= this.q.trimBefore.run(new Date(now - maxAgeDays * 86_400_000).toISOString()).changes;
    }
  }

  /** Rows in the audit table (for tests and the retention bound). */
  auditSize(): number {
    return this.auditRows;
  }
  listAudit(q: AuditListQuery): AuditEntry[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.before !== undefined) { where.push('id < ?'); args.push(q.before); }
    if (q.action) { where.push('action = ?'); args.push(q.action); }
    if (q.actor) { where.push('actor = ?'); args.push(q.actor); }
    // instr() rather than LIKE: the operator's text is matched literally (no % or _ wildcards).
    if (q.target) { where.push('instr(target, ?) > 0'); args.push(q.target); }
    if (q.outcome) { where.push('outcome = ?'); args.push(q.outcome); }
    // Times are stored as UTC ISO strings with milliseconds, so text order is time order.
    if (q.since) { where.push('at >= ?'); args.push(q.since); }
    if (q.until) { where.push('at < ?'); args.push(q.until); }
    const sql = `SELECT * FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare<(string | number)[], AuditRow>(sql).all(...args, q.limit);
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      role: r.role as AuditEntry['role'],
      action: r.action,
      target: r.target,
      ...(r.params !== null ? { params: JSON.parse(r.params) as unknown } : {}),
      outcome: r.outcome as AuditEntry['outcome'],
      ...(r.error !== null ? { error: JSON.parse(r.error) as AuditEntry['error'] } : {}),
    }));
  }
}
