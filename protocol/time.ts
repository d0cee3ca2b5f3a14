import { z } from 'zod';

/** Times travel as UTC ISO-8601 with milliseconds, e.g. 2026-11-22T10:00:00.000Z. */
export const IsoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'expected UTC ISO-8601 time with milliseconds');
export type IsoTime = z.infer<typeof IsoTime>;

export const nowIso = (): IsoTime => new Date().toISOString();
