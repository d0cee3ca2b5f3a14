import { SecurityCreateSchema, SecurityPatchSchema, type Security, type SecurityCreate, type SecurityPatch } from '../../protocol/admin-config';
import { ErrorCode } from '../../protocol/errors';
import { importSPKI } from 'jose';
import { parseInput } from '../validate';
import type { HelloFrame } from '../../protocol/client-frames';
import { SbError } from '../errors';
import type { EventBus } from '../event-bus';
import type { ConfigStore, StoredSecurity } from '../store/config-store';
import { hashApiKey, hashPassword } from './hashing';
import { buildVerifier, type CredentialVerifier } from './verifier';

interface Entry {
  stored: StoredSecurity;
  verify: CredentialVerifier;
}

/**
 * Security definitions: the durable store holds hashes and key material; this keeps a verifier per
 * definition in memory. Secrets go in through create/update and never come out (see toPublic).
 */
export class SecurityManager {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: ConfigStore,
    private readonly events: EventBus,
    /** Names of the channels using a definition (for usedBy and the in-use check). */
    private readonly usedBy: (name: string) => string[],
  ) {
    for (const s of store.listSecurity()) this.entries.set(s.name, { stored: s, verify: buildVerifier(s) });
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
        stored.public = { username: def.username };
        stored.secret = { passwordHash: await hashPassword(def.password) };
        break;
      case 'apikey':
        stored.secret = { keyHash: hashApiKey(def.key) };
        break;
      case 'jwt':
        stored.public = { algorithm: def.algorithm, issuer: def.issuer, audience: def.audience };
        stored.secret = def.algorithm === 'HS256' ? { secret: def.secret ?? '' } : { publicKey: def.publicKey ?? '' };
        await this.checkJwtKey(stored);
        break;
    }
    // A concurrent create of the same name may have finished while we were hashing.
    if (this.entries.has(def.name)) throw new SbError(ErrorCode.SecurityExists, `security definition "${def.name}" already exists`, { field: 'name' });
    this.store.putSecurity(stored);
    this.entries.set(stored.name, { stored, verify: buildVerifier(stored) });
    this.events.emit({ type: 'security.changed', name: stored.name });
    return this.toPublic(stored);
  }

  async update(name: string, patchInput: SecurityPatch): Promise<Security> {
    const patch = parseInput(SecurityPatchSchema, patchInput);
    const current = this.entries.get(name);
    if (!current) throw new SbError(ErrorCode.SecurityNotFound, `security definition "${name}" not found`);
    const prev = current.stored;
    const allowed: Record<StoredSecurity['type'], string[]> = {
      basic: ['username', 'password'],
      apikey: ['key'],
      jwt: ['algorithm', 'secret', 'publicKey', 'issuer', 'audience'],
    };
    for (const key of Object.keys(patch)) {
      if (!allowed[prev.type].includes(key)) throw new SbError(ErrorCode.Validation, `${key}: not a field of a ${prev.type} definition`, { field: key });
    }
    const next: StoredSecurity = { ...prev, public: { ...prev.public }, secret: { ...prev.secret }, updatedAt: new Date().toISOString() };
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
        if (patch.issuer !== undefined) next.public.issuer = patch.issuer ?? undefined;
        if (patch.audience !== undefined) next.public.audience = patch.audience ?? undefined;
        if (patch.secret !== undefined) next.secret = { secret: patch.secret };
        if (patch.publicKey !== undefined) next.secret = { publicKey: patch.publicKey };
        if (algorithm === 'HS256' && !next.secret.secret) throw new SbError(ErrorCode.Validation, 'secret: HS256 needs a secret (min 16 chars)', { field: 'secret' });
        if (algorithm === 'RS256' && !next.secret.publicKey) throw new SbError(ErrorCode.Validation, 'publicKey: RS256 needs a PEM public key', { field: 'publicKey' });
        await this.checkJwtKey(next);
        break;
      }
    }
    if (this.entries.get(name) !== current) throw new SbError(ErrorCode.Conflict, `security definition "${name}" changed concurrently; retry`);
    this.store.putSecurity(next);
    this.entries.set(name, { stored: next, verify: buildVerifier(next) });
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

  /** False when the definition is unknown: a channel never accepts a login it cannot check. */
  async verify(name: string, hello: HelloFrame): Promise<boolean> {
    const e = this.entries.get(name);
    if (!e) return false;
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
      hasSecret: Object.values(s.secret).some((v) => v.length > 0),
      usedBy: this.usedBy(s.name),
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    };
  }
}
