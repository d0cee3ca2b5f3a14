import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../../protocol/admin-audit';
import { AUDIT_MAX_ROWS, auditCsv, auditQueryOf, emptyAuditFilter, isoOfInput, mergeAuditRows, type AuditRow } from '../../../../../renderer/src/features/audit/audit-slice';

const row = (serverId: string, id: number, at: string, over: Partial<AuditEntry> = {}): AuditRow => ({
  key: `${serverId}/${id}`, serverId, serverName: serverId,
  entry: { id, at, actor: 'ops', role: 'operator', action: 'topic.update', target: 'news', outcome: 'ok', ...over },
});

describe('audit helpers', () => {
  it('sends only the filters that are set, times read in the chosen zone', () => {
    expect(auditQueryOf(emptyAuditFilter(), 'utc')).toEqual({});
    expect(auditQueryOf({ ...emptyAuditFilter(), actor: ' ops ', outcome: 'error', since: '2026-01-01T10:00' }, 'utc')).toEqual({ actor: 'ops', outcome: 'error', since: '2026-01-01T10:00:00.000Z' });
    expect(isoOfInput('not a time', 'utc')).toBeNull();
  });
  it('merges servers newest first, deduplicates by server and id, and keeps at most AUDIT_MAX_ROWS', () => {
    const merged = mergeAuditRows([row('a', 1, '2026-01-01T10:00:00.000Z')], [row('b', 1, '2026-01-01T11:00:00.000Z'), row('a', 1, '2026-01-01T10:00:00.000Z')]);
    expect(merged.map((r) => r.key)).toEqual(['b/1', 'a/1']);
    const many = Array.from({ length: AUDIT_MAX_ROWS + 10 }, (_, i) => row('a', i + 1, new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString()));
    const kept = mergeAuditRows([], many);
    expect(kept).toHaveLength(AUDIT_MAX_ROWS);
    expect(kept[0]!.entry.id).toBe(AUDIT_MAX_ROWS + 10);
  });
  it('exports CSV with defused formulas and the error code', () => {
    const csv = auditCsv([row('a', 1, '2026-01-01T10:00:00.000Z', { target: '=cmd()', outcome: 'error', error: { code: 'SB_ERR_FORBIDDEN', message: 'viewer' } })]);
    const line = csv.split('\r\n')[1]!;
    expect(line).toContain("'=cmd()");
    expect(line).toContain('SB_ERR_FORBIDDEN: viewer');
  });
});
