import type { Row } from './connection-table';
import type { ColumnDef } from './columns';

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading =+-@ is defused for spreadsheets. */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The visible columns of the (filtered) rows, times as UTC ISO (the exchange format). */
export function toCsv(rows: readonly Row[], cols: readonly ColumnDef[]): string {
  const lines = [cols.map((c) => csvField(c.label)).join(',')];
  for (const r of rows) if (!r.closed) lines.push(cols.map((c) => csvField(c.value(r.c))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** Every registry field of the (filtered) rows; closed rows still fading out are left out. */
export function toJson(rows: readonly Row[]): string {
  return JSON.stringify(
    rows.filter((r) => !r.closed).map((r) => r.c),
    null,
    2,
  );
}

export function download(filename: string, mime: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
