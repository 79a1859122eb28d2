import fs from 'node:fs';
import path from 'node:path';
import { Contract, ContractFactory, JsonRpcProvider, NonceManager, Wallet, parseEther } from 'ethers';
import { compileRigshareToken } from './compile';

export interface DevChainOptions {
  /** Where the chain and its deployment record persist. Omit for an in-memory chain (tests). */
  dataDir?: string;
  chainId?: number;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** An empty block every interval, so confirmations arrive without traffic. 0 turns it off. */
  blockIntervalMs?: number;
  /** The treasury's private key: it deploys the token, holds the supply and pays out. */
  treasuryKey: string;
  token?: { name?: string; symbol: string; decimals: number };
  /** Whole tokens minted to the treasury when the token is first deployed. */
  initialSupply?: bigint;
  /** Other accounts to fund with native currency at genesis (test wallets, a hostile sender). */
  extraAccounts?: { secretKey: string; balanceWei?: bigint }[];
}

export interface DeploymentRecord {
  chainId: number;
  token: string;
  symbol: string;
  decimals: number;
  deployedBlock: number;
  treasury: string;
  sourceSha256: string;
}

export interface DevChain {
  rpcUrl: string;
  chainId: number;
  treasury: string;
  token: DeploymentRecord;
  provider: JsonRpcProvider;
  /** Mines `blocks` empty blocks now. */
  mine(blocks?: number): Promise<void>;
  /** ganache's evm_snapshot / evm_revert: how tests make a reorg. */
  snapshot(): Promise<string>;
  revert(id: string): Promise<boolean>;
  /** Deploys another copy of the token (a "wrong token contract" for tests). */
  deployToken(symbol: string, decimals: number, from?: Wallet): Promise<string>;
  blockNumber(): Promise<number>;
  close(): Promise<void>;
}

const DEPLOYMENT_FILE = 'deployment.json';

function toHexWei(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/**
 * The local network's chain: ganache 7 in this process, listening on loopback. It deploys the
 * payout token compiled from contracts/, funds the treasury, and mines a block on an interval so
 * a payout gathers confirmations on one machine the way it would on a real chain.
 */
export async function startDevChain(options: DevChainOptions): Promise<DevChain> {
  const chainId = options.chainId ?? 31337;
  const treasury = new Wallet(options.treasuryKey);
  const dbPath = options.dataDir ? path.join(options.dataDir, 'db') : undefined;
  if (options.dataDir) fs.mkdirSync(dbPath!, { recursive: true, mode: 0o700 });
  const accounts = [
    { secretKey: treasury.privateKey, balance: toHexWei(parseEther('1000')) },
    ...(options.extraAccounts ?? []).map((a) => ({
      secretKey: a.secretKey,
      balance: toHexWei(a.balanceWei ?? parseEther('100')),
    })),
  ];
  // Loaded on demand: the chain is large and only the local network's coordinator needs it.
  const { default: ganache } = await import('ganache');
  const server = ganache.server({
    logging: { quiet: true },
    chain: { chainId, networkId: chainId },
    miner: { instamine: 'eager' },
    ...(dbPath ? { database: { dbPath } } : {}),
  });
  await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  const addr = server.address() as { address: string; port: number };
  const rpcUrl = `http://${options.host ?? '127.0.0.1'}:${addr.port}`;
  const provider = new JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  provider.pollingInterval = 200;

  const raw = server.provider;
  // Set balances rather than rely on genesis: a persisted chain keeps its genesis, and the
  // treasury must be able to pay gas after any restart.
  for (const a of accounts) {
    await raw.request({ method: 'evm_setAccountBalance', params: [new Wallet(a.secretKey).address, a.balance] });
  }
  const mine = async (blocks = 1): Promise<void> => {
    for (let i = 0; i < blocks; i++) await raw.request({ method: 'evm_mine', params: [] });
  };

  const signer = new NonceManager(treasury.connect(provider));
  const compiled = compileRigshareToken();
  const deploy = async (
    name: string,
    symbol: string,
    decimals: number,
    from: Wallet | NonceManager,
  ): Promise<{ address: string; block: number }> => {
    const factory = new ContractFactory(compiled.abi as never, compiled.bytecode, from);
    const contract = await factory.deploy(name, symbol, decimals);
    const receipt = await contract.deploymentTransaction()!.wait();
    return { address: await contract.getAddress(), block: receipt!.blockNumber };
  };

  const recordFile = options.dataDir ? path.join(options.dataDir, DEPLOYMENT_FILE) : null;
  let record: DeploymentRecord | null = null;
  if (recordFile && fs.existsSync(recordFile)) {
    try {
      const saved = JSON.parse(fs.readFileSync(recordFile, 'utf8')) as DeploymentRecord;
      const code = await provider.getCode(saved.token);
      if (code !== '0x' && saved.chainId === chainId && saved.treasury === treasury.address) record = saved;
    } catch {
      record = null;
    }
  }
  if (!record) {
    const token = options.token ?? { symbol: 'USDC', decimals: 6 };
    const deployed = await deploy(token.name ?? `Rigshare ${token.symbol}`, token.symbol, token.decimals, signer);
    const supply = (options.initialSupply ?? 1_000_000n) * 10n ** BigInt(token.decimals);
    const erc20 = new Contract(deployed.address, compiled.abi as never, signer);
    await (await erc20.getFunction('mint')(treasury.address, supply)).wait();
    record = {
      chainId,
      token: deployed.address,
      symbol: token.symbol,
      decimals: token.decimals,
      deployedBlock: deployed.block,
      treasury: treasury.address,
      sourceSha256: compiled.sourceSha256,
    };
    if (recordFile) {
      const tmp = `${recordFile}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(record, null, 2));
      fs.renameSync(tmp, recordFile);
    }
  }

  const interval = options.blockIntervalMs ?? 1000;
  let timer: NodeJS.Timeout | null = null;
  if (interval > 0) {
    timer = setInterval(() => {
      mine().catch(() => undefined);
    }, interval);
    timer.unref();
  }

  let closed = false;
  return {
    rpcUrl,
    chainId,
    treasury: treasury.address,
    token: record,
    provider,
    mine,
    snapshot: async () => String(await raw.request({ method: 'evm_snapshot', params: [] })),
    revert: async (id) => Boolean(await raw.request({ method: 'evm_revert', params: [id] })),
    deployToken: async (symbol, decimals, from) => {
      const who = from ? from.connect(provider) : signer;
      return (await deploy(`Other ${symbol}`, symbol, decimals, who)).address;
    },
    blockNumber: () => provider.getBlockNumber(),
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      provider.destroy();
      await server.close();
    },
  };
}
