import { OUTGOING_DEFAULTS, type OutgoingConfig } from '../../protocol/admin-outgoing';
import type { SecretBox } from '../security/secret-box';
import type { Db } from '../store/sqlite/db';

export interface StoredOutgoing {
  config: OutgoingConfig;
  createdAt: string;
  updatedAt: string;
}

/** Durable outgoing connection definitions; every write is committed before the call returns. */
export interface OutgoingStore {
  list(): StoredOutgoing[];
  put(o: StoredOutgoing): void;
  delete(name: string): boolean;
}

/**
 * Seals (and opens) every secret of a definition: the password, token or key of `security`, the
 * TLS client key, the proxy password and every custom header value (headers carry credentials
 * often enough that all of them are treated as one), and an address with a query string (tokens
 * travel there too). Each is bound to its name and field.
 */
export function mapSecrets(c: OutgoingConfig, f: (value: string, context: string) => string): OutgoingConfig {
  const ctx = (field: string): string => `outgoing:${c.name}:${field}`;
  const sec = c.security;
  return {
    ...c,
    address: c.address.includes('?') ? f(c.address, ctx('address')) : c.address,
    security: sec.type === 'basic' ? { ...sec, password: f(sec.password, ctx('security.password')) }
      : sec.type === 'bearer' ? { ...sec, token: f(sec.token, ctx('security.token')) }
        : sec.type === 'apikey' ? { ...sec, key: f(sec.key, ctx('security.key')) }
          : sec,
    headers: Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, f(v, ctx(`headers.${k.toLowerCase()}`))])),
    tls: c.tls && c.tls.key !== undefined ? { ...c.tls, key: f(c.tls.key, ctx('tls.key')) } : c.tls,
    proxy: c.proxy && c.proxy.password !== undefined ? { ...c.proxy, password: f(c.proxy.password, ctx('proxy.password')) } : c.proxy,
  };
}

export class SqliteOutgoingStore implements OutgoingStore {
  private readonly q;

  constructor(db: Db, private readonly box: SecretBox) {
    this.q = {
      list: db.prepare<[], { config: string; created_at: string; updated_at: string }>('SELECT config, created_at, updated_at FROM outgoing_connections ORDER BY name'),
      put: db.prepare('INSERT INTO outgoing_connections(name, config, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at'),
      delete: db.prepare('DELETE FROM outgoing_connections WHERE name = ?'),
    };
  }

  /** Definitions with their secrets opened (memory only). */
  list(): StoredOutgoing[] {
    return this.q.list.all().map((r) => ({
      // A row written before a field existed reads with that field's default.
      config: mapSecrets({ ...OUTGOING_DEFAULTS, ...(JSON.parse(r.config) as OutgoingConfig) }, (v, c) => this.box.open(v, c)),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  put(o: StoredOutgoing): void {
    const sealed = mapSecrets(o.config, (v, c) => this.box.seal(v, c));
    this.q.put.run(o.config.name, JSON.stringify(sealed), o.createdAt, o.updatedAt);
  }

  delete(name: string): boolean {
    return this.q.delete.run(name).changes > 0;
  }
}
