import { safeStorage } from 'electron';
import { FileSecretStore, type SecretCodec } from '../core/storage/secret-store';

const safeStorageCodec: SecretCodec = {
  encode: (plain) => safeStorage.encryptString(plain).toString('base64'),
  decode: (stored) => {
    try {
      return safeStorage.decryptString(Buffer.from(stored, 'base64'));
    } catch {
      // Encrypted under another OS keyring/user: unusable, treat as absent (the UI asks again).
      return null;
    }
  },
};

/**
 * Tokens encrypted with Electron safeStorage (Keychain / DPAPI / libsecret or kwallet), kept as
 * base64 in a 0600 file. On Linux without a keyring safeStorage falls back to "basic_text" — a
 * hard-coded key — which describe() reports so the UI shows a warning rather than pretending.
 */
export class SafeStorageSecretStore extends FileSecretStore {
  constructor(dataDir: string) {
    super(dataDir, 'secrets.enc.json', safeStorageCodec);
  }

  static available(): boolean {
    return safeStorage.isEncryptionAvailable();
  }

  override describe(): { backend: string; secure: boolean; warning: string | null } {
    const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : process.platform === 'darwin' ? 'keychain' : 'dpapi';
    if (backend === 'basic_text' || backend === 'unknown') {
      return { backend, secure: false, warning: 'No OS keyring found: admin tokens are stored with a fixed key (obfuscated, not protected). Install/unlock a keyring (GNOME Keyring, KWallet) for real encryption.' };
    }
    return { backend, secure: true, warning: null };
  }
}
