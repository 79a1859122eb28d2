import { z } from 'zod';
import { Address } from '../protocol/messages';

/** What a network publishes at GET /v1/chain: where its payouts are, so nodes can check them. */
export const ChainInfo = z.object({
  rpcUrl: z.string().url(),
  chainId: z.number().int().positive(),
  token: z.object({ address: Address, symbol: z.string(), decimals: z.number().int().min(0).max(18) }),
  treasury: Address,
  fromBlock: z.number().int().nonnegative(),
  confirmations: z.number().int().min(1).max(1000),
  explorerTxUrl: z.string().nullable(),
});
export type ChainInfo = z.infer<typeof ChainInfo>;
