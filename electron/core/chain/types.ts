/** One ERC-20 Transfer log as read from the chain. Amounts stay BigInt: a token may have 18 decimals. */
export interface ChainTransfer {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  blockHash: string;
  /** The token contract that emitted the log. */
  token: string;
  from: string;
  to: string;
  amount: bigint;
}

/** How far the chain has got, for counting confirmations. */
export interface ChainHead {
  number: number;
  /** The `finalized` block where the chain reports one; null otherwise. */
  finalized: number | null;
}

/** When a payout counts as final: after N confirmations, or once the chain calls its block finalized. */
export type Finality = { mode: 'confirmations'; confirmations: number } | { mode: 'finalized' };
