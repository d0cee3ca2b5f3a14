import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteConfigStore } from '../../../../server/store/config-store';
import { openDatabase, type Db } from '../../../../server/store/sqlite/db';

let dir: string;
let db: Db;
let store: SqliteConfigStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-audit-filter-'));
  db = openDatabase(join(dir, 'switchboard.db'));
  store = new SqliteConfigStore(db, { maxRows: 1000, maxAgeDays: 0 });
  const base = { role: 'operator' as const };
  store.appendAudit({ ...base, actor: 'alice', action: 'topic.update', target: 'orders_eu', outcome: 'ok', at: '2026-01-01T10:00:00.000Z' });
  store.appendAudit({ ...base, actor: 'bob', action: 'topic.delete', target: 'orders%us', outcome: 'error', at: '2026-01-01T11:00:00.000Z' });
  store.appendAudit({ ...base, actor: 'alice', action: 'channel.update', target: 'tills', outcome: 'ok', at: '2026-01-01T12:00:00.000Z' });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});
const targets = (q: Parameters<SqliteConfigStore['listAudit']>[0]) => store.listAudit(q).map((e) => e.target);

describe('audit filters', () => {
  it('filters by token name and outcome exactly, newest first', () => {
    expect(targets({ limit: 10, actor: 'alice' })).toEqual(['tills', 'orders_eu']);
    expect(targets({ limit: 10, outcome: 'error' })).toEqual(['orders%us']);
  });
  it('matches the target text literally: % and _ are not wildcards', () => {
    expect(targets({ limit: 10, target: 'orders' })).toEqual(['orders%us', 'orders_eu']);
    expect(targets({ limit: 10, target: '%' })).toEqual(['orders%us']);
    expect(targets({ limit: 10, target: 's_e' })).toEqual(['orders_eu']);
  });
  it('keeps since ≤ at < until and combines with paging', () => {
    expect(targets({ limit: 10, since: '2026-01-01T11:00:00.000Z', until: '2026-01-01T12:00:00.000Z' })).toEqual(['orders%us']);
    const first = store.listAudit({ limit: 1, actor: 'alice' });
    expect(targets({ limit: 10, actor: 'alice', before: first[0]!.id })).toEqual(['orders_eu']);
  });
});
