import { z } from 'zod';
import { adminApi } from '../admin-api';
import { Name } from '../admin-config';
import { OutgoingFrameSchema, OutgoingInvokeResultSchema, OutgoingSchema, OutgoingSendResultSchema } from '../admin-outgoing';
import { ErrorInfoSchema } from '../errors';
import { ClusterId, ServerId } from './clusters';
import { defineCalls, defineEvents } from './define';

/** Console contract: the Outgoing screen (outgoing WebSocket connections of a cluster's servers). */

const Target = { clusterId: ClusterId, serverId: ServerId.optional() };
const One = { clusterId: ClusterId, serverId: ServerId, name: Name };
const Ok = z.object({ ok: z.literal(true) });

/** One server's outgoing connection, as a row of the cluster's list. */
export const OutgoingRowSchema = z.object({ serverId: ServerId, outgoing: OutgoingSchema });
export type OutgoingRow = z.output<typeof OutgoingRowSchema>;

export const outgoingCalls = defineCalls({
  /** Every connected server's outgoing connections; servers that could not answer are listed in `errors`. */
  'outgoing.list': {
    input: z.object({ clusterId: ClusterId }).strict(),
    output: z.object({ items: z.array(OutgoingRowSchema), errors: z.array(z.object({ serverId: ServerId, error: ErrorInfoSchema })) }),
  },
  'outgoing.create': { input: z.object({ ...Target, outgoing: adminApi['outgoing.create'].body }).strict(), output: OutgoingSchema },
  'outgoing.update': { input: z.object({ ...One, patch: adminApi['outgoing.update'].body }).strict(), output: OutgoingSchema },
  'outgoing.delete': { input: z.object(One).strict(), output: Ok },
  'outgoing.send': { input: adminApi['outgoing.send'].body.extend(One).strict(), output: OutgoingSendResultSchema },
  'outgoing.invoke': {
    input: adminApi['outgoing.invoke'].body.extend(One).strict(),
    output: OutgoingInvokeResultSchema,
  },
  'outgoing.reconnect': { input: z.object(One).strict(), output: OutgoingSchema },
  'outgoing.stop': { input: z.object(One).strict(), output: OutgoingSchema },
  'outgoing.start': { input: z.object(One).strict(), output: OutgoingSchema },
  'outgoing.frames': { input: z.object(One).strict(), output: z.object({ items: z.array(OutgoingFrameSchema) }) },
});

export const OutgoingChangedSchema = z.object({ clusterId: ClusterId, serverId: ServerId, name: z.string(), outgoing: OutgoingSchema.nullable() });
export type OutgoingChanged = z.output<typeof OutgoingChangedSchema>;

export const outgoingEvents = defineEvents({
  /** An outgoing connection of a server of an open cluster changed state or counters (null: deleted). */
  'outgoing.changed': OutgoingChangedSchema,
});
