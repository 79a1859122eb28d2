import crypto from 'node:crypto';
import { Transaction, getAddress } from 'ethers';
import { signPayload } from '../../shared/protocol/signing';
import { makeStamp } from '../../shared/protocol/stamp';
import type { SettlementStatement, SignedStatement } from '../../shared/wallet/statement';
import type { CoordinatorContext } from '../context';
import { randomNonce } from '../ids';
import { int, intOrNull, type Row } from '../store/db';
import { tokenContract, type SettlementChain } from './chain';
import { ensureSettlementSchema } from './schema';

export interface SettleOptions {
  /** Accrued net earnings below this (token units) wait for the next run. */
  minimumPayout: number;
  /** How long to wait for a sent transfer to be mined before leaving it to the next run. */
  waitMs?: number;
  /** Sends a signed transaction. Tests replace it to make a broadcast fail. */
  broadcast?: (signedTx: string, chain: SettlementChain) => Promise<void>;
}

export interface SettleReport {
  created: string[];
  confirmed: string[];
  pending: string[];
  failed: { statementId: string; error: string }[];
}

const SETTLE_LOCK = 0x50415953; // "PAYS"
const GAS_LIMIT = 120_000n;
let running: Promise<unknown> = Promise.resolve();

/**
 * Pays what nodes have earned. Two phases, each safe to repeat:
 *  1. Statements: accrued, unsettled job earnings above the minimum become one statement per
 *     node; each job is claimed by exactly one statement (settled_jobs' primary key).
 *  2. Transfers: each open statement gets a treasury nonce that is stored before anything is
 *     signed, and every signed hash is stored before it is sent. A retry re-sends on the same
 *     nonce with a higher fee, so at most one transfer per statement can ever be mined.
 */
export function settle(ctx: CoordinatorContext, chain: SettlementChain, options: SettleOptions): Promise<SettleReport> {
  // One run at a time in this process; the advisory lock covers other instances.
  const next = running.then(() => settleOnce(ctx, chain, options));
  running = next.catch(() => undefined);
  return next;
}

async function settleOnce(
  ctx: CoordinatorContext,
  chain: SettlementChain,
  options: SettleOptions,
): Promise<SettleReport> {
  await ensureSettlementSchema(ctx.db);
  const report: SettleReport = {
    created: await createStatements(ctx, chain, options.minimumPayout),
    confirmed: [],
    pending: [],
    failed: [],
  };
  const open = (
    await ctx.db.query(
      `SELECT * FROM settlements WHERE status IN ('created', 'sent') ORDER BY created_at, statement_id`,
    )
  ).rows;
  for (const row of open) {
    try {
      const outcome = await payStatement(ctx, chain, row, options);
      (outcome === 'confirmed' ? report.confirmed : report.pending).push(String(row.statement_id));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await ctx.db.query('UPDATE settlements SET last_error = $2, updated_at = $3 WHERE statement_id = $1', [
        row.statement_id,
        message.slice(0, 500),
        ctx.now(),
      ]);
      report.failed.push({ statementId: String(row.statement_id), error: message });
    }
  }
  return report;
}

async function createStatements(ctx: CoordinatorContext, chain: SettlementChain, minimum: number): Promise<string[]> {
  return ctx.db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SETTLE_LOCK]);
    const rows = (
      await tx.query(
        `SELECT a.job_id, a.node_id, a.net, a.completed_at, n.address, n.payout_address
         FROM accounting a JOIN nodes n ON n.id = a.node_id
         LEFT JOIN settled_jobs s ON s.job_id = a.job_id
         WHERE s.job_id IS NULL AND n.payout_address IS NOT NULL AND a.net > 0
         ORDER BY a.node_id, a.completed_at, a.job_id`,
      )
    ).rows;
    const byNode = new Map<string, Row[]>();
    for (const r of rows) byNode.set(String(r.node_id), [...(byNode.get(String(r.node_id)) ?? []), r]);
    const created: string[] = [];
    for (const [nodeId, jobs] of byNode) {
      const amount = jobs.reduce((s, j) => s + int(j.net), 0);
      if (amount < minimum || amount <= 0) continue;
      const id = `stmt_${crypto.randomBytes(10).toString('hex')}`;
      const now = ctx.now();
      await tx.query(
        `INSERT INTO settlements (statement_id, node_id, node_address, payout_address, period_from, period_to, amount, jobs, token_address, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'created', $10, $10)`,
        [
          id,
          nodeId,
          jobs[0]!.address,
          getAddress(String(jobs[0]!.payout_address)),
          int(jobs[0]!.completed_at),
          int(jobs.at(-1)!.completed_at),
          amount,
          JSON.stringify(jobs.map((j) => ({ jobId: j.job_id, net: int(j.net) }))),
          chain.token.address,
          now,
        ],
      );
      for (const j of jobs)
        await tx.query('INSERT INTO settled_jobs (job_id, statement_id) VALUES ($1, $2)', [j.job_id, id]);
      created.push(id);
    }
    return created;
  });
}

