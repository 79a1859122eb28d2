import { getAddress, isKeystoreJson } from 'ethers';
import { z } from 'zod';
import { Address } from '../../../shared/protocol/messages';
import { WalletError } from './errors';

/**
 * An extra seal around the password-encrypted keystore, held by the operating system (the
 * desktop app passes Electron's safeStorage: Keychain, DPAPI, libsecret or KWallet). The core
 * never imports 'electron', so it only knows this shape. A headless run has none.
 */
export interface SecretBox {
  /** False while the OS cannot seal, or only with a key stored in the clear (Linux basic_text). */
  readonly available: boolean;
  /** Which OS store seals: recorded in the file so an error can name it. */
  readonly backend: string;
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
}

/** Marks a keystore file as sealed, so a reader without the seal says so instead of failing to parse. */
export const SEALED_FORMAT = 'rigshare-os-sealed-keystore';

const SealedKeystore = z
  .object({
    format: z.literal(SEALED_FORMAT),
    version: z.literal(1),
    backend: z.string(),
    /** In the clear, as in any ethers keystore, so the address shows without unsealing. */
    address: Address,
    sealed: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
  })
  .strict();
export type SealedKeystore = z.infer<typeof SealedKeystore>;

/** What a keystore file holds: a plain ethers keystore, an OS-sealed one, or neither (damaged). */
export type KeystoreFileKind =
  { kind: 'plain'; address: string } | { kind: 'sealed'; file: SealedKeystore } | { kind: 'damaged' };

export function classifyKeystoreText(text: string): KeystoreFileKind {
  if (isKeystoreJson(text)) {
    try {
      return {
        kind: 'plain',
        address: getAddress(`0x${(JSON.parse(text) as { address: string }).address.replace(/^0x/, '')}`),
      };
    } catch {
      return { kind: 'damaged' };
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'damaged' };
  }
  const sealed = SealedKeystore.safeParse(parsed);
  return sealed.success ? { kind: 'sealed', file: sealed.data } : { kind: 'damaged' };
}

/** The box seals only when it is really backed by the OS; otherwise the keystore stays as it is. */
export function usableBox(box: SecretBox | undefined): SecretBox | null {
  return box && box.available ? box : null;
}

/** Seals an ethers keystore JSON with the box. */
export function sealKeystore(keystoreJson: string, address: string, box: SecretBox): string {
  const sealed = box.encrypt(Buffer.from(keystoreJson, 'utf8'));
  // A box that hands back its input would store the keystore under a false label.
  if (sealed.equals(Buffer.from(keystoreJson, 'utf8')))
    throw new Error('the OS secret store returned the data unsealed');
  const file: SealedKeystore = {
    format: SEALED_FORMAT,
    version: 1,
    backend: box.backend,
    address: getAddress(address),
    sealed: sealed.toString('base64'),
  };
  return JSON.stringify(file, null, 2);
}

/**
 * Opens a sealed keystore back into ethers keystore JSON. Without a working box, or when the OS
 * store refuses, the error says where the seal lives; the file is only read, never changed.
 */
export function unsealKeystore(file: SealedKeystore, path: string, box: SecretBox | undefined): string {
  const usable = usableBox(box);
  if (!usable) {
    throw new WalletError(
      'os_sealed',
      `The wallet file ${path} is protected by the desktop app's OS keychain (${file.backend}), which is not available here. Open the Rigshare desktop app on this machine to use this wallet. The file has been left untouched.`,
    );
  }
  let text: string;
  try {
    text = usable.decrypt(Buffer.from(file.sealed, 'base64')).toString('utf8');
  } catch {
    throw new WalletError(
      'os_sealed',
      `The OS keychain (${usable.backend}) could not unseal the wallet file ${path}. Unlock your keychain or sign in as the user who created the wallet, then try again; if the keychain was reset, restore the wallet from its recovery words. The file has been left untouched.`,
    );
  }
  const inner = classifyKeystoreText(text);
  if (inner.kind !== 'plain' || inner.address !== getAddress(file.address)) {
    throw new WalletError(
      'corrupt_keystore',
      `The wallet file ${path} cannot be read: its sealed contents are not the encrypted wallet of the address written on it. It has been left untouched. Restore the wallet from its recovery words (import).`,
    );
  }
  return text;
}
