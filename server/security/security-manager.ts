import { SecurityCreateSchema, SecurityPatchSchema, type Security, type SecurityCreate, type SecurityPatch } from '../../protocol/admin-config';
import { ErrorCode } from '../../protocol/errors';
import { importSPKI } from 'jose';
import { parseInput } from '../validate';
import type { HelloFrame } from '../../protocol/client-frames';
import { SbError } from '../errors';
import type { EventBus } from '../event-bus';
import type { ConfigStore, StoredSecurity } from '../store/config-store';
import type { Logger } from '../logger';
import { hashApiKey, hashPassword } from './hashing';
import { SecretBox, SecretKeyError } from './secret-box';
import { buildVerifier, type CredentialVerifier, type LoginVerdict } from './verifier';

interface Entry {
  /** As the store holds it: the HS256 secret sealed. */
  stored: StoredSecurity;
  verify: CredentialVerifier;
}

export interface SecurityManagerDeps {
  store: ConfigStore;
  events: EventBus;
  /** Names of the channels using a definition (for usedBy and the in-use check). */
  usedBy(name: string): string[];
  /** Seals and opens the stored HS256 secrets. */
  box: SecretBox;
  logger: Logger;
  /** Runs a rewrite of stored secrets so that the replaced bytes do not linger in the file (SQLite: secure_delete + WAL truncate). */
  scrub?<T>(fn: () => T): T;
}

const UNKNOWN: LoginVerdict = { ok: false, failure: 'credentials', reason: 'authentication failed' };
/** The HS256 secret's sealing context: a ciphertext opens only in its own definition's row. */
const ctx = (name: string): string => `security/${name}/secret`;

/**
 * Security definitions: the durable store holds hashes, public keys and sealed HS256 secrets; this
 * keeps a verifier per definition in memory. Secrets go in through create/update and never come
 * out (see toPublic).
 */
export class SecurityManager {
  private readonly entries = new Map<string, Entry>();
  private readonly store: ConfigStore;
  private readonly events: EventBus;
  private readonly usedBy: (name: string) => string[];
  private readonly box: SecretBox;

  constructor(deps: SecurityManagerDeps) {
    this.store = deps.store;
    this.events = deps.events;
    this.usedBy = (name) => deps.usedBy(name);
    this.box = deps.box;
    const rewrite: StoredSecurity[] = [];
    for (const s of deps.store.listSecurity()) {
      let stored = s;
      if (stored.public.clientIds === undefined) {
        // Stored before claim rules: keep it working (any client ID, no JWT claim), say so, and
        // write the rule down so the admin API shows it and an operator can narrow it.
        stored = { ...stored, public: { ...stored.public, clientIds: ['*'], ...(stored.type === 'jwt' ? { clientIdClaim: null } : {}) } };
        deps.logger.warn('security definition lets its credentials claim any client ID (stored before clientIds existed); narrow clientIds', { security: stored.name });
      }
      const sealed = stored.secret.secret;
      if (sealed !== undefined && sealed !== '' && this.box.needsReseal(sealed)) {
        // Plaintext from an older version, or sealed with a previous key: seal with the current one.
        stored = { ...stored, secret: { ...stored.secret, secret: this.box.seal(this.openSecret(stored), ctx(stored.name)) } };
      }
      if (stored !== s) rewrite.push(stored);
      this.entries.set(stored.name, { stored, verify: buildVerifier(this.opened(stored)) });
    }
    if (rewrite.length > 0) {
      const write = (): void => rewrite.forEach((s) => deps.store.putSecurity(s));
      if (deps.scrub) deps.scrub(write);
      else write();
    }
  }