async function payStatement(
  ctx: CoordinatorContext,
  chain: SettlementChain,
  row: Row,
  options: SettleOptions,
): Promise<'confirmed' | 'pending'> {
  const id = String(row.statement_id);
  const hashes = (typeof row.tx_hashes === 'string' ? JSON.parse(row.tx_hashes) : row.tx_hashes) as string[];
  // Did any transfer already sent for this statement make it? Then it is paid; never send again.
  for (const hash of hashes) {
    const receipt = await chain.provider.getTransactionReceipt(hash);
    if (receipt?.status === 1) return confirm(ctx, chain, row, hash);
  }
  let nonce = intOrNull(row.tx_nonce);
  const minedCount = await chain.provider.getTransactionCount(chain.treasury.address, 'latest');
  if (nonce !== null && minedCount > nonce) {
    // The nonce was used, but not by any of our transfers for this statement (a failed transfer
    // or an outside transaction): none of them paid, so take a fresh nonce.
    nonce = null;
  }
  if (nonce === null) nonce = await allocateNonce(ctx, chain, id);

  const attempts = int(row.attempts);
  const fees = await chain.provider.getFeeData();
  // Each retry outbids the last by 25 %, the minimum a node accepts for a same-nonce replacement.
  const bump = (v: bigint): bigint => (v * 125n ** BigInt(attempts)) / 100n ** BigInt(attempts);
  const maxPriority = bump(fees.maxPriorityFeePerGas ?? 1_000_000_000n);
  const maxFee = bump((fees.maxFeePerGas ?? 2_000_000_000n) + maxPriority);
  const data = tokenContract(chain).interface.encodeFunctionData('transfer', [
    row.payout_address,
    BigInt(int(row.amount)),
  ]);
  const signed = await chain.treasury.signTransaction({
    type: 2,
    chainId: chain.chainId,
    nonce,
    to: chain.token.address,
    data,
    gasLimit: GAS_LIMIT,
    maxFeePerGas: maxFee,
    maxPriorityFeePerGas: maxPriority,
    value: 0n,
  });
  const hash = Transaction.from(signed).hash!;
  // Record the hash before sending: a crash after the send still finds the transfer next run.
  await ctx.db.query(
    `UPDATE settlements SET status = 'sent', tx_hash = $2, tx_hashes = $3, attempts = attempts + 1, updated_at = $4 WHERE statement_id = $1`,
    [id, hash, JSON.stringify([...hashes, hash]), ctx.now()],
  );
  const send =
    options.broadcast ??
    ((tx: string, c: SettlementChain) => c.provider.broadcastTransaction(tx).then(() => undefined));
  await send(signed, chain);
  const receipt = await chain.provider.waitForTransaction(hash, 1, options.waitMs ?? 30_000).catch(() => null);
  if (receipt?.status === 1) return confirm(ctx, chain, { ...row, tx_nonce: nonce }, hash);
  if (receipt && receipt.status === 0)
    throw new Error(
      `The transfer ${hash} was mined but failed (is the treasury short of tokens?). It will be retried on a new nonce.`,
    );
  return 'pending';
}

async function allocateNonce(ctx: CoordinatorContext, chain: SettlementChain, statementId: string): Promise<number> {
  const pending = await chain.provider.getTransactionCount(chain.treasury.address, 'pending');
  const top = (
    await ctx.db.query(
      `SELECT MAX(tx_nonce) AS n FROM settlements WHERE token_address = $1 AND status <> 'confirmed'`,
      [chain.token.address],
    )
  ).rows[0];
  const nonce = Math.max(pending, top?.n === null || top?.n === undefined ? 0 : int(top.n) + 1);
  await ctx.db.query('UPDATE settlements SET tx_nonce = $2, updated_at = $3 WHERE statement_id = $1', [
    statementId,
    nonce,
    ctx.now(),
  ]);
  return nonce;
}

async function confirm(
  ctx: CoordinatorContext,
  chain: SettlementChain,
  row: Row,
  txHash: string,
): Promise<'confirmed'> {
  const jobs = (typeof row.jobs === 'string' ? JSON.parse(row.jobs) : row.jobs) as { jobId: string; net: number }[];
  const payload: SettlementStatement = {
    ...makeStamp(chain.chainId, ctx.now(), randomNonce),
    kind: 'settlement_statement',
    statementId: String(row.statement_id),
    nodeId: String(row.node_id),
    nodeAddress: getAddress(String(row.node_address)),
    payoutAddress: getAddress(String(row.payout_address)),
    period: { from: int(row.period_from), to: int(row.period_to) },
    jobs,
    amount: int(row.amount),
    token: { address: getAddress(chain.token.address), symbol: chain.token.symbol, decimals: chain.token.decimals },
    treasury: chain.treasury.address,
    txHash,
  };
  const envelope: SignedStatement = await signPayload(ctx.secrets.signer, payload);
  await ctx.db.query(
    `UPDATE settlements SET status = 'confirmed', tx_hash = $2, envelope = $3, last_error = NULL, updated_at = $4 WHERE statement_id = $1`,
    [row.statement_id, txHash, JSON.stringify(envelope), ctx.now()],
  );
  return 'confirmed';
}

/** Signed statements for one node, newest first. */
export async function statementsFor(ctx: CoordinatorContext, nodeId: string): Promise<SignedStatement[]> {
  await ensureSettlementSchema(ctx.db);
  const rows = (
    await ctx.db.query(
      `SELECT envelope FROM settlements WHERE node_id = $1 AND status = 'confirmed' ORDER BY created_at DESC`,
      [nodeId],
    )
  ).rows;
  return rows.map((r) => (typeof r.envelope === 'string' ? JSON.parse(r.envelope) : r.envelope) as SignedStatement);
}
