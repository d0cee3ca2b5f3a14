import type { AuthCounters } from '../../protocol/admin-config';
import type { HelloFrame } from '../../protocol/client-frames';
import { CloseCode } from '../../protocol/close-codes';
import type { Logger } from '../logger';
import { clientAddress, type FailureLimiter } from '../security/login-limiter';
import type { LoginVerdict } from '../security/verifier';
import type { ChannelRef } from './inbound-connection';

/** What the gate needs of a connection that is logging in (or holds a client ID). */
export interface LoginCandidate {
  readonly connectionId: string;
  readonly channel: ChannelRef;
  readonly remoteAddress: string;
  /** X-Forwarded-For as sent by a trusted proxy, else null. */
  readonly forwardedFor: string | null;
  /** Logged in and its socket still open (not closing). */
  readonly isLive: boolean;
  close(code: number, reason: string): Promise<unknown>;
}

export type LoginDecision = { ok: true } | { ok: false; code: number; reason: string };

export interface LoginGateDeps {
  verify(securityName: string, hello: HelloFrame): Promise<LoginVerdict>;
  limiter: FailureLimiter;
  counters: AuthCounters;
  /** The live connection holding a client ID, if any (Registry.holder). */
  holder(clientId: string): LoginCandidate | undefined;
  /** Cluster mode: the same client ID logged in on another node (looked up after the credentials passed). */
  remote?: RemoteHolders;
  logger: Logger;
}

/** Client IDs held on other nodes of a cluster. */
export interface RemoteHolders {
  /** A logged-in connection of `clientId` on another node; undefined when none (or the cluster cannot say). */
  holder(clientId: string): Promise<{ node: string; connectionId: string } | undefined>;
  /** Closes it on its node (4011). */
  replace(holder: { node: string; connectionId: string }): Promise<void>;
}

const OK: LoginDecision = { ok: true };

/**
 * The login rules of every channel, in order: the address's failure limit (refused before any
 * credential is checked), the channel's security definition (credentials and the client IDs they
 * may claim), then the duplicate-login policy.
 */
export class LoginGate {
  constructor(private readonly d: LoginGateDeps) {}

  async authenticate(conn: LoginCandidate, hello: HelloFrame): Promise<LoginDecision> {
    const decision = await this.checkCredentials(conn, hello);
    return decision.ok && this.d.remote ? this.claimAcrossNodes(this.d.remote, conn, hello.clientId) : decision;
  }

  /**
   * Cluster mode: the duplicate-login policy against the other nodes (the same-node check is claim()).
   * Best effort: two logins of one ID on two nodes within one registry flush can both pass.
   */
  private async claimAcrossNodes(remote: RemoteHolders, conn: LoginCandidate, clientId: string): Promise<LoginDecision> {
    const holder = await remote.holder(clientId);
    if (!holder) return OK;
    if (conn.channel.config.duplicateLogin === 'reject') {
      this.d.counters.duplicateLoginsRejected++;
      return { ok: false, code: CloseCode.DuplicateLogin, reason: `client ID already logged in on node ${holder.node} (channel duplicateLogin: reject)` };
    }
    this.d.counters.duplicateLoginsReplaced++;
    // Like the same-node replace: the old login is told to go; the new one does not wait for its close.
    void remote.replace(holder).catch((err: unknown) => this.d.logger.warn('could not replace the login on another node', { node: holder.node, connectionId: holder.connectionId, err: String(err) }));
    return OK;
  }

  private async checkCredentials(conn: LoginCandidate, hello: HelloFrame): Promise<LoginDecision> {
    const security = conn.channel.config.security;
    if (security === null) return OK;
    const address = clientAddress(conn.remoteAddress, conn.forwardedFor);
    const gate = await this.d.limiter.begin(address);
    if (!gate.ok) {
      this.d.counters.loginsRateLimited++;
      return { ok: false, code: CloseCode.LoginRateLimited, reason: `too many failed logins from this address; retry in ${Math.ceil(gate.retryAfterMs / 1000)} s` };
    }
    let verdict: LoginVerdict;
    try {
      verdict = await this.d.verify(security, hello);
    } catch (err) {
      this.d.logger.error('credential check failed', { connectionId: conn.connectionId, err: String(err) });
      verdict = { ok: false, failure: 'credentials', reason: 'authentication failed' };
    }
    if (verdict.ok) {
      gate.attempt.succeeded();
      return OK;
    }
    this.d.counters.failedLogins++;
    gate.attempt.failed({ channel: conn.channel.name, clientId: hello.clientId, failure: verdict.failure });
    return { ok: false, code: CloseCode.AuthFailed, reason: verdict.reason };
  }

  /**
   * Synchronous, right before `conn` takes the client ID, so two logins of one ID cannot both pass.
   * A holder that is already closing counts as gone.
   */
  claim(conn: LoginCandidate, clientId: string): LoginDecision {
    const holder = this.d.holder(clientId);
    if (!holder || holder === conn || !holder.isLive) return OK;
    if (conn.channel.config.duplicateLogin === 'reject') {
      this.d.counters.duplicateLoginsRejected++;
      return { ok: false, code: CloseCode.DuplicateLogin, reason: 'client ID already logged in (channel duplicateLogin: reject)' };
    }
    this.d.counters.duplicateLoginsReplaced++;
    void holder.close(CloseCode.Replaced, 'replaced by a newer login of this client ID');
    return OK;
  }
}
