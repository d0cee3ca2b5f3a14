/** Cumulative counters the health sampler turns into rates (one live object per server). */
export interface ServerCounters {
  /** Hellos that ended in a welcome. */
  logins: number;
  /** Admin invokes the client answered with ok: true / ok: false. */
  invokesOk: number;
  invokesError: number;
  /** Admin invokes the client did not answer in time (SB_ERR_INVOKE_TIMEOUT). */
  invokesTimedOut: number;
  /** Admin invokes that failed otherwise (connection closed meanwhile, not ready). */
  invokesFailed: number;
}

export const newServerCounters = (): ServerCounters => ({ logins: 0, invokesOk: 0, invokesError: 0, invokesTimedOut: 0, invokesFailed: 0 });
