import { importSPKI, jwtVerify, type CryptoKey, type JWTPayload, type KeyObject } from 'jose';
import { matchesAnyPattern } from '../../common/patterns';
import type { HelloFrame } from '../../protocol/client-frames';
import type { StoredSecurity } from '../store/config-store';
import { safeEqualStrings, verifyApiKey, verifyPassword } from './hashing';

/**
 * What a security definition says of a hello. `credentials`: wrong or missing credentials;
 * `client-id`: good credentials claiming a client ID they may not. The reason goes into the 4003
 * close: it names the rule, never a secret or the expected value.
 */
export type LoginVerdict = { ok: true } | { ok: false; failure: 'credentials' | 'client-id'; reason: string };

/** Checks a hello's credentials and claimed client ID against one security definition. Built once per definition version. */
export type CredentialVerifier = (hello: HelloFrame) => Promise<LoginVerdict>;

const OK: LoginVerdict = { ok: true };
const BAD_CREDENTIALS: LoginVerdict = { ok: false, failure: 'credentials', reason: 'authentication failed' };
const OUTSIDE_PATTERNS: LoginVerdict = { ok: false, failure: 'client-id', reason: "authentication failed: client ID not allowed for these credentials (security clientIds)" };

/** `def.secret.secret` (HS256) must be opened already: the store holds it sealed. */
export function buildVerifier(def: StoredSecurity): CredentialVerifier {
  // A definition stored before claim rules existed is given an explicit rule at start; [] here
  // would only arise from a corrupt row, and then nothing is allowed.
  const patterns = def.public.clientIds ?? [];
  const allowed = (clientId: string): boolean => matchesAnyPattern(patterns, clientId);
  switch (def.type) {
    case 'basic': {
      const username = def.public.username ?? '';
      const hash = def.secret.passwordHash ?? '';
      return async (hello) => {
        // The password is always hashed, even for a wrong username, so timing does not reveal usernames.
        const passwordOk = await verifyPassword(hello.password ?? '', hash);
        const userOk = safeEqualStrings(hello.username ?? '', username);
        if (!(passwordOk && userOk && hello.username !== undefined)) return BAD_CREDENTIALS;
        return allowed(hello.clientId) ? OK : OUTSIDE_PATTERNS;
      };
    }
    case 'apikey': {
      const hash = def.secret.keyHash ?? '';
      return async (hello) => {
        if (hello.apiKey === undefined || !verifyApiKey(hello.apiKey, hash)) return BAD_CREDENTIALS;
        return allowed(hello.clientId) ? OK : OUTSIDE_PATTERNS;
      };
    }
    case 'jwt': {
      const algorithm = def.public.algorithm === 'RS256' ? 'RS256' : 'HS256';
      const claim = def.public.clientIdClaim ?? null;
      let keyPromise: Promise<CryptoKey | KeyObject | Uint8Array> | undefined;
      const key = (): Promise<CryptoKey | KeyObject | Uint8Array> => {
        keyPromise ??= algorithm === 'RS256'
          ? importSPKI(def.secret.publicKey ?? '', 'RS256')
          : Promise.resolve(new TextEncoder().encode(def.secret.secret ?? ''));
        return keyPromise;
      };
      const options = {
        algorithms: [algorithm],
        ...(def.public.issuer ? { issuer: def.public.issuer } : {}),
        ...(def.public.audience ? { audience: def.public.audience } : {}),
      };
      const claimMismatch: LoginVerdict = { ok: false, failure: 'client-id', reason: `authentication failed: client ID does not match the token's ${claim ?? ''} claim` };
      return async (hello) => {
        if (!hello.token) return BAD_CREDENTIALS;
        let payload: JWTPayload;
        try {
          payload = (await jwtVerify(hello.token, await key(), options)).payload;
        } catch {
          return BAD_CREDENTIALS;
        }
        if (claim !== null) {
          const v = (payload as Record<string, unknown>)[claim];
          if (typeof v !== 'string' || !safeEqualStrings(v, hello.clientId)) return claimMismatch;
        }
        return allowed(hello.clientId) ? OK : OUTSIDE_PATTERNS;
      };
    }
  }
}
