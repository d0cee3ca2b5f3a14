import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AdminRole } from '../../protocol/admin-config';
import { ErrorCode } from '../../protocol/errors';
import { SbError } from '../errors';
import type { AdminToken } from './options';

export interface Caller {
  /** The token's configured name: what the audit log records as actor. */
  name: string;
  role: AdminRole;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Resolves bearer tokens to callers. Tokens are compared as SHA-256 digests with timingSafeEqual,
 * and every configured token is compared on every lookup, so neither the length nor the position
 * of a match is observable through timing.
 */
export class TokenAuthenticator {
  private readonly entries: { digest: Buffer; caller: Caller }[];

  constructor(tokens: readonly AdminToken[]) {
    this.entries = tokens.map((t) => ({ digest: digest(t.token), caller: { name: t.name, role: t.role } }));
  }

  lookup(token: string): Caller | undefined {
    const d = digest(token);
    let found: Caller | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(d, e.digest) && !found) found = e.caller;
    }
    return found;
  }

  /**
   * Authenticates a request from `Authorization: Bearer <token>`; when allowQueryToken is set
   * (the events WebSocket only), `?access_token=` is accepted as well. Throws 401 otherwise.
   */
  authenticate(req: IncomingMessage, url: URL, allowQueryToken = false): Caller {
    const header = req.headers.authorization;
    let token: string | undefined;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw new SbError(ErrorCode.Unauthorized, 'Authorization header must be "Bearer <token>"');
      token = m[1];
    } else if (allowQueryToken) {
      token = url.searchParams.get('access_token') ?? undefined;
    }
    if (!token) throw new SbError(ErrorCode.Unauthorized, 'missing admin token (Authorization: Bearer <token>)');
    const caller = this.lookup(token);
    if (!caller) throw new SbError(ErrorCode.Unauthorized, 'unknown admin token');
    return caller;
  }
}

export function requireRole(caller: Caller, role: AdminRole): void {
  if (role === 'operator' && caller.role !== 'operator') {
    throw new SbError(ErrorCode.Forbidden, `token "${caller.name}" has role ${caller.role}; this needs operator`);
  }
}
