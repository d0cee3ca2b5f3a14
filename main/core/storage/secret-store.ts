import { chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readJson, writeJsonAtomic, WriteQueue } from '../../../common/node/atomic-file';

/** Where admin tokens live. Secrets stay in the main process; the renderer only ever sees hasToken. */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** For the UI's warning banner: `secure: false` means tokens are readable by anyone with the file. */
  describe(): { backend: string; secure: boolean; warning: string | null };
}

const FileSchema = z.object({ version: z.literal(1), secrets: z.record(z.string(), z.string()) });

/** How a secret is stored in the file; decode returns null when it cannot be read back. */
export interface SecretCodec {
  encode(plain: string): string;
  decode(stored: string): string | null;
}
const PLAIN: SecretCodec = { encode: (v) => v, decode: (s) => s };

/**
 * Secrets in a JSON file only the current user can read (mode 0600) — the web host's store, and the
 * fallback when no OS keychain is available. Plain text on disk: describe() says so.
 */
export class FileSecretStore implements SecretStore {
  private readonly path: string;
  private readonly queue = new WriteQueue();

  /** `codec` turns a secret into what is written to the file and back (Electron: safeStorage). */
  constructor(dataDir: string, fileName = 'secrets.json', private readonly codec: SecretCodec = PLAIN) {
    this.path = join(dataDir, fileName);
  }

  get filePath(): string {
    return this.path;
  }

  private async load(): Promise<Record<string, string>> {
    const st = await stat(this.path).catch(() => null);
    // Someone loosened the mode: tighten it back rather than keep leaking.
    if (st && process.platform !== 'win32' && (st.mode & 0o077) !== 0) await chmod(this.path, 0o600);
    return (await readJson(this.path, FileSchema, { version: 1, secrets: {} })).secrets;
  }

  async get(key: string): Promise<string | null> {
    const stored = (await this.load())[key];
    return stored === undefined ? null : this.codec.decode(stored);
  }

  set(key: string, value: string): Promise<void> {
    return this.queue.run(async () => {
      const secrets = await this.load();
      secrets[key] = this.codec.encode(value);
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
    return { backend: 'file', secure: false, warning: `Admin tokens are stored unencrypted in ${this.path} (readable only by your user).` };
  }
}

/** In-memory secrets: for the sandbox's own tokens, which must not outlive the process. */
export class MemorySecretStore implements SecretStore {
  private readonly map = new Map<string, string>();
  async get(key: string): Promise<string | null> {
    return this.map.get(key) ?? null;
  }
  async set(key: string, value: string): Promise<void> {
    this.map.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
  describe() {
    return { backend: 'memory', secure: true, warning: null };
  }
}
