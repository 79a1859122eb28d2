import fs from 'node:fs';
import {
  HDNodeWallet,
  Mnemonic,
  Wallet,
  decryptKeystoreJson,
  encryptKeystoreJson,
  isKeystoreJson,
  type KeystoreAccount,
} from 'ethers';
import { WalletError } from './errors';
import { classifyKeystoreText, unsealKeystore, type SecretBox } from './secret-box';

/** ethers' default and our floor in production: scrypt N = 2^17. */
export const PRODUCTION_SCRYPT_N = 2 ** 17;

export interface KeystoreOptions {
  /**
   * Tests only: a lower scrypt cost so a suite does not spend seconds per key. Anything below
   * 2^17 must be asked for by name, so production code cannot lower it by accident.
   */
  insecureTestScryptN?: number;
  /** 0..1 while scrypt runs, so a UI can show progress instead of freezing. */
  onProgress?: (fraction: number) => void;
}

/** The secret a keystore holds: a private key, and the mnemonic it came from when there is one. */
export type Signer = Wallet | HDNodeWallet;

export async function encryptSigner(signer: Signer, password: string, options: KeystoreOptions = {}): Promise<string> {
  const n = options.insecureTestScryptN ?? PRODUCTION_SCRYPT_N;
  if (n < PRODUCTION_SCRYPT_N && options.insecureTestScryptN === undefined) throw new Error('scrypt N below 2^17');
  const account: KeystoreAccount = {
    address: signer.address,
    privateKey: signer.privateKey,
    ...(signer instanceof HDNodeWallet && signer.mnemonic
      ? { mnemonic: { entropy: signer.mnemonic.entropy, path: signer.path ?? undefined, locale: 'en' } }
      : {}),
  };
  return encryptKeystoreJson(account, password, { scrypt: { N: n }, progressCallback: options.onProgress });
}

/**
 * Reads and decrypts the keystore, first unsealing it with the OS box when the file is sealed.
 * The file is only ever read here: a wrong password, a missing seal or a damaged file leaves it
 * exactly as it was.
 */
export async function decryptKeystoreFile(
  file: string,
  password: string,
  onProgress?: (f: number) => void,
  box?: SecretBox,
): Promise<Signer> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new WalletError(
        'no_wallet',
        'There is no wallet on this rig yet. Create one, import one, or set a watch-only payout address.',
      );
    }
    throw err;
  }
  const kind = classifyKeystoreText(text);
  if (kind.kind === 'sealed') text = unsealKeystore(kind.file, file, box);
  else if (kind.kind === 'damaged' || !isKeystoreJson(text)) throw corrupt(file, 'it is not an encrypted wallet file');
  let account: KeystoreAccount;
  try {
    account = await decryptKeystoreJson(text, password, onProgress);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/incorrect password/i.test(message)) {
      throw new WalletError(
        'wrong_password',
        'Wrong wallet password. Try again; if it is lost, restore the wallet from its recovery words.',
      );
    }
    throw corrupt(file, 'its contents are damaged');
  }
  if (account.mnemonic?.entropy) {
    const hd = HDNodeWallet.fromMnemonic(Mnemonic.fromEntropy(account.mnemonic.entropy), account.mnemonic.path);
    if (hd.address !== account.address) throw corrupt(file, 'its recovery words do not match its key');
    return hd;
  }
  return new Wallet(account.privateKey);
}

function corrupt(file: string, why: string): WalletError {
  return new WalletError(
    'corrupt_keystore',
    `The wallet file ${file} cannot be read: ${why}. It has been left untouched. Restore the wallet from its recovery words (import) — the damaged file is moved aside, never overwritten.`,
  );
}
