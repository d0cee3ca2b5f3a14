import { GATEWAY_ROUTE_DEFAULTS, type GatewayRouteConfig } from '../../protocol/gateway';
import type { Db } from '../store/sqlite/db';

export interface StoredGatewayRoute {
  config: GatewayRouteConfig;
  createdAt: string;
  updatedAt: string;
}

/** Durable gateway routes; every write is committed before the call returns. */
export interface GatewayStore {
  listRoutes(): StoredGatewayRoute[];
  putRoute(r: StoredGatewayRoute): void;
  deleteRoute(name: string): boolean;
}

export class SqliteGatewayStore implements GatewayStore {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      list: db.prepare<[], { config: string; created_at: string; updated_at: string }>('SELECT config, created_at, updated_at FROM gateway_routes ORDER BY name'),
      put: db.prepare('INSERT INTO gateway_routes(name, config, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at'),
      del: db.prepare('DELETE FROM gateway_routes WHERE name = ?'),
    };
  }

  listRoutes(): StoredGatewayRoute[] {
    // A row written before a field existed reads with that field's default.
    return this.q.list.all().map((r) => ({ config: { ...GATEWAY_ROUTE_DEFAULTS, ...(JSON.parse(r.config) as GatewayRouteConfig) }, createdAt: r.created_at, updatedAt: r.updated_at }));
  }
  putRoute(r: StoredGatewayRoute): void {
    this.q.put.run(r.config.name, JSON.stringify(r.config), r.createdAt, r.updatedAt);
  }
  deleteRoute(name: string): boolean {
    return this.q.del.run(name).changes > 0;
  }
}
