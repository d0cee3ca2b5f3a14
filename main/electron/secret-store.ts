import { safeStorage } from 'electron';
import { join } from 'node:path';
import { z } from 'zod';
import { readJson, writeJsonAtomic, WriteQueue } from '../core/json-file';
import type { SecretStore } from '../core/secret-store';

const FileSchema = z.object({ version: z.literal(1), secrets: z.record(z.string(), z.string()) });

/**
 * Tokens encrypted with Electron safeStorage (Keychain / DPAPI / libsecret or kwallet), kept as
 * base64 in a 0600 file. On Linux without a keyring safeStorage falls back to "basic_text" — a
 * hard-coded key — which describe() reports so the UI shows a warning rather than pretending.
 */
export class SafeStorageSecretStore implements SecretStore {
  private readonly path: string;
  private readonly queue = new WriteQueue();

  constructor(dataDir: string) {
    this.path = join(dataDir, 'secrets.enc.json');
  }

  static available(): boolean {
    return safeStorage.isEncryptionAvailable();
  }

  private async load(): Promise<Record<string, string>> {
    return (await readJson(this.path, FileSchema, { version: 1, secrets: {} })).secrets;
  }

  async get(key: string): Promise<string | null> {
    const enc = (await this.load())[key];
    if (enc === undefined) return null;
    try {
      return safeStorage.decryptString(Buffer.from(enc, 'base64'));
    } catch {
      // Encrypted under another OS keyring/user: unusable, treat as absent (the UI asks again).
      return null;
    }
  }

  set(key: string, value: string): Promise<void> {
    return this.queue.run(async () => {
      const secrets = await this.load();
      secrets[key] = safeStorage.encryptString(value).toString('base64');
      await writeJsonAtomic(this.path, { version: 1, secrets }, 0o600);
    });
  }

  delete(key: string): Promise<void> {
    return this.queue.run(async () => {
      const secrets = await this.load();
      if (!(key in secrets)) return;
      delete secrets[key];
      await writeJsonAtomic(this.path, { version: 1, secrets }, 0o600);
    });
  }

  describe(): { backend: string; secure: boolean; warning: string | null } {
    const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : process.platform === 'darwin' ? 'keychain' : 'dpapi';
    if (backend === 'basic_text' || backend === 'unknown') {
      return { backend, secure: false, warning: 'No OS keyring found: admin tokens are stored with a fixed key (obfuscated, not protected). Install/unlock a keyring (GNOME Keyring, KWallet) for real encryption.' };
    }
    return { backend, secure: true, warning: null };
  }
}
