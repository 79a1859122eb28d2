import { Contract, FetchRequest, JsonRpcProvider, getAddress, zeroPadValue } from 'ethers';
import { ERC20_ABI, TRANSFER_TOPIC } from '../../../shared/wallet/erc20';
import type { ChainConfig } from './config';
import type { ChainHead, ChainTransfer } from './types';

/** The chain could not be asked: the wallet view says so, and nothing else stops. */
export class ChainUnavailable extends Error {
  constructor(
    readonly rpcUrl: string,
    cause: unknown,
  ) {
    super(
      `The chain RPC at ${rpcUrl} did not answer (${describe(cause)}). Balances and payout checks wait until it does; check the RPC URL in Settings or your connection.`,
    );
    this.name = 'ChainUnavailable';
  }
}

function describe(err: unknown): string {
  const e = err as { shortMessage?: string; code?: string; message?: string };
  return e?.shortMessage ?? e?.code ?? e?.message ?? String(err);
}

/** Wrong network behind the URL: refusing is safer than reading someone else's chain. */
export class ChainMismatch extends Error {
  constructor(expected: number, actual: number) {
    super(
      `The RPC URL serves chain ${actual}, but payouts are on chain ${expected}. Fix the RPC URL or the chain id in Settings.`,
    );
    this.name = 'ChainMismatch';
  }
}

const LOG_RANGE = 5_000;

function topicAddress(address: string): string {
  return zeroPadValue(getAddress(address), 32);
}

function fromTopic(topic: string): string {
  return getAddress(`0x${topic.slice(-40)}`);
}

/**
 * Reads what payouts need from any EVM JSON-RPC endpoint: the head (and finalized block),
 * balances, Transfer logs from the treasury to an address, and the Transfer logs of one tx.
 * Every call has a timeout, so a dead RPC fails fast instead of hanging the view.
 */
export class ChainReader {
  readonly provider: JsonRpcProvider;
  private checkedChain = false;

  constructor(
    readonly config: ChainConfig,
    timeoutMs = 5_000,
  ) {
    const req = new FetchRequest(config.rpcUrl);
    req.timeout = timeoutMs;
    this.provider = new JsonRpcProvider(req, config.chainId, {
      staticNetwork: true,
      batchMaxCount: 1,
      cacheTimeout: -1,
    });
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      if (!this.checkedChain) {
        const id = Number(await this.provider.send('eth_chainId', []));
        if (id !== this.config.chainId) throw new ChainMismatch(this.config.chainId, id);
        this.checkedChain = true;
      }
      return await fn();
    } catch (err) {
      if (err instanceof ChainMismatch) throw err;
      throw new ChainUnavailable(this.config.rpcUrl, err);
    }
  }

  head(): Promise<ChainHead> {
    return this.call(async () => {
      const number = await this.provider.getBlockNumber();
      let finalized: number | null = null;
      if (this.config.finality.mode === 'finalized') {
        const block = await this.provider.getBlock('finalized').catch(() => null);
        finalized = block?.number ?? null;
      }
      return { number, finalized };
    });
  }

  nativeBalance(address: string): Promise<bigint> {
    return this.call(() => this.provider.getBalance(address));
  }

  tokenBalance(address: string): Promise<bigint> {
    return this.call(async () => {
      const token = new Contract(this.config.token.address, ERC20_ABI, this.provider);
      return (await token.getFunction('balanceOf')(address)) as bigint;
    });
  }

  /** Transfers of the payout token from the treasury to `to`, oldest first. */
  payoutLogs(to: string, fromBlock = this.config.fromBlock, toBlock?: number): Promise<ChainTransfer[]> {
    return this.call(async () => {
      const last = toBlock ?? (await this.provider.getBlockNumber());
      const out: ChainTransfer[] = [];
      for (let start = fromBlock; start <= last; start += LOG_RANGE) {
        const logs = await this.provider.getLogs({
          address: this.config.token.address,
          topics: [TRANSFER_TOPIC, topicAddress(this.config.treasury), topicAddress(to)],
          fromBlock: start,
          toBlock: Math.min(last, start + LOG_RANGE - 1),
        });
        for (const log of logs) out.push(toTransfer(log));
      }
      return out;
    });
  }

  /** Every ERC-20 Transfer in a transaction, whichever contract emitted it; null for an unknown tx. */
  txTransfers(txHash: string): Promise<ChainTransfer[] | null> {
    return this.call(async () => {
      const receipt = await this.provider.getTransactionReceipt(txHash);
      if (!receipt || receipt.status !== 1) return receipt ? [] : null;
      return receipt.logs.filter((l) => l.topics[0] === TRANSFER_TOPIC && l.topics.length === 3).map(toTransfer);
    });
  }
}

function toTransfer(log: {
  transactionHash: string;
  index: number;
  blockNumber: number;
  blockHash: string;
  address: string;
  topics: readonly string[];
  data: string;
}): ChainTransfer {
  return {
    txHash: log.transactionHash,
    logIndex: log.index,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
    token: getAddress(log.address),
    from: fromTopic(log.topics[1]!),
    to: fromTopic(log.topics[2]!),
    amount: BigInt(log.data === '0x' ? 0 : log.data),
  };
}
