import { z } from 'zod';
import { FILTER_FIELDS, SORT_KEYS } from '../features/connections/connection-table';

/**
 * Table layout preferences (visible columns, widths, sort, filter field), kept per browser profile
 * in localStorage. Only the time zone is a core setting; these are view state, not worth a round trip.
 */
export const PrefsSchema = z.object({
  columns: z.array(z.string().max(64)).max(64),
  widths: z.record(z.string().max(64), z.number().int().min(20).max(2000)),
  sort: z.object({ key: z.enum(SORT_KEYS), dir: z.enum(['asc', 'desc']) }),
  filterField: z.enum(FILTER_FIELDS),
});
export type Prefs = z.infer<typeof PrefsSchema>;

export const PREFS_KEY = 'switchboard.table-prefs.v1';

/** Parses stored text; anything unreadable or outdated is ignored (defaults apply). */
export function parsePrefs(text: string | null): Prefs | null {
  if (!text) return null;
  try {
    const r = PrefsSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
