import { z } from 'zod';
import { ErrorInfoSchema } from './errors';
import { IsoTime } from './time';

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: IsoTime,
  /** Name of the admin token that acted. */
  actor: z.string(),
  role: z.enum(['viewer', 'operator']),
  /** e.g. connection.invoke, connection.disconnect, channel.create, topic.publish */
  action: z.string(),
  target: z.string().nullable(),
  /** Request parameters with secrets removed. */
  params: z.unknown().optional(),
  outcome: z.enum(['ok', 'error']),
  error: ErrorInfoSchema.optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Return entries with id < before (newest first). */
  before: z.coerce.number().int().positive().optional(),
  action: z.string().max(64).optional(),
  /** Only entries of this token name (exact). */
  actor: z.string().max(128).optional(),
  /** Only entries whose target contains this text. */
  target: z.string().max(256).optional(),
  outcome: z.enum(['ok', 'error']).optional(),
  /** Entries at or after this time. */
  since: IsoTime.optional(),
  /** Entries before this time. */
  until: IsoTime.optional(),
}).strict();
/** The filters of an audit query (everything but paging). */
export type AuditFilter = Pick<z.output<typeof AuditQuerySchema>, 'action' | 'actor' | 'target' | 'outcome' | 'since' | 'until'>;
export const AuditListSchema = z.object({ items: z.array(AuditEntrySchema), nextBefore: z.number().int().nullable() });
