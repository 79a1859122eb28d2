import { connectSettlementChain } from './chain';
import type { SettlementConfig } from './service';

const HOUR = 3_600_000;

/**
 * Settlement as an operator configures it through the environment:
 * - RIGSHARE_SETTLEMENT=off turns it off;
 * - RIGSHARE_CHAIN_RPC, RIGSHARE_CHAIN_ID, RIGSHARE_TREASURY_KEY, RIGSHARE_TOKEN_ADDRESS (and
 *   RIGSHARE_TOKEN_SYMBOL, RIGSHARE_TOKEN_DECIMALS, RIGSHARE_TOKEN_FROM_BLOCK, RIGSHARE_EXPLORER_TX_URL)
 *   pay on a real chain;
 * - with none of those, a coordinator on its embedded store pays on its own dev chain. Instances
 *   sharing a PostgreSQL database must name a real chain: separate dev chains would disagree.
 */
export function settlementFromEnv(input: { sharedDatabase: boolean }, env = process.env): SettlementConfig | undefined {
  if (env.RIGSHARE_SETTLEMENT === 'off') return undefined;
  const intervalMs = env.RIGSHARE_SETTLE_INTERVAL_MS ? Number(env.RIGSHARE_SETTLE_INTERVAL_MS) : HOUR;
  const minimumPayout = env.RIGSHARE_MIN_PAYOUT ? Number(env.RIGSHARE_MIN_PAYOUT) : undefined;
  if (env.RIGSHARE_CHAIN_RPC) {
    const need = ['RIGSHARE_CHAIN_ID', 'RIGSHARE_TREASURY_KEY', 'RIGSHARE_TOKEN_ADDRESS'].filter((k) => !env[k]);
    if (need.length) throw new Error(`RIGSHARE_CHAIN_RPC is set, so settlement also needs ${need.join(', ')}.`);
    return {
      intervalMs,
      minimumPayout,
      chain: connectSettlementChain({
        rpcUrl: env.RIGSHARE_CHAIN_RPC,
        chainId: Number(env.RIGSHARE_CHAIN_ID),
        treasuryKey: env.RIGSHARE_TREASURY_KEY!,
        token: {
          address: env.RIGSHARE_TOKEN_ADDRESS!,
          symbol: env.RIGSHARE_TOKEN_SYMBOL ?? 'USDC',
          decimals: Number(env.RIGSHARE_TOKEN_DECIMALS ?? 6),
        },
        fromBlock: Number(env.RIGSHARE_TOKEN_FROM_BLOCK ?? 0),
        explorerTxUrl: env.RIGSHARE_EXPLORER_TX_URL ?? null,
        confirmations: Number(env.RIGSHARE_CONFIRMATIONS ?? 12),
      }),
    };
  }
  if (input.sharedDatabase) return undefined;
  return { intervalMs, minimumPayout, devChain: { blockIntervalMs: Number(env.RIGSHARE_DEVCHAIN_BLOCK_MS ?? 1000) } };
}
