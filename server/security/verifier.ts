import { importSPKI, jwtVerify, type CryptoKey, type KeyObject } from 'jose';
import type { HelloFrame } from '../../protocol/client-frames';
import type { StoredSecurity } from '../store/config-store';
import { safeEqualStrings, verifyApiKey, verifyPassword } from './hashing';

/** Checks a hello's credentials against one security definition. Built once per definition version. */
export type CredentialVerifier = (hello: HelloFrame) => Promise<boolean>;

export function buildVerifier(def: StoredSecurity): CredentialVerifier {
  switch (def.type) {
    case 'basic': {
      const username = def.public.username ?? '';
      const hash = def.secret.passwordHash ?? '';
      return async (hello) => {
        // The password is always hashed, even for a wrong username, so timing does not reveal usernames.
        const passwordOk = await verifyPassword(hello.password ?? '', hash);
        const userOk = safeEqualStrings(hello.username ?? '', username);
        return passwordOk && userOk && hello.username !== undefined;
      };
    }
    case 'apikey': {
      const hash = def.secret.keyHash ?? '';
      return async (hello) => hello.apiKey !== undefined && verifyApiKey(hello.apiKey, hash);
    }
    case 'jwt': {
      const algorithm = def.public.algorithm === 'RS256' ? 'RS256' : 'HS256';
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
      return async (hello) => {
        if (!hello.token) return false;
        try {
          await jwtVerify(hello.token, await key(), options);
          return true;
        } catch {
          return false;
        }
      };
    }
  }
}
