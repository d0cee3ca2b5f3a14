import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from './atomic';

/**
 * Where the probe keeps secrets (auth passwords/tokens, TLS key + passphrase, proxy password).
 * CORE had no SecretStore committed when the probe landed, so this is the probe's own small
 * interface; the Electron layer can pass one backed by safeStorage through ProbeContext.secrets.
 */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Fallback store: a JSON file readable by the owner only (0600). Plain text at rest — the web host
 * and tests use it; the Electron build should inject an encrypted store.
 */
export class FileSecretStore implements SecretStore {
  private cache: Record<string, string> | null = null;
  constructor(private readonly path: string) {}

  async get(key: string): Promise<string | null> {
    return this.load()[key] ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    const all = this.load();
    all[key] = value;
    this.save(all);
  }

  async delete(key: string): Promise<void> {
    const all = this.load();
    if (!(key in all)) return;
    delete all[key];
    this.save(all);
  }

  private load(): Record<string, string> {
    if (this.cache) return this.cache;
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.path, 'utf8'));
      const out: Record<string, string> = {};
      if (parsed && typeof parsed === 'object') for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
      this.cache = out;
    } catch {
      this.cache = {};
    }
    return this.cache;
  }

  private save(all: Record<string, string>): void {
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileAtomic(this.path, JSON.stringify(all), 0o600);
    chmodSync(this.path, 0o600);
  }
}
