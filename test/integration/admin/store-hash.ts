import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

/** Tables that hold state an admin request may change (the audit log grows by design, so it is left out). */
const TABLES = ['channels', 'security_defs', 'pubsub_topics', 'pubsub_subscriptions', 'pubsub_messages', 'meta'];

/**
 * A hash of the server's durable state, read from its real SQLite file (WAL: a reader sees every
 * committed change). Equal hashes before and after a rejected request prove it changed nothing.
 */
export function storeHasher(dbFile: string): { hash(): string; close(): void } {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  const stmts = TABLES.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`));
  return {
    hash() {
      const h = createHash('sha256');
      for (const s of stmts) h.update(JSON.stringify(s.all()));
      return h.digest('hex');
    },
    close: () => db.close(),
  };
}
