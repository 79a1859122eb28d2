import { z } from 'zod';

/**
 * Where one payout stands after the three-way check (ledger, statement, chain):
 * - verified: the ledger, the statement and a confirmed on-chain transfer agree to the unit;
 * - pending: the transfer is there and agrees, but has fewer confirmations than required;
 * - mismatch: something disagrees; `difference` says by how much and `reasons` says what;
 * - missing: no transfer for the statement was found on chain;
 * - reverted: the transfer was seen confirmed, and a reorg has since removed it.
 */
export const VerificationStatus = z.enum(['verified', 'pending', 'mismatch', 'missing', 'reverted']);
export type VerificationStatus = z.infer<typeof VerificationStatus>;

export const MismatchReason = z.enum([
  /** The statement's amount differs from the ledger's earnings for its jobs. */
  'ledger_amount',
  /** A statement job the local ledger has no earnings for. */
  'unknown_job',
  /** The on-chain transfer's amount differs from the statement's. */
  'chain_amount',
  /** The transaction moved tokens to the payout address, but not from the network's treasury. */
  'wrong_sender',
  /** The transaction moved a different token contract than the configured payout token. */
  'wrong_token',
  /** The statement names a payout address that is not this wallet's. */
  'wrong_recipient',
  /** The statement's signature is not the network's. */
  'bad_signature',
]);
export type MismatchReason = z.infer<typeof MismatchReason>;

export const Difference = z.object({
  /** The local ledger's earnings for the statement's jobs, in token units. */
  ledger: z.number().int(),
  statement: z.number().int(),
  /** What arrived on chain from the treasury in this transaction; null when nothing did. */
  chain: z.number().int().nullable(),
});
export type Difference = z.infer<typeof Difference>;

export const VerificationResult = z.object({
  status: VerificationStatus,
  reasons: z.array(MismatchReason),
  difference: Difference,
  confirmations: z.number().int().nonnegative(),
  blockNumber: z.number().int().nullable(),
  blockHash: z.string().nullable(),
});
export type VerificationResult = z.infer<typeof VerificationResult>;
