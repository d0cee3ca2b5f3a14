import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Where the key that encrypts stored signing secrets (JWT HS256 secrets) comes from: a file
 * (32 bytes as 64 hex digits or base64) or an environment variable holding the same text.
 */
export const KeySourceSchema = z.union([
  z.object({ file: z.string().min(1) }).strict(),
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }).strict(),
]);
export type KeySource = z.infer<typeof KeySourceSchema>;

/**
 * `secretsKey` in the server configuration. Without it the key lives in `<dataDir>/secrets.key`,
 * created (0600) on first start. Rotation: name the new key here and the old one under
 * `previous`; at start every secret is re-encrypted with the new key, after which the old one may
 * be dropped.
 */
export const SecretsKeyConfigSchema = z.union([
  z.object({ file: z.string().min(1), previous: z.array(KeySourceSchema).max(8).default([]) }).strict(),
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'), previous: z.array(KeySourceSchema).max(8).default([]) }).strict(),
]);
export type SecretsKeyConfig = z.output<typeof SecretsKeyConfigSchema>;

const PREFIX = 'sbenc:v1:';
export const DEFAULT_KEY_FILE = 'secrets.key';

export class SecretKeyError extends Error {}

function parseKey(text: string, where: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  const b = Buffer.from(t, 'base64');
  if (b.length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(t)) return b;
  throw new SecretKeyError(`${where}: a secrets key is 32 bytes written as 64 hex digits or base64`);
}

function loadKey(src: KeySource, baseDir: string): Buffer {
  if ('env' in src) {
    const v = process.env[src.env];
    if (v === undefined || v === '') throw new SecretKeyError(`secretsKey: environment variable ${src.env} is not set`);
    return parseKey(v, `secretsKey: environment variable ${src.env}`);
  }
  const file = resolve(baseDir, src.file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SecretKeyError(`secretsKey: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseKey(text, `secretsKey: ${file}`);
}

const kidOf = (key: Buffer): string => createHash('sha256').update('switchboard secrets key id').update(key).digest('hex').slice(0, 12);

/**
 * AES-256-GCM for the few stored secrets a verifier needs in plain form. Each value carries the id
 * of the key it was sealed with, and is bound (as additional data) to the field it belongs to, so a
 * ciphertext copied into another definition's row does not open.
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKid: string;

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    this.currentKid = kidOf(current);
    this.keys.set(this.currentKid, current);
    for (const k of previous) if (!this.keys.has(kidOf(k))) this.keys.set(kidOf(k), k);
  }

  /**
   * The configured key, or the default key file beside the database, created 0600 with a fresh
   * random key when it does not exist yet (a configured file or variable that is missing is an error).
   */
  static open(config: SecretsKeyConfig | undefined, opts: { configDir: string; dataDir: string }): { box: SecretBox; createdKeyFile: string | null } {
    if (config) {
      const { previous, ...current } = config;
      return { box: new SecretBox(loadKey(current, opts.configDir), previous.map((p) => loadKey(p, opts.configDir))), createdKeyFile: null };
    }
    const file = resolve(opts.dataDir, DEFAULT_KEY_FILE);
    if (existsSync(file)) {
      chmodSync(file, 0o600);
      return { box: new SecretBox(loadKey({ file }, opts.dataDir)), createdKeyFile: null };
    }
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return { box: new SecretBox(loadKey({ file }, opts.dataDir)), createdKeyFile: file };
  }

  static isSealed(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  /** The key id a sealed value names, or null for a plain (legacy) value. */
  static kidOf(value: string): string | null {
    if (!value.startsWith(PREFIX)) return null;
    return value.slice(PREFIX.length).split(':', 1)[0] ?? null;
  }

  /** True when the value was sealed with a key other than the current one. */
  needsReseal(value: string): boolean {
    return SecretBox.kidOf(value) !== this.currentKid;
  }

  seal(plain: string, context: string): string {
    const key = this.keys.get(this.currentKid)!;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `${PREFIX}${this.currentKid}:${Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64url')}`;
  }

  /** Opens a sealed value; a plain (legacy) value is returned as is so it can be sealed at start. */
  open(value: string, context: string): string {
    if (!value.startsWith(PREFIX)) return value;
    const [kid, body] = value.slice(PREFIX.length).split(':', 2) as [string, string | undefined];
    const key = this.keys.get(kid);
    if (!key) throw new SecretKeyError(`sealed with key ${kid}, which is not configured (secretsKey or secretsKey.previous)`);
    const raw = Buffer.from(body ?? '', 'base64url');
    if (raw.length < 28) throw new SecretKeyError('sealed value is truncated');
    const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    d.setAAD(Buffer.from(context, 'utf8'));
    d.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    } catch {
      throw new SecretKeyError(`sealed value does not open with key ${kid} (wrong key, or the value was altered)`);
    }
  }
}
