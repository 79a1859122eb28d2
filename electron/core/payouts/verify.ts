import type { SettlementStatement } from '../../../shared/wallet/statement';
import type { MismatchReason, VerificationResult } from '../../../shared/wallet/verification';
import type { ChainHead, ChainTransfer, Finality } from '../chain/types';

export interface Expected {
  /** The configured payout token contract. */
  token: string;
  /** The network's treasury: the only sender a payout may come from. */
  treasury: string;
  /** This wallet's payout address. */
  payoutAddress: string;
}

/** What this node knew about the payout last time, so a vanished transfer reads as a reorg. */
export interface PriorCheck {
  /** The block hash the transfer was seen in, confirmed or not; null if it was never seen. */
  seenBlockHash: string | null;
}

export interface VerifyInput {
  statement: SettlementStatement;
  /** Did the statement's signature recover to the network's pinned key? */
  signatureValid: boolean;
  expected: Expected;
  /** The local ledger's net earnings for a job, or undefined when the ledger has no such job. */
  ledgerNet: (jobId: string) => number | undefined;
  /** Every Transfer log in the statement's transaction; null when the chain does not know the tx. */
  transfers: ChainTransfer[] | null;
  head: ChainHead;
  finality: Finality;
  prior: PriorCheck | null;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * The three-way check of one payout: the network's statement against the node's own ledger and
 * against what the chain actually moved. Pure, so it is exhaustively testable and fast enough to
 * run over every payout a rig has ever had.
 */
export function verifyPayout(input: VerifyInput): VerificationResult {
  const { statement, expected } = input;
  const reasons = new Set<MismatchReason>();
  if (!input.signatureValid) reasons.add('bad_signature');
  if (!same(statement.payoutAddress, expected.payoutAddress)) reasons.add('wrong_recipient');

  let ledger = 0;
  for (const job of statement.jobs) {
    const net = input.ledgerNet(job.jobId);
    if (net === undefined) reasons.add('unknown_job');
    else ledger += net;
  }
  if (ledger !== statement.amount) reasons.add('ledger_amount');

  const toUs = (input.transfers ?? []).filter((t) => same(t.to, expected.payoutAddress));
  const genuine = toUs.filter((t) => same(t.token, expected.token) && same(t.from, expected.treasury));
  if (genuine.length === 0) {
    if (toUs.some((t) => !same(t.token, expected.token))) reasons.add('wrong_token');
    if (toUs.some((t) => same(t.token, expected.token) && !same(t.from, expected.treasury)))
      reasons.add('wrong_sender');
  }
  const chainAmount = genuine.length ? genuine.reduce((sum, t) => sum + t.amount, 0n) : null;
  if (chainAmount !== null && chainAmount !== BigInt(statement.amount)) reasons.add('chain_amount');

  const difference = {
    ledger,
    statement: statement.amount,
    chain: chainAmount === null ? null : Number(chainAmount),
  };
  const first = genuine[0];
  const base = { reasons: [...reasons], difference };

  if (!first) {
    // The transfer was seen before and is gone now: a reorg took it.
    if (input.prior?.seenBlockHash) {
      return { ...base, status: 'reverted', confirmations: 0, blockNumber: null, blockHash: null };
    }
    const status = reasons.has('wrong_token') || reasons.has('wrong_sender') ? 'mismatch' : 'missing';
    return { ...base, status, confirmations: 0, blockNumber: null, blockHash: null };
  }
  const confirmations = Math.max(0, input.head.number - first.blockNumber + 1);
  const where = { confirmations, blockNumber: first.blockNumber, blockHash: first.blockHash };
  if (reasons.size > 0) return { ...base, ...where, status: 'mismatch' };
  const final =
    input.finality.mode === 'finalized'
      ? input.head.finalized !== null && first.blockNumber <= input.head.finalized
      : confirmations >= input.finality.confirmations;
  return { ...base, ...where, status: final ? 'verified' : 'pending' };
}
