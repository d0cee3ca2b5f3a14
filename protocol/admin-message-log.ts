import { z } from 'zod';
import { IsoTime } from './time';

/** Admin API: a connection's message log (the frames its channel captures, opt-in per channel). */

export const MessageLogEntrySchema = z.object({
  /** Per connection, from 1, in capture order. */
  seq: z.number().int().positive(),
  at: IsoTime,
  direction: z.enum(['received', 'sent']),
  /** Size of the whole frame in bytes (what was on the wire, before truncation). */
  bytes: z.number().int().nonnegative(),
  /** The frame's text, at most the channel's logMaxBytes (cut on a character boundary). */
  text: z.string(),
  truncated: z.boolean(),
  /** A hello whose credentials were replaced by "[redacted]" before it was kept. */
  redacted: z.boolean(),
});
export type MessageLogEntry = z.infer<typeof MessageLogEntrySchema>;

export const MessageLogQuerySchema = z.object({
  /** Entries with seq > after (oldest first); 0 = from the oldest kept. */
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
}).strict();

export const MessageLogPageSchema = z.object({
  connectionId: z.string(),
  channel: z.string(),
  /** When the connection closed; its log is kept for the channel's logKeepSeconds after that. */
  closedAt: IsoTime.nullable(),
  /** What the channel captures now. */
  capture: z.object({ received: z.boolean(), sent: z.boolean(), maxMessages: z.number().int(), maxBytes: z.number().int() }),
  items: z.array(MessageLogEntrySchema),
  /** Pass as `after` for the next page (or the next poll); the last seq returned, or `after` when none. */
  nextAfter: z.number().int().nonnegative(),
  /** Entries pushed out of the ring so far (maxMessages reached). */
  dropped: z.number().int().nonnegative(),
});
export type MessageLogPage = z.infer<typeof MessageLogPageSchema>;
