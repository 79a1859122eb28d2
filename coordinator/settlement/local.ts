import fs from 'node:fs';
import path from 'node:path';
import { Wallet } from 'ethers';
import { startDevChain, type DevChain } from '../chain/devchain';
import { connectSettlementChain, type SettlementChain } from './chain';

/** The treasury key of the local network: made once, owner-only, like the coordinator's own key. */
export function loadOrCreateTreasuryKey(dataDir: string): string {
  const file = path.join(dataDir, 'treasury.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, `${Wallet.createRandom().privateKey}\n`, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * "The local network pays too": with no chain configured, the coordinator runs a dev chain in
 * this process, with the payout token deployed and the treasury funded, kept in the data dir.
 */
export async function startLocalChain(input: {
  dataDir: string;
  chainId: number;
  token: { symbol: string; decimals: number };
  blockIntervalMs?: number;
  confirmations?: number;
  port?: number;
}): Promise<{ dev: DevChain; chain: SettlementChain }> {
  const treasuryKey = loadOrCreateTreasuryKey(input.dataDir);
  const dev = await startDevChain({
    dataDir: path.join(input.dataDir, 'chain'),
    chainId: input.chainId,
    treasuryKey,
    token: input.token,
    blockIntervalMs: input.blockIntervalMs ?? 1000,
    port: input.port,
  });
  const chain = connectSettlementChain({
    rpcUrl: dev.rpcUrl,
    chainId: dev.chainId,
    treasuryKey,
    token: { address: dev.token.token, symbol: dev.token.symbol, decimals: dev.token.decimals },
    fromBlock: dev.token.deployedBlock,
    explorerTxUrl: null,
    confirmations: input.confirmations ?? 3,
  });
  return { dev, chain };
}
