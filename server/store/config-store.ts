import type { Db } from './sqlite/db';
import type { ChannelConfig } from '../../protocol/admin-config';
import type { AuditEntry } from '../../protocol/admin-audit';

export interface StoredChannel {
  config: ChannelConfig;
  createdAt: string;
  updatedAt: string;
}

export interface StoredSecurity {
  name: string;
  type: 'basic' | 'apikey' | 'jwt';
  /** Safe to return: username, algorithm, issuer, audience. */
  public: Record<string, string | undefined>;
  /** Never returned: hashes and key material. */
  secret: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export type AuditInput = Omit<AuditEntry, 'id' | 'at'> & { at?: string };

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
  listAudit(q: { limit: number; before?: number; action?: string }): AuditEntry[];
}

interface AuditRow { id: number; at: string; actor: string; role: string; action: string; target: string | null; params: string | null; outcome: string; error: string | null }

export class SqliteConfigStore implements ConfigStore {
  private readonly q;
  constructor(private readonly db: Db) {
    this.q = {
      listChannels: db.prepare<[], { config: string; created_at: string; updated_at: string }>('SELECT config, created_at, updated_at FROM channels ORDER BY name'),
      putChannel: db.prepare('INSERT INTO channels(name, config, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at'),
      deleteChannel: db.prepare('DELETE FROM channels WHERE name = ?'),
      listSecurity: db.prepare<[], { name: string; type: string; public: string; secret: string; created_at: string; updated_at: string }>('SELECT * FROM security_defs ORDER BY name'),
      putSecurity: db.prepare('INSERT INTO security_defs(name, type, public, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET type = excluded.type, public = excluded.public, secret = excluded.secret, updated_at = excluded.updated_at'),
      deleteSecurity: db.prepare('DELETE FROM security_defs WHERE name = ?'),
      appendAudit: db.prepare('INSERT INTO audit(at, actor, role, action, target, params, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    };
  }

  listChannels(): StoredChannel[] {
    return this.q.listChannels.all().map((r) => ({ config: JSON.parse(r.config) as ChannelConfig, createdAt: r.created_at, updatedAt: r.updated_at }));
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
    return { ...e, id: Number(info.lastInsertRowid), at };
  }
  listAudit(q: { limit: number; before?: number; action?: string }): AuditEntry[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.before !== undefined) { where.push('id < ?'); args.push(q.before); }
    if (q.action) { where.push('action = ?'); args.push(q.action); }
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
