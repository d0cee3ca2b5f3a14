import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from './migrations';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the embedded SQLite store and brings its schema up to date.
 * WAL + synchronous=FULL: a transaction is on disk when commit returns, so anything we
 * acknowledge after a write survives kill -9 and power loss.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Owner only, from the first byte: create the file 0600 ourselves rather than let SQLite create
    // it under the process umask, and tighten a file an older version left readable.
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  if (file !== ':memory:') {
    // SQLite gives -wal and -shm the main file's mode; a pair left by an older version may be wider.
    for (const side of [`${file}-wal`, `${file}-shm`]) if (existsSync(side)) chmodSync(side, 0o600);
  }
  return db;
}

/**
 * Runs `fn` with secure_delete on, then checkpoints the WAL and truncates it: content that `fn`
 * overwrote or deleted (e.g. a plaintext secret being sealed) is zeroed in the database file and
 * gone from the WAL, instead of lingering in free pages.
 */
export function scrubbing<T>(db: Db, fn: () => T): T {
  const before = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  try {
    return fn();
  } finally {
    db.pragma(`secure_delete = ${before}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration newer than the database's user_version, each in its own transaction. */
export function migrate(db: Db): void {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new Error(`database schema version ${current} is newer than this server supports (${migrations.length})`);
  }
  for (let v = current; v < migrations.length; v++) {
    const m = migrations[v]!;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
