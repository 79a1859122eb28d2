import { Contract, JsonRpcProvider, Wallet } from 'ethers';
import { ERC20_ABI } from '../../shared/wallet/erc20';

/** The chain side of settlement: where payouts go out from, in which token. */
export interface SettlementChain {
  rpcUrl: string;
  chainId: number;
  provider: JsonRpcProvider;
  treasury: Wallet;
  token: { address: string; symbol: string; decimals: number };
  /** The block the token was deployed in; nodes scan logs from here. */
  fromBlock: number;
  explorerTxUrl: string | null;
  /** Confirmations a node should wait for before it counts a payout. */
  confirmations: number;
}

export function connectSettlementChain(
  input: Omit<SettlementChain, 'provider' | 'treasury'> & { treasuryKey: string },
): SettlementChain {
  const provider = new JsonRpcProvider(input.rpcUrl, input.chainId, {
    staticNetwork: true,
    batchMaxCount: 1,
    cacheTimeout: -1,
  });
  provider.pollingInterval = 250;
  const { treasuryKey, ...rest } = input;
  return { ...rest, provider, treasury: new Wallet(treasuryKey, provider) };
}

export function tokenContract(chain: SettlementChain): Contract {
  return new Contract(chain.token.address, ERC20_ABI, chain.treasury);
}
