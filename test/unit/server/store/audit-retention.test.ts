import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteConfigStore } from '../../../../server/store/config-store';
import { openDatabase, type Db } from '../../../../server/store/sqlite/db';

let dir: string;
let db: Db;
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});
const open = () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-audit-'));
  db = openDatabase(join(dir, 'switchboard.db'));
  return db;
};
const entry = (at?: string) => ({ actor: 'ops', role: 'operator' as const, action: 'channel.update', target: 'c', outcome: 'ok' as const, ...(at ? { at } : {}) });
const count = () => (db.prepare('SELECT COUNT(*) AS n FROM audit').get() as { n: number }).n;

describe('audit retention', () => {
  it('never holds more than maxRows: past it the oldest tenth goes, newest kept', () => {
    const store = new SqliteConfigStore(open(), { maxRows: 100, maxAgeDays: 0 });
    let max = 0;
    for (let i = 0; i < 1000; i++) {
      store.appendAudit(entry());
      max = Math.max(max, count());
    }
    expect(max).toBe(100);
    expect(count()).toBeGreaterThanOrEqual(90);
    expect(store.auditSize()).toBe(count());
    expect(store.listAudit({ limit: 1 })[0]!.id).toBe(1000);
    expect(Math.min(...store.listAudit({ limit: 1000 }).map((e) => e.id))).toBeGreaterThan(900);
  });

  it('deletes rows older than maxAgeDays as rows are appended, and counts rows that were there at start', () => {
    open();
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const seed = new SqliteConfigStore(db, { maxRows: 1000, maxAgeDays: 0 });
    for (let i = 0; i < 50; i++) seed.appendAudit(entry(old));
    const store = new SqliteConfigStore(db, { maxRows: 1000, maxAgeDays: 30 });
    expect(store.auditSize()).toBe(50);
    store.appendAudit(entry());
    expect(count()).toBe(1);
    expect(store.auditSize()).toBe(1);
  });
});
