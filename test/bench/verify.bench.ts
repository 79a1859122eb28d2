/**
 * Verification of 10,000 payouts against a 100,000-job ledger: for each signed statement, recover
 * the network's signature, sum the ledger's earnings for its jobs (SQLite) and judge it against
 * its chain transfer. The baseline is the ledger lookups alone. Run: npx tsx test/bench/verify.bench.ts
 * BENCH_SHORT=1 runs a tenth of the size.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Wallet, getAddress } from 'ethers';
import { openLedgerDb } from '../../electron/core/ledger/database';
import type { ChainTransfer } from '../../electron/core/chain/types';
import { EarningsStore } from '../../electron/core/payouts/earnings-store';
import { verifyPayout } from '../../electron/core/payouts/verify';
import { recoverSigner, signPayload } from '../../shared/protocol/signing';
import type { SettlementStatement, SignedStatement } from '../../shared/wallet/statement';

const SHORT = process.env.BENCH_SHORT === '1';
const PAYOUTS = SHORT ? 1_000 : 10_000;
const JOBS = PAYOUTS * 10;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-bench-verify-'));
  const db = openLedgerDb(path.join(dir, 'ledger.sqlite'));
  const earnings = new EarningsStore(db);
  const network = Wallet.createRandom();
  const treasury = Wallet.createRandom().address;
  const payout = Wallet.createRandom().address;
  const token = getAddress(`0x${'12'.repeat(20)}`);

  const rows = Array.from({ length: JOBS }, (_, i) => ({
    jobId: `job_${i.toString(36).padStart(8, '0')}`,
    completedAt: 1_700_000_000_000 + i * 1000,
    gpuMs: 60_000,
    gross: 1100 + (i % 97),
    fee: 100,
    net: 1000 + (i % 97),
  }));
  earnings.recordMany(rows);

  const statements: SignedStatement[] = [];
  const transfers = new Map<string, ChainTransfer[]>();
  for (let p = 0; p < PAYOUTS; p++) {
    const jobs = rows.slice(p * 10, p * 10 + 10).map((r) => ({ jobId: r.jobId, net: r.net }));
    const amount = jobs.reduce((s, j) => s + j.net, 0);
    const txHash = `0x${crypto.randomBytes(32).toString('hex')}`;
    const payload: SettlementStatement = {
      nonce: crypto.randomBytes(16).toString('hex'),
      timestamp: 1_700_000_000_000,
      chainId: 31337,
      kind: 'settlement_statement',
      statementId: `stmt_${p.toString(36).padStart(6, '0')}`,
      nodeId: 'node_bench01',
      nodeAddress: network.address,
      payoutAddress: payout,
      period: { from: 0, to: 1 },
      jobs,
      amount,
      token: { address: token, symbol: 'USDC', decimals: 6 },
      treasury,
      txHash,
    };
    statements.push(await signPayload(network, payload));
    transfers.set(txHash, [
      {
        txHash,
        logIndex: 0,
        blockNumber: 100 + p,
        blockHash: `0x${'ab'.repeat(32)}`,
        token,
        from: treasury,
        to: payout,
        amount: BigInt(amount),
      },
    ]);
  }

  const head = { number: 100 + PAYOUTS + 10, finalized: null };
  const signer = network.address;

  const t0 = performance.now();
  let sum = 0;
  for (const s of statements) for (const j of s.payload.jobs) sum += earnings.netFor(j.jobId) ?? 0;
  const baselineMs = performance.now() - t0;

  const t1 = performance.now();
  let verified = 0;
  for (const s of statements) {
    const res = verifyPayout({
      statement: s.payload,
      signatureValid: recoverSigner(s.payload, s.signature) === signer,
      expected: { token, treasury, payoutAddress: payout },
      ledgerNet: (id) => earnings.netFor(id),
      transfers: transfers.get(s.payload.txHash) ?? null,
      head,
      finality: { mode: 'confirmations', confirmations: 3 },
      prior: null,
    });
    if (res.status === 'verified') verified++;
  }
  const fullMs = performance.now() - t1;

  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  if (verified !== PAYOUTS || sum <= 0) throw new Error(`expected ${PAYOUTS} verified payouts, got ${verified}`);
  console.log(`payouts ${PAYOUTS}, ledger jobs ${JOBS}`);
  console.log(
    `baseline (ledger lookups only): ${(baselineMs / 1000).toFixed(2)} s total, ${((baselineMs * 1000) / PAYOUTS).toFixed(1)} µs per payout`,
  );
  console.log(
    `three-way verification:        ${(fullMs / 1000).toFixed(2)} s total, ${((fullMs * 1000) / PAYOUTS).toFixed(1)} µs per payout`,
  );
  console.log(`ratio verification / baseline: ${(fullMs / baselineMs).toFixed(1)}x (signature recovery dominates)`);
}

await main();