  private openSecret(s: StoredSecurity): string {
    try {
      return this.box.open(s.secret.secret ?? '', ctx(s.name));
    } catch (err) {
      throw new SecretKeyError(`security definition "${s.name}": ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The definition with its HS256 secret opened, for the verifier (memory only). */
  private opened(s: StoredSecurity): StoredSecurity {
    return s.secret.secret ? { ...s, secret: { ...s.secret, secret: this.openSecret(s) } } : s;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  list(): Security[] {
    return [...this.entries.values()].map((e) => this.toPublic(e.stored));
  }

  get(name: string): Security | undefined {
    const e = this.entries.get(name);
    return e ? this.toPublic(e.stored) : undefined;
  }

  async create(input: SecurityCreate): Promise<Security> {
    const def = parseInput(SecurityCreateSchema, input);
    if (this.entries.has(def.name)) throw new SbError(ErrorCode.SecurityExists, `security definition "${def.name}" already exists`, { field: 'name' });
    const now = new Date().toISOString();
    const stored: StoredSecurity = { name: def.name, type: def.type, public: {}, secret: {}, createdAt: now, updatedAt: now };
    switch (def.type) {
      case 'basic':
        stored.public = { username: def.username, clientIds: def.clientIds };
        stored.secret = { passwordHash: await hashPassword(def.password) };
        break;
      case 'apikey':
        stored.public = { clientIds: def.clientIds };
        stored.secret = { keyHash: hashApiKey(def.key) };
        break;
      case 'jwt':
        stored.public = { algorithm: def.algorithm, issuer: def.issuer, audience: def.audience, clientIdClaim: def.clientIdClaim, clientIds: def.clientIds };
        stored.secret = def.algorithm === 'HS256' ? { secret: this.box.seal(def.secret ?? '', ctx(def.name)) } : { publicKey: def.publicKey ?? '' };
        await this.checkJwtKey(stored);
        break;
    }
    // A concurrent create of the same name may have finished while we were hashing.
    if (this.entries.has(def.name)) throw new SbError(ErrorCode.SecurityExists, `security definition "${def.name}" already exists`, { field: 'name' });
    this.store.putSecurity(stored);
    this.entries.set(stored.name, { stored, verify: buildVerifier(this.opened(stored)) });
    this.events.emit({ type: 'security.changed', name: stored.name });
    return this.toPublic(stored);
  }

  async update(name: string, patchInput: SecurityPatch): Promise<Security> {
    const patch = parseInput(SecurityPatchSchema, patchInput);
    const current = this.entries.get(name);
    if (!current) throw new SbError(ErrorCode.SecurityNotFound, `security definition "${name}" not found`);
    const prev = current.stored;
    const allowed: Record<StoredSecurity['type'], string[]> = {
      basic: ['username', 'password', 'clientIds'],
      apikey: ['key', 'clientIds'],
      jwt: ['algorithm', 'secret', 'publicKey', 'issuer', 'audience', 'clientIdClaim', 'clientIds'],
    };
    for (const key of Object.keys(patch)) {
      if (!allowed[prev.type].includes(key)) throw new SbError(ErrorCode.Validation, `${key}: not a field of a ${prev.type} definition`, { field: key });
    }
    const next: StoredSecurity = { ...prev, public: { ...prev.public }, secret: { ...prev.secret }, updatedAt: new Date().toISOString() };
    if (patch.clientIds !== undefined) next.public.clientIds = patch.clientIds;
    switch (prev.type) {
      case 'basic':
        if (patch.username !== undefined) next.public.username = patch.username;
        if (patch.password !== undefined) next.secret = { passwordHash: await hashPassword(patch.password) };
        break;
      case 'apikey':
        if (patch.key !== undefined) next.secret = { keyHash: hashApiKey(patch.key) };
        break;
      case 'jwt': {
        const algorithm = patch.algorithm ?? next.public.algorithm;
        next.public.algorithm = algorithm;
        // A key the algorithm does not use would be stored and never checked (or dropped): refused.
        if (algorithm === 'RS256' && patch.secret !== undefined) throw new SbError(ErrorCode.Validation, 'secret: an RS256 definition verifies with its publicKey and has no shared secret', { field: 'secret' });
        if (algorithm === 'HS256' && patch.publicKey !== undefined) throw new SbError(ErrorCode.Validation, 'publicKey: an HS256 definition verifies with its shared secret and has no public key', { field: 'publicKey' });
        if (patch.issuer !== undefined) next.public.issuer = patch.issuer ?? undefined;
        if (patch.audience !== undefined) next.public.audience = patch.audience ?? undefined;
        if (patch.clientIdClaim !== undefined) next.public.clientIdClaim = patch.clientIdClaim;
        if (patch.secret !== undefined) next.secret = { secret: this.box.seal(patch.secret, ctx(name)) };
        if (patch.publicKey !== undefined) next.secret = { publicKey: patch.publicKey };
        if (algorithm === 'HS256' && !next.secret.secret) throw new SbError(ErrorCode.Validation, 'secret: HS256 needs a secret (min 16 chars)', { field: 'secret' });
        if (algorithm === 'RS256' && !next.secret.publicKey) throw new SbError(ErrorCode.Validation, 'publicKey: RS256 needs a PEM public key', { field: 'publicKey' });
        await this.checkJwtKey(next);
        break;
      }
    }
    if (this.entries.get(name) !== current) throw new SbError(ErrorCode.Conflict, `security definition "${name}" changed concurrently; retry`);
    this.store.putSecurity(next);
    this.entries.set(name, { stored: next, verify: buildVerifier(this.opened(next)) });
    this.events.emit({ type: 'security.changed', name });
    return this.toPublic(next);
  }

  async remove(name: string): Promise<void> {
    if (!this.entries.has(name)) throw new SbError(ErrorCode.SecurityNotFound, `security definition "${name}" not found`);
    const users = this.usedBy(name);
    if (users.length > 0) throw new SbError(ErrorCode.SecurityInUse, `security definition "${name}" is used by channel(s) ${users.join(', ')}`, { details: { usedBy: users } });
    this.store.deleteSecurity(name);
    this.entries.delete(name);
    this.events.emit({ type: 'security.changed', name });
  }

  /** The definition as stored (hashes, sealed secret), for cluster mode to share with other nodes. */
  storedRow(name: string): StoredSecurity | undefined {
    return this.entries.get(name)?.stored;
  }

  /**
   * Cluster mode: takes a definition as another node stored it (its secret sealed with the shared
   * secretsKey, so opening it here fails loudly when the keys differ), or drops it (null).
   */
  applyStored(name: string, stored: StoredSecurity | null): void {
    if (stored === null) {
      if (!this.entries.has(name)) return;
      const users = this.usedBy(name);
      if (users.length > 0) throw new SbError(ErrorCode.SecurityInUse, `security definition "${name}" is used by channel(s) ${users.join(', ')}`, { details: { usedBy: users } });
      this.store.deleteSecurity(name);
      this.entries.delete(name);
    } else {
      const entry = { stored, verify: buildVerifier(this.opened(stored)) };
      this.store.putSecurity(stored);
      this.entries.set(name, entry);
    }
    this.events.emit({ type: 'security.changed', name });
  }

  /** Refused when the definition is unknown: a channel never accepts a login it cannot check. */
  async verify(name: string, hello: HelloFrame): Promise<LoginVerdict> {
    const e = this.entries.get(name);
    if (!e) return UNKNOWN;
    return e.verify(hello);
  }

  private async checkJwtKey(s: StoredSecurity): Promise<void> {
    if (s.public.algorithm !== 'RS256') return;
    try {
      await importSPKI(s.secret.publicKey ?? '', 'RS256');
    } catch (err) {
      throw new SbError(ErrorCode.Validation, `publicKey: not a PEM (SPKI) RSA public key (${err instanceof Error ? err.message : String(err)})`, { field: 'publicKey' });
    }
  }

  private toPublic(s: StoredSecurity): Security {
    return {
      name: s.name,
      type: s.type,
      ...(s.public.username !== undefined ? { username: s.public.username } : {}),
      ...(s.public.algorithm !== undefined ? { algorithm: s.public.algorithm as 'HS256' | 'RS256' } : {}),
      ...(s.public.issuer ? { issuer: s.public.issuer } : {}),
      ...(s.public.audience ? { audience: s.public.audience } : {}),
      clientIds: s.public.clientIds ?? [],
      ...(s.type === 'jwt' ? { clientIdClaim: s.public.clientIdClaim ?? null } : {}),
      hasSecret: Object.values(s.secret).some((v) => v.length > 0),
      usedBy: this.usedBy(s.name),
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    };
  }
}
