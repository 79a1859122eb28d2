import type { ChainInfo } from '../../../shared/wallet/chain-info';
import type { Finality } from './types';

/** Everything needed to read payouts from a chain. The network directory supplies defaults. */
export interface ChainConfig {
  rpcUrl: string;
  chainId: number;
  token: { address: string; symbol: string; decimals: number };
  /** The network's treasury: payouts count only from this address. */
  treasury: string;
  finality: Finality;
  /** The block to start scanning from (the token's deployment); 0 scans from genesis. */
  fromBlock: number;
  /** A block explorer's transaction URL with `{tx}` in it, for links; null when there is none. */
  explorerTxUrl: string | null;
}

export function explorerLink(config: Pick<ChainConfig, 'explorerTxUrl'>, txHash: string): string | null {
  return config.explorerTxUrl ? config.explorerTxUrl.replace('{tx}', txHash) : null;
}

/** The reading side of what a network (or the user's settings) says about its payout chain. */
export function chainConfigFrom(info: ChainInfo): ChainConfig {
  return {
    rpcUrl: info.rpcUrl,
    chainId: info.chainId,
    token: info.token,
    treasury: info.treasury,
    finality: { mode: 'confirmations', confirmations: info.confirmations },
    fromBlock: info.fromBlock,
    explorerTxUrl: info.explorerTxUrl,
  };
}
