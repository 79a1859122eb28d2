import { safeStorage } from 'electron';
import type { SecretBox } from '../core/wallet/secret-box';

/** The part of Electron's safeStorage the box uses; tests hand in their own. */
export type SafeStorageLike = Pick<
  Electron.SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

/**
 * Which OS store would seal, or null when none really would. On Linux, `basic_text` means
 * Chromium keeps the sealing key in the clear (no keyring was found), which adds nothing over
 * the password-encrypted keystore; `unknown` means the app is not ready yet.
 */
export function osBackend(storage: SafeStorageLike, platform: NodeJS.Platform): string | null {
  if (!storage.isEncryptionAvailable()) return null;
  if (platform === 'darwin') return 'keychain';
  if (platform === 'win32') return 'dpapi';
  const selected = storage.getSelectedStorageBackend();
  return selected === 'basic_text' || selected === 'unknown' ? null : selected;
}

/**
 * The wallet's OS seal, backed by safeStorage. Availability is asked each time rather than once,
 * because safeStorage only answers after the app is ready, and the agent is built before that.
 */
export function safeStorageBox(given?: SafeStorageLike, platform: NodeJS.Platform = process.platform): SecretBox {
  // Looked up on use, not here: nothing touches safeStorage until a wallet is written or read.
  const storage: SafeStorageLike = {
    isEncryptionAvailable: () => (given ?? safeStorage).isEncryptionAvailable(),
    getSelectedStorageBackend: () => (given ?? safeStorage).getSelectedStorageBackend(),
    encryptString: (text) => (given ?? safeStorage).encryptString(text),
    decryptString: (data) => (given ?? safeStorage).decryptString(data),
  };
  return {
    get available() {
      return osBackend(storage, platform) !== null;
    },
    get backend() {
      return osBackend(storage, platform) ?? 'none';
    },
    // safeStorage seals strings; base64 keeps any bytes intact through it. Both refuse without a
    // real OS store, so a clear-text Chromium key is never used even if a caller forgets to ask.
    encrypt: (plain) => {
      requireBackend(storage, platform);
      return storage.encryptString(plain.toString('base64'));
    },
    decrypt: (sealed) => {
      requireBackend(storage, platform);
      return Buffer.from(storage.decryptString(sealed), 'base64');
    },
  };
}

function requireBackend(storage: SafeStorageLike, platform: NodeJS.Platform): void {
  if (osBackend(storage, platform) === null) throw new Error('No OS keychain is available to seal the wallet.');
}
