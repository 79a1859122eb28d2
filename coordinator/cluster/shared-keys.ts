import { Wallet } from 'ethers';
import type { Logger } from 'pino';
import type { CoordinatorSecrets } from '../secrets';
import type { Db } from '../store/db';

const COORDINATOR_KEY = 'coordinator_key';
const SESSION_KEY = 'session_key';

/**
 * Stores `value` under `name` unless some instance already did, and returns what is stored.
 * The first instance to start on an empty database decides; everyone after adopts its value.
 */
async function firstWriterWins(db: Db, name: string, value: string, now: number): Promise<string> {
  await db.query(
    'INSERT INTO network_keys (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
    [name, value, now],
  );
  const row = (await db.query<{ value: string }>('SELECT value FROM network_keys WHERE name = $1', [name])).rows[0];
  if (!row) throw new Error(`network key ${name} vanished after insert`);
  return row.value;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/**
 * Instances behind one load balancer must be one network to a node: the same coordinator
 * address on offers and receipts, and session tokens that any instance accepts. Keys given in the
 * environment (RIGSHARE_COORDINATOR_KEY, RIGSHARE_SESSION_KEY) are the operator's choice and are
 * used as they are, never written to the database. Otherwise, on PostgreSQL, the instances agree
 * on one pair through the database. The embedded store is one process and keeps its own files.
 */
export async function shareNetworkKeys(
  db: Db,
  local: CoordinatorSecrets,
  opts: { now: number; log?: Logger; env?: NodeJS.ProcessEnv },
): Promise<Pick<CoordinatorSecrets, 'signer' | 'sessionKey'>> {
  const env = opts.env ?? process.env;
  if (db.engine !== 'postgres') return { signer: local.signer, sessionKey: local.sessionKey };
  const signerHex = env.RIGSHARE_COORDINATOR_KEY
    ? local.signer.privateKey
    : await firstWriterWins(db, COORDINATOR_KEY, local.signer.privateKey, opts.now);
  const sessionHex = env.RIGSHARE_SESSION_KEY
    ? hex(local.sessionKey)
    : await firstWriterWins(db, SESSION_KEY, hex(local.sessionKey), opts.now);
  const signer = signerHex === local.signer.privateKey ? local.signer : new Wallet(signerHex);
  if (signer !== local.signer)
    opts.log?.info({ coordinator: signer.address }, 'using the network signing key shared through the database');
  return { signer, sessionKey: Uint8Array.from(Buffer.from(sessionHex, 'hex')) };
}
