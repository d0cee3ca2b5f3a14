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
];
