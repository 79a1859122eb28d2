import fs from 'node:fs';
import path from 'node:path';
import { Wallet } from 'ethers';

export const NODE_KEY_FILE = 'node-identity.key';

export interface NodeIdentity {
  wallet: Wallet;
  address: string;
  file: string;
  created: boolean;
}

/**
 * The node's identity key: it signs protocol logins, never holds money, and is not the payout
 * wallet. Like an SSH host key it lives unencrypted in the data dir with owner-only permissions,
 * so an unattended rig restarts without a password. It is created once: `wx` refuses to replace
 * a file that exists, so a second process racing the first reads the first one's key.
 */
export function loadOrCreateNodeKey(dataDir: string): NodeIdentity {
  const file = path.join(dataDir, NODE_KEY_FILE);
  let created = false;
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, `${Wallet.createRandom().privateKey}\n`, { flag: 'wx', mode: 0o600 });
      created = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  if (process.platform !== 'win32') {
    const mode = fs.statSync(file).mode & 0o777;
    // Tighten rather than refuse: an unattended rig must come back up, and tightening is safe.
    if (mode !== 0o600) fs.chmodSync(file, 0o600);
  }
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) {
    throw new Error(
      `The node identity key at ${file} is damaged. Move it aside and Join again: a new key is made, and the network sees this rig as a new node.`,
    );
  }
  const wallet = new Wallet(text);
  return { wallet, address: wallet.address, file, created };
}
