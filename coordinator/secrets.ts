import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Wallet } from 'ethers';

/**
 * Reads a secret file, or creates it once with owner-only permissions. `wx` makes creation
 * atomic, so two processes starting together agree on one value.
 */
function loadOrCreate(file: string, make: () => string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, make() + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return fs.readFileSync(file, 'utf8').trim();
}

export interface CoordinatorSecrets {
  /** Signs offers, heartbeat receipts and completion receipts. */
  signer: Wallet;
  /** HMAC key for session tokens. Instances that share it accept each other's tokens. */
  sessionKey: Uint8Array;
  /** The first customer's API token, shown by `rigshare coordinator token`. */
  customerToken: string;
  createdCustomerToken: boolean;
}

export const CUSTOMER_TOKEN_FILE = 'customer-token';

export function customerTokenPath(dataDir: string): string {
  return path.join(dataDir, CUSTOMER_TOKEN_FILE);
}

export function loadSecrets(dataDir: string, env = process.env): CoordinatorSecrets {
  const keyHex =
    env.RIGSHARE_COORDINATOR_KEY ??
    loadOrCreate(path.join(dataDir, 'coordinator.key'), () => Wallet.createRandom().privateKey);
  const sessionHex =
    env.RIGSHARE_SESSION_KEY ??
    loadOrCreate(path.join(dataDir, 'session.key'), () => crypto.randomBytes(32).toString('hex'));
  const tokenFile = customerTokenPath(dataDir);
  const existed = fs.existsSync(tokenFile);
  const customerToken = loadOrCreate(tokenFile, () => `rsc_${crypto.randomBytes(24).toString('base64url')}`);
  return {
    signer: new Wallet(keyHex),
    sessionKey: Uint8Array.from(Buffer.from(sessionHex, 'hex')),
    customerToken,
    createdCustomerToken: !existed,
  };
}

export function sha256Hex(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}
