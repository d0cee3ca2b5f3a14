import { z } from 'zod';

/**
 * The error catalogue. Every error that crosses a boundary (admin API, client protocol,
 * console contract) carries one of these codes. Documented in docs/codes.md; codes are never reused.
 */
export const ErrorCode = {
  BadRequest: 'SB_ERR_BAD_REQUEST',
  Validation: 'SB_ERR_VALIDATION',
  Unauthorized: 'SB_ERR_UNAUTHORIZED',
  Forbidden: 'SB_ERR_FORBIDDEN',
  NotFound: 'SB_ERR_NOT_FOUND',
  Conflict: 'SB_ERR_CONFLICT',
  PayloadTooLarge: 'SB_ERR_PAYLOAD_TOO_LARGE',
  Internal: 'SB_ERR_INTERNAL',
  ChannelNotFound: 'SB_ERR_CHANNEL_NOT_FOUND',
  ChannelExists: 'SB_ERR_CHANNEL_EXISTS',
  ChannelAddressInUse: 'SB_ERR_CHANNEL_ADDRESS_IN_USE',
  SecurityNotFound: 'SB_ERR_SECURITY_NOT_FOUND',
  SecurityExists: 'SB_ERR_SECURITY_EXISTS',
  SecurityInUse: 'SB_ERR_SECURITY_IN_USE',
  ServiceNotFound: 'SB_ERR_SERVICE_NOT_FOUND',
  ServiceFailed: 'SB_ERR_SERVICE_FAILED',
  ConnectionNotFound: 'SB_ERR_CONNECTION_NOT_FOUND',
  ConnectionClosed: 'SB_ERR_CONNECTION_CLOSED',
  ConnectionNotReady: 'SB_ERR_CONNECTION_NOT_READY',
  InvokeTimeout: 'SB_ERR_INVOKE_TIMEOUT',
  /** No outgoing connection of that name. */
  OutgoingNotFound: 'SB_ERR_OUTGOING_NOT_FOUND',
  OutgoingExists: 'SB_ERR_OUTGOING_EXISTS',
  /** The outgoing connection is not open (invoke), or stopped/inactive (send). */
  OutgoingNotConnected: 'SB_ERR_OUTGOING_NOT_CONNECTED',
  /** The outgoing connection's send queue (sendQueueMax) is full while it is not open. */
  OutgoingQueueFull: 'SB_ERR_OUTGOING_QUEUE_FULL',
  /** The outgoing connection already waits on maxPendingInvokes replies. */
  OutgoingBusy: 'SB_ERR_OUTGOING_BUSY',
  /** Invoke on a plain outgoing connection without a correlation, or whose request cannot carry its key. */
  OutgoingNoCorrelation: 'SB_ERR_OUTGOING_NO_CORRELATION',
  /** The outgoing connection closed while an invoke waited for its reply. */
  OutgoingClosed: 'SB_ERR_OUTGOING_CLOSED',
  TopicNotFound: 'SB_ERR_TOPIC_NOT_FOUND',
  TopicExists: 'SB_ERR_TOPIC_EXISTS',
  TopicFull: 'SB_ERR_TOPIC_FULL',
  SubscriptionNotFound: 'SB_ERR_SUBSCRIPTION_NOT_FOUND',
  NotPermitted: 'SB_ERR_NOT_PERMITTED',
  NotLoggedIn: 'SB_ERR_NOT_LOGGED_IN',
  InvalidFrame: 'SB_ERR_INVALID_FRAME',
  Unavailable: 'SB_ERR_UNAVAILABLE',
  Timeout: 'SB_ERR_TIMEOUT',
  /** Admin API: the path exists but not with this HTTP method (405, with an Allow header). */
  MethodNotAllowed: 'SB_ERR_METHOD_NOT_ALLOWED',
  /** Admin API: a request body that is not application/json (415). */
  UnsupportedMediaType: 'SB_ERR_UNSUPPORTED_MEDIA_TYPE',
  /** Too many requests or connections from one address, or too many failed logins (429). */
  RateLimited: 'SB_ERR_RATE_LIMITED',
  /** A listener is at its connection cap (503). */
  TooManyConnections: 'SB_ERR_TOO_MANY_CONNECTIONS',
  /** Admin API: no gateway route by that name (404). An upgrade no route serves is SB_ERR_NOT_FOUND. */
  GatewayRouteNotFound: 'SB_ERR_GATEWAY_ROUTE_NOT_FOUND',
  GatewayRouteExists: 'SB_ERR_GATEWAY_ROUTE_EXISTS',
  /** Gateway: the client offered none of the route's allowed subprotocols (400). */
  GatewaySubprotocol: 'SB_ERR_GATEWAY_SUBPROTOCOL',
  /** Gateway: the route has no instance to dial (none configured, or all cooling down) (503). */
  GatewayNoInstance: 'SB_ERR_GATEWAY_NO_INSTANCE',
  /** Gateway: the upstream could not be reached (refused, DNS, TLS, network, broken handshake) (502). */
  GatewayUpstreamUnreachable: 'SB_ERR_GATEWAY_UPSTREAM_UNREACHABLE',
  /** Gateway: the upstream did not complete its handshake within connectTimeoutMs (504). */
  GatewayUpstreamTimeout: 'SB_ERR_GATEWAY_UPSTREAM_TIMEOUT',
  /** Gateway: the upstream answered the upgrade with an HTTP error; the client gets the same status. */
  GatewayUpstreamRejected: 'SB_ERR_GATEWAY_UPSTREAM_REJECTED',
  /** Gateway: no routed session with this id (404). */
  GatewaySessionNotFound: 'SB_ERR_GATEWAY_SESSION_NOT_FOUND',
  /** Cluster mode: Redis cannot be reached, so an operation that needs the cluster is refused (503). */
  ClusterUnavailable: 'SB_ERR_CLUSTER_UNAVAILABLE',
  /** Cluster mode: the node owning the connection is lost or did not answer within rpcTimeoutMs (503). */
  NodeUnreachable: 'SB_ERR_NODE_UNREACHABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Error object carried in admin API bodies, client responses and console call results. */
export const ErrorInfoSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** Dotted path of the offending input field, when the error is about one field. */
  field: z.string().optional(),
  details: z.unknown().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

export const ErrorBodySchema = z.object({ error: ErrorInfoSchema });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Dotted path of one zod issue; an unknown key names the key itself (`channel.securty`). */
function issuePath(issue: z.core.$ZodIssue, prefix?: string): string {
  const parts = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) parts.push(issue.keys[0]!);
  return parts.join('.');
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.length === 1 ? 'unknown field (not part of this schema; check its spelling)' : `unknown fields ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return issue.message;
}

/** Turns a zod failure into one ErrorInfo naming the first offending field. */
export function validationError(error: z.ZodError, prefix?: string): ErrorInfo {
  const issue = error.issues[0];
  const path = issue ? issuePath(issue, prefix) : (prefix ?? '');
  const message = issue ? issueMessage(issue) : 'invalid input';
  return {
    code: ErrorCode.Validation,
    message: path ? `${path}: ${message}` : message,
    ...(path ? { field: path } : {}),
    details: error.issues.map((i) => ({ path: issuePath(i), message: issueMessage(i) })),
  };
}
