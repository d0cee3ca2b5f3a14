import { z } from 'zod';
import { IsoTime } from './time';

/**
 * One node of a cluster as GET /admin/v1/cluster/nodes shows it. `alive`: heartbeat fresh;
 * `suspect`: no heartbeat for more than two heartbeat intervals; `lost`: its heartbeat key expired
 * (nodeTtlMs) and its connections were removed from the registry.
 */
export const ClusterNodeState = z.enum(['alive', 'suspect', 'lost']);
export type ClusterNodeState = z.infer<typeof ClusterNodeState>;

export const ClusterNodeSchema = z.object({
  nodeId: z.string(),
  name: z.string(),
  /** The node's admin API base (http://host:port), null when its admin API is disabled. */
  adminUrl: z.string().nullable(),
  hostname: z.string(),
  pid: z.number().int(),
  version: z.string(),
  startedAt: IsoTime,
  heartbeatAt: IsoTime,
  connections: z.number().int(),
  /** Event-loop delay measured by the node (p99 over the last heartbeat interval), ms. */
  eventLoopLagMs: z.number(),
  state: ClusterNodeState,
  lostAt: IsoTime.nullable(),
});
export type ClusterNode = z.infer<typeof ClusterNodeSchema>;

export const ClusterNodeListSchema = z.object({
  /** `standalone`: the list holds this server alone. */
  mode: z.enum(['standalone', 'cluster']),
  /** This node's view of Redis: `degraded` while it cannot reach it (the list is then its last view). */
  state: z.enum(['healthy', 'degraded']),
  self: z.string(),
  items: z.array(ClusterNodeSchema),
});
export type ClusterNodeList = z.infer<typeof ClusterNodeListSchema>;
