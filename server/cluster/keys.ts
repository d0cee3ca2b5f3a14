/**
 * Every Redis key and channel of one cluster. All keys carry the namespace as a hash tag, so on a
 * Redis Cluster they share one slot and multi-key scripts stay atomic. What each holds is in
 * docs/cluster.md.
 */
export function clusterKeys(namespace: string) {
  const p = `{${namespace}}:`;
  return {
    /** hash nodeId → NodeRecord JSON */
    nodes: `${p}nodes`,
    /** string with a TTL of nodeTtlMs, renewed by the node's heartbeat */
    alive: (node: string) => `${p}alive:${node}`,
    /** string NX lock: the one survivor that removes a lost node's rows */
    reap: (node: string) => `${p}reap:${node}`,
    /** hash connectionId → ConnectionInfo JSON (every node's live connections) */
    conns: `${p}conns`,
    /** sorted set (all scores 0, lexical order) of `clientId \0 connectionId`: pages and client-ID filters */
    connIndex: `${p}conn-index`,
    /** set of the connection IDs one node owns */
    connsOf: (node: string) => `${p}conns-of:${node}`,
    /** hashes name → stored row: the cluster's configuration */
    config: { channels: `${p}cfg:channels`, security: `${p}cfg:security`, topics: `${p}cfg:topics` },
    /** string: set once by the first node that wrote its configuration */
    configSeeded: `${p}cfg:seeded`,
    /** stream of cross-node publishes (topic, data, origin) */
    publish: `${p}publish`,
    /** rate-limiter-flexible keys of a cluster-wide failure limit (e.g. failed logins per address) */
    limit: (name: string) => `${p}limit:${name}`,
    /** pub/sub channel: configuration changes and lost nodes */
    bus: `${p}bus`,
    /** pub/sub channel: every node's connection events, batched (each node's event stream shows the whole cluster) */
    events: `${p}events`,
    /** pub/sub channel of one node: routed admin commands and their answers */
    rpc: (node: string) => `${p}rpc:${node}`,
  };
}
export type ClusterKeys = ReturnType<typeof clusterKeys>;

/** Index member of a connection: the registry's own order (awaiting login first, then clientId, connectionId). */
export const indexMember = (clientId: string | null, connectionId: string): string => `${clientId ?? ''}\u0000${connectionId}`;

export function parseMember(m: string): { clientId: string; connectionId: string } {
  const i = m.lastIndexOf('\u0000');
  return { clientId: m.slice(0, i), connectionId: m.slice(i + 1) };
}
