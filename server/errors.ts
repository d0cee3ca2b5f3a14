import { ErrorCode, type ErrorInfo } from '../protocol/errors';

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.Validation]: 400,
  [ErrorCode.InvalidFrame]: 400,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotPermitted]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.ChannelNotFound]: 404,
  [ErrorCode.SecurityNotFound]: 404,
  [ErrorCode.ServiceNotFound]: 404,
  [ErrorCode.ConnectionNotFound]: 404,
  [ErrorCode.TopicNotFound]: 404,
  [ErrorCode.SubscriptionNotFound]: 404,
  [ErrorCode.MethodNotAllowed]: 405,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.ChannelExists]: 409,
  [ErrorCode.ChannelAddressInUse]: 409,
  [ErrorCode.SecurityExists]: 409,
  [ErrorCode.SecurityInUse]: 409,
  [ErrorCode.TopicExists]: 409,
  [ErrorCode.ConnectionClosed]: 409,
  [ErrorCode.ConnectionNotReady]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.TooManyConnections]: 503,
  [ErrorCode.GatewayRouteNotFound]: 404,
  [ErrorCode.GatewaySessionNotFound]: 404,
  [ErrorCode.GatewayRouteExists]: 409,
  [ErrorCode.GatewaySubprotocol]: 400,
  [ErrorCode.GatewayNoInstance]: 503,
  [ErrorCode.GatewayUpstreamUnreachable]: 502,
  [ErrorCode.GatewayUpstreamTimeout]: 504,
  [ErrorCode.TopicFull]: 429,
  [ErrorCode.ServiceFailed]: 500,
  [ErrorCode.Internal]: 500,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.ClusterUnavailable]: 503,
  [ErrorCode.NodeUnreachable]: 503,
  [ErrorCode.InvokeTimeout]: 504,
  [ErrorCode.OutgoingNotFound]: 404,
  [ErrorCode.OutgoingExists]: 409,
  [ErrorCode.OutgoingNotConnected]: 409,
  [ErrorCode.OutgoingQueueFull]: 503,
  [ErrorCode.OutgoingBusy]: 503,
  [ErrorCode.OutgoingNoCorrelation]: 400,
  [ErrorCode.OutgoingClosed]: 409,
  [ErrorCode.Timeout]: 504,
};

/** The one error type the server throws on purpose. Anything else is an internal error. */
export class SbError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, opts: { field?: string; details?: unknown } = {}) {
    super(message);
    this.name = 'SbError';
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }
  get status(): number {
    return STATUS[this.code] ?? 500;
  }
  toInfo(): ErrorInfo {
    return {
      code: this.code,
      message: this.message,
      ...(this.field ? { field: this.field } : {}),
      ...(this.details !== undefined ? { details: this.details } : {}),
    };
  }
}

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof SbError) return err.toInfo();
  return { code: ErrorCode.Internal, message: err instanceof Error ? err.message : String(err) };
}

export function httpStatusOf(err: unknown): number {
  return err instanceof SbError ? err.status : 500;
}
