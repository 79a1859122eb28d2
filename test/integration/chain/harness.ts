import fs from 'node:fs';
import path from 'node:path';
import { Contract, Wallet } from 'ethers';
import type { RunningCoordinator } from '../../../coordinator/server';
import { settlementOf, startSettlement, type SettlementConfig } from '../../../coordinator/settlement/service';
import { openLedgerDb } from '../../../electron/core/ledger/database';
import { ChainReader } from '../../../electron/core/chain/reader';
import { chainConfigFrom, type ChainConfig } from '../../../electron/core/chain/config';
import { EarningsStore } from '../../../electron/core/payouts/earnings-store';
import { NetworkPayoutFeed } from '../../../electron/core/payouts/network-feed';
import { PayoutService } from '../../../electron/core/payouts/service';
import { StatementStore } from '../../../electron/core/payouts/statement-store';
import { ERC20_ABI } from '../../../shared/wallet/erc20';
import { BENCH, GPU, coordinator, jobRequest, key, result, submit, tempDir } from '../coordinator/helpers';
import { CoordinatorClient } from '../../../electron/core/network/client';

export interface PaidNetwork {
  coord: RunningCoordinator & { dir: string };
  node: CoordinatorClient;
  identity: Wallet;
  payout: Wallet;
  ledgerDir: string;
  earnings: EarningsStore;
  statements: StatementStore;
  feed: NetworkPayoutFeed;
  chainConfig: ChainConfig;
  payouts(reader?: ChainReader): PayoutService;
  runJobs(n: number): Promise<string[]>;
  tokenBalance(address: string): Promise<bigint>;
  close(): Promise<void>;
}

/** A coordinator with settlement on an in-process dev chain, and one node with its own ledger. */
export async function paidNetwork(settlement: SettlementConfig = {}): Promise<PaidNetwork> {
  const coord = await coordinator({});
  // Settlement is attached after start so the core coordinator stays as its own tests run it.
  await startSettlement(coord.ctx, coord.dir, {
    devChain: { blockIntervalMs: 0 },
    minimumPayout: 1,
    waitMs: 5_000,
    ...settlement,
  });
  const identity = Wallet.createRandom() as unknown as Wallet;
  const payout = Wallet.createRandom() as unknown as Wallet;
  const node = new CoordinatorClient({ baseUrl: coord.url, identity });
  await node.info();
  await node.login();
  await node.register({
    gpus: [GPU],
    benchmark: BENCH,
    priceFloorPerGpuHour: 100_000,
    slaTier: 'silver',
    payoutAddress: payout.address,
    agentVersion: 'test',
  });
  const ledgerDir = tempDir('node-ledger');
  const db = openLedgerDb(path.join(ledgerDir, 'ledger.sqlite'));
  const earnings = new EarningsStore(db);
  const statements = new StatementStore(db);
  const feed = new NetworkPayoutFeed(coord.url, identity, 31337);
  const info = await feed.chain();
  const chainConfig = chainConfigFrom(info);
  const readers: ChainReader[] = [];
  const net: PaidNetwork = {
    coord,
    node,
    identity,
    payout,
    ledgerDir,
    earnings,
    statements,
    feed,
    chainConfig,
    payouts(reader) {
      const r = reader ?? new ChainReader(chainConfig);
      readers.push(r);
      return new PayoutService({
        statements,
        earnings,
        reader: () => r,
        networkSigner: () => coord.address,
        payoutAddress: () => payout.address,
      });
    },
    async runJobs(n) {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const sub = await submit(coord, jobRequest({ maxPricePerGpuHour: 3_600_000 + i * 7 }));
        const offer = await node.lease(0);
        if (!offer || offer.jobId !== sub.body.jobId) throw new Error('expected to lease the job just submitted');
        const done = await node.complete(offer.leaseId, { idempotencyKey: key(), result: result(1500 + i * 100) });
        earnings.record(done.receipt);
        ids.push(offer.jobId);
      }
      return ids;
    },
    async tokenBalance(address) {
      const token = new Contract(chainConfig.token.address, ERC20_ABI, settlementOf(coord.ctx)!.chain.provider);
      return (await token.getFunction('balanceOf')(address)) as bigint;
    },
    async close() {
      for (const r of readers) r.provider.destroy();
      db.close();
      await settlementOf(coord.ctx)?.close();
      await coord.close();
      fs.rmSync(ledgerDir, { recursive: true, force: true });
      fs.rmSync(coord.dir, { recursive: true, force: true });
    },
  };
  return net;
}
