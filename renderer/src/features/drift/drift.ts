import { ChannelShape } from '../../../../protocol/admin-config';
import { TopicShape } from '../../../../protocol/admin-pubsub';

export type DriftKind = 'channel' | 'security' | 'topic';

/**
 * Fields compared per kind. A channel's `address` is left out: independent servers listen on their
 * own hosts and ports by design. Security secrets cannot be compared (they never leave a server).
 */
export const DRIFT_FIELDS: Record<DriftKind, readonly string[]> = {
  channel: Object.keys(ChannelShape).filter((k) => k !== 'address'),
  security: ['type', 'username', 'algorithm', 'issuer', 'audience', 'clientIds', 'clientIdClaim', 'hasSecret'],
  topic: Object.keys(TopicShape),
};

export interface ServerItems {
  serverId: string;
  serverName: string;
  items: readonly ({ name: string } & Record<string, unknown>)[];
}

export interface FieldDiff {
  field: string;
  value: unknown;
  reference: unknown;
}

export interface DriftRow {
  kind: DriftKind;
  name: string;
  /** The first server (profile order) that has the item: what the others are compared with. */
  referenceId: string;
  referenceName: string;
  /** Servers without the item. */
  missingOn: { serverId: string; serverName: string }[];
  /** Servers whose item differs from the reference, with the fields that differ. */
  differs: { serverId: string; serverName: string; fields: FieldDiff[] }[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Items that are missing somewhere or differ from the reference server; items equal everywhere are left out. */
export function driftOf(kind: DriftKind, lists: readonly ServerItems[]): DriftRow[] {
  const names = [...new Set(lists.flatMap((l) => l.items.map((i) => i.name)))].sort();
  const out: DriftRow[] = [];
  for (const name of names) {
    const ref = lists.find((l) => l.items.some((i) => i.name === name))!;
    const refItem = ref.items.find((i) => i.name === name)!;
    const row: DriftRow = { kind, name, referenceId: ref.serverId, referenceName: ref.serverName, missingOn: [], differs: [] };
    for (const l of lists) {
      if (l === ref) continue;
      const item = l.items.find((i) => i.name === name);
      if (!item) {
        row.missingOn.push({ serverId: l.serverId, serverName: l.serverName });
        continue;
      }
      const fields = DRIFT_FIELDS[kind].filter((f) => !same(item[f], refItem[f])).map((f) => ({ field: f, value: item[f], reference: refItem[f] }));
      if (fields.length > 0) row.differs.push({ serverId: l.serverId, serverName: l.serverName, fields });
    }
    if (row.missingOn.length > 0 || row.differs.length > 0) out.push(row);
  }
  return out;
}

const show = (v: unknown) => (v === undefined || v === null ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** "tills differs on edge-b: pingInterval 20 vs 30" */
export function driftText(row: DriftRow): string[] {
  const lines = row.differs.map((d) => `${row.name} differs on ${d.serverName}: ${d.fields.map((f) => `${f.field} ${show(f.value)} vs ${show(f.reference)}`).join(', ')}`);
  if (row.missingOn.length > 0) lines.push(`${row.name} is missing on ${row.missingOn.map((m) => m.serverName).join(', ')}`);
  return lines;
}

/** The patch that makes a differing item equal to the reference (the fields that differ, nothing else). */
export function alignPatchOf(fields: readonly FieldDiff[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => f.field !== 'hasSecret' && f.field !== 'type').map((f) => [f.field, f.reference ?? null]));
}

/** Why an item cannot be aligned automatically, or null. */
export function alignBlocked(row: DriftRow, target: { missing: boolean; fields?: readonly FieldDiff[] }): string | null {
  if (row.kind === 'security' && target.missing) return 'A security definition cannot be copied: its secret never leaves the server. Create it there with the secret.';
  if (row.kind === 'security' && target.fields?.some((f) => f.field === 'type')) return 'The type differs: delete and re-create the definition there.';
  return null;
}
