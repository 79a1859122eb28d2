import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Address } from '../../../shared/protocol/messages';

export const WALLET_DIR = 'wallet';
export const KEYSTORE_FILE = 'keystore.json';
export const META_FILE = 'wallet.json';

export const WalletKind = z.enum(['mnemonic', 'private-key', 'watch-only']);
export type WalletKind = z.infer<typeof WalletKind>;

/** What is safe to keep in the clear next to the keystore: never a key, never a word. */
export const WalletMeta = z
  .object({
    kind: WalletKind,
    address: Address,
    createdAt: z.number().int(),
    /** A created mnemonic must be confirmed before it may receive a payout. Imports count as backed up. */
    backupConfirmed: z.boolean(),
    /** Word positions (0-based) the user is asked to re-enter to prove the backup. */
    backupChallenge: z.array(z.number().int().min(0).max(23)).max(6),
  })
  .strict();
export type WalletMeta = z.infer<typeof WalletMeta>;

export interface WalletPaths {
  dir: string;
  keystore: string;
  meta: string;
}

export function walletPaths(dataDir: string): WalletPaths {
  const dir = path.join(dataDir, WALLET_DIR);
  return { dir, keystore: path.join(dir, KEYSTORE_FILE), meta: path.join(dir, META_FILE) };
}

/** Writes through a temporary file and a rename, so a crash leaves the old file or the new, never half. */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
