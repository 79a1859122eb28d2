import { z } from 'zod';
import { Address, Id, Units } from '../protocol/messages';
import { Stamp } from '../protocol/stamp';

export const TxHash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 0x-prefixed 32-byte transaction hash');
export const StatementId = Id;

/** One job's share of a payout, as the network accounted it. */
export const StatementJob = z.object({ jobId: Id, net: Units }).strict();
export type StatementJob = z.infer<typeof StatementJob>;

export const PayoutToken = z
  .object({
    address: Address,
    symbol: z.string().min(1).max(16),
    decimals: z.number().int().min(0).max(18),
  })
  .strict();
export type PayoutToken = z.infer<typeof PayoutToken>;

/**
 * The network's signed word for one payout: which period and jobs it covers, how much, in what
 * token, from which treasury to which address, and the transaction that carries it. The node
 * holds it against its own ledger and against the chain.
 */
export const SettlementStatement = Stamp.extend({
  kind: z.literal('settlement_statement'),
  statementId: StatementId,
  nodeId: Id,
  nodeAddress: Address,
  payoutAddress: Address,
  period: z.object({ from: z.number().int().nonnegative(), to: z.number().int().nonnegative() }).strict(),
  jobs: z.array(StatementJob).max(100_000),
  amount: Units,
  token: PayoutToken,
  treasury: Address,
  txHash: TxHash,
}).strict();
export type SettlementStatement = z.infer<typeof SettlementStatement>;

export const SignedStatement = z.object({
  payload: SettlementStatement,
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/),
});
export type SignedStatement = z.infer<typeof SignedStatement>;

export const StatementsResponse = z.object({ statements: z.array(SignedStatement) });
export type StatementsResponse = z.infer<typeof StatementsResponse>;
