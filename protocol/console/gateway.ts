import { z } from 'zod';
import { adminApi } from '../admin-api';
import { CloseReasonSchema, SendableCloseCodeSchema } from '../close-codes';
import { GatewayDisconnectResultSchema, GatewayRouteSchema, GatewaySessionSchema } from '../gateway';
import { IsoTime } from '../time';
import { ClusterId, ServerId } from './clusters';
import { defineCalls } from './define';

/** A routed session as a row of a cluster's merged gateway table. */
export const GatewaySessionRowSchema = GatewaySessionSchema.extend({
  /** node/id: the same session seen through two servers of a cluster is one row. */
  rowKey: z.string(),
  serverId: ServerId,
  serverUrl: z.string(),
  /** Set while no reachable server reports the row any more (the last answer is shown). */
  staleSince: IsoTime.nullable(),
});
export type GatewaySessionRow = z.infer<typeof GatewaySessionRowSchema>;

const Target = { clusterId: ClusterId, serverId: ServerId.optional() };

export const gatewayCalls = defineCalls({
  'gateway.routes': { input: z.object(Target).strict(), output: z.object({ items: z.array(GatewayRouteSchema) }) },
  /** Every server of the open cluster is asked; rows are merged by node and session id. */
  'gateway.sessions': {
    input: z.object({ clusterId: ClusterId, route: z.string().min(1).max(64).optional() }).strict(),
    output: z.object({ rows: z.array(GatewaySessionRowSchema), errors: z.array(z.object({ serverId: ServerId, message: z.string() })) }),
  },
  'gateway.disconnect': {
    input: z.object({ clusterId: ClusterId, serverId: ServerId, id: z.string().min(1).max(128), code: SendableCloseCodeSchema.default(4005), reason: CloseReasonSchema.default('closed by an administrator') }).strict(),
    output: GatewayDisconnectResultSchema,
  },
  'gateway.routes.create': { input: z.object({ ...Target, route: adminApi['gateway.routes.create'].body }).strict(), output: GatewayRouteSchema },
  'gateway.routes.update': { input: z.object({ ...Target, name: z.string().min(1).max(64), patch: adminApi['gateway.routes.update'].body }).strict(), output: GatewayRouteSchema },
});
