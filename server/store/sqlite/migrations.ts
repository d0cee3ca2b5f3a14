import type Database from 'better-sqlite3';

export interface Migration {
  /** Short description; the version is the position in the list (1-based). Never edit a shipped one. */
  name: string;
  up(db: Database.Database): void;
}

export const migrations: Migration[] = [
  {
    name: 'config: channels, security definitions, audit log',
    up(db) {
      db.exec(`
        CREATE TABLE channels (
          name TEXT PRIMARY KEY,
          config TEXT NOT NULL,            -- JSON ChannelConfig
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE security_defs (
          name TEXT PRIMARY KEY,
          type TEXT NOT NULL,
          public TEXT NOT NULL,            -- JSON: fields safe to return (username, algorithm, issuer, audience)
          secret TEXT NOT NULL,            -- JSON: scrypt hash / key hash / jwt key material; never returned
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE audit (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at TEXT NOT NULL,
          actor TEXT NOT NULL,
          role TEXT NOT NULL,
          action TEXT NOT NULL,
          target TEXT,
          params TEXT,
          outcome TEXT NOT NULL,
          error TEXT
        );
        CREATE INDEX audit_action ON audit(action, id);
      `);
    },
  },
  {
    name: 'pubsub: topics, per-topic message log, durable subscriptions',
    up(db) {
      db.exec(`
        CREATE TABLE pubsub_topics (
          name TEXT PRIMARY KEY,
          max_depth INTEGER NOT NULL,
          max_age_seconds INTEGER NOT NULL,
          overflow TEXT NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          head INTEGER NOT NULL,            -- last log position assigned
          published INTEGER NOT NULL,
          dropped INTEGER NOT NULL,
          rejected INTEGER NOT NULL,
          last_published_at TEXT
        );
        -- Each message is stored once per topic; subscriptions are cursors into this log.
        CREATE TABLE pubsub_messages (
          topic TEXT NOT NULL,
          pos INTEGER NOT NULL,
          published_at TEXT NOT NULL,
          data TEXT NOT NULL,               -- JSON
          PRIMARY KEY (topic, pos)
        ) WITHOUT ROWID;
        CREATE TABLE pubsub_subscriptions (
          key TEXT PRIMARY KEY,
          client_id TEXT NOT NULL,
          topic TEXT NOT NULL,
          channel TEXT NOT NULL,
          subscribed_at TEXT NOT NULL,
          base INTEGER NOT NULL,            -- seq = pos - base
          acked INTEGER NOT NULL,           -- last acknowledged (or dropped) log position
          dropped INTEGER NOT NULL,
          UNIQUE (client_id, topic)
        );
        CREATE TABLE pubsub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
    },
  },
  {
    name: 'meta: key/value flags (e.g. when the config file seeded the store)',
    up(db) {
      db.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`);
    },
  },
  {
    name: 'audit retention by age; subscription expiry (topic TTL, when the client detached)',
    up(db) {
      db.exec(`
        CREATE INDEX audit_at ON audit(at);
        ALTER TABLE pubsub_topics ADD COLUMN subscription_ttl_seconds INTEGER NOT NULL DEFAULT 604800;
        -- NULL while the client is attached (or was, when the server stopped).
        ALTER TABLE pubsub_subscriptions ADD COLUMN detached_at TEXT;
      `);
    },
  },
  {
    name: 'outgoing WebSocket connections (definitions; secrets sealed inside the JSON)',
    up(db) {
      db.exec(`
        CREATE TABLE outgoing_connections (
          name TEXT PRIMARY KEY,
          config TEXT NOT NULL,            -- JSON OutgoingConfig; passwords, tokens, keys and header values sealed
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
      `);
    },
  },
  {
    name: 'gateway: routes (listener path prefix → upstream services)',
    up(db) {
      db.exec(`
        CREATE TABLE gateway_routes (
          name TEXT PRIMARY KEY,
          config TEXT NOT NULL,            -- JSON GatewayRouteConfig (tls.key sealed)
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
      `);
    },
  },
];
