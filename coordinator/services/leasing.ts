import { Buffer } from 'node:buffer';
import crypto from 'node:crypto';
import { SLA_TIERS } from '../../shared/protocol/constants';
import type {
  CheckpointRequest,
  CompleteRequest,
  CompleteResponse,
  FailRequest,
  OfferPayload,
  ProgressRequest,
  ReleaseRequest,
  SignedOffer,
} from '../../shared/protocol/messages';
import { computeJobCharge } from '../../shared/protocol/money';
import { signPayload } from '../../shared/protocol/signing';
import { makeStamp } from '../../shared/protocol/stamp';
import type { CoordinatorContext } from '../context';
import { badRequest, conflict, forbidden, notFound } from '../http/errors';
import { newId, randomNonce } from '../ids';
import { MATCH_SQL } from '../matching/reasons';
import { int, type Queryable, type Row } from '../store/db';
import type { NodeSession } from './auth';

interface JobRow extends Row {
  id: string;
  spec: Record<string, unknown>;
  gpu_count: number;
  min_vram_mib: number;
  gpu_key: string | null;
  sla_tier: string;
  price: unknown;
  status: string;
  attempts: number;
  lease_id: string | null;
  node_id: string | null;
  customer_id: string;
  lease_expires_at: unknown;
  checkpoint_sha256: string | null;
  checkpoint_data: string | null;
}

/**
 * Leases the best queued job this node can take, or returns null. The inner SELECT … FOR UPDATE
 * SKIP LOCKED is what keeps two nodes (or two coordinator instances) from taking the same job.
 */
export async function tryLease(ctx: CoordinatorContext, session: NodeSession): Promise<SignedOffer | null> {
  const node = (
    await ctx.db.query<{
      registered_at: unknown;
      benchmark: unknown;
      gpu_count: number;
      min_vram_mib: number;
      gpu_key: string | null;
      tier_rank: number;
      price_floor: unknown;
    }>(
      'SELECT registered_at, benchmark, gpu_count, min_vram_mib, gpu_key, tier_rank, price_floor FROM nodes WHERE id = $1',
      [session.nodeId],
    )
  ).rows[0];
  if (!node || node.registered_at === null)
    throw conflict('not_registered', 'Register this node before asking for work.');
  if (!node.benchmark) return null;
  const now = ctx.now();
  const leaseId = newId('lease');
  const expiresAt = now + ctx.config.leaseTtlMs;
  const job = await ctx.db.transaction(async (tx) => {
    const res = await tx.query<JobRow>(
      `UPDATE jobs SET status = 'leased', node_id = $6, lease_id = $7, leased_at = $8, lease_expires_at = $9,
         attempts = attempts + 1, progress = NULL, updated_at = $8
       WHERE id = (SELECT id FROM jobs WHERE status = 'queued' AND ${MATCH_SQL}
                   ORDER BY price DESC, created_at ASC LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [
        node.gpu_count,
        node.min_vram_mib,
        node.gpu_key,
        node.tier_rank,
        int(node.price_floor),
        session.nodeId,
        leaseId,
        now,
        expiresAt,
      ],
    );
    const row = res.rows[0];
    if (!row) return null;
    await tx.query('INSERT INTO leases (id, job_id, node_id, attempt, leased_at) VALUES ($1, $2, $3, $4, $5)', [
      leaseId,
      row.id,
      session.nodeId,
      row.attempts,
      now,
    ]);
    return row;
  });
  if (!job) return null;
  ctx.log.info({ jobId: job.id, leaseId, nodeId: session.nodeId, attempt: job.attempts }, 'job leased');
  const payload: OfferPayload = {
    ...makeStamp(ctx.config.chainId, now, randomNonce),
    kind: 'offer',
    leaseId,
    jobId: job.id,
    nodeId: session.nodeId,
    nodeAddress: session.address,
    spec: job.spec as OfferPayload['spec'],
    requirements: {
      gpuCount: job.gpu_count,
      minVramMiB: job.min_vram_mib,
      gpuKey: job.gpu_key,
      slaTier: job.sla_tier as (typeof SLA_TIERS)[number],
    },
    pricePerGpuHour: int(job.price),
    feeBps: ctx.config.feeBps,
    leaseExpiresAt: expiresAt,
    attempt: job.attempts,
    checkpoint:
      job.checkpoint_sha256 && job.checkpoint_data !== null
        ? {
            sha256: job.checkpoint_sha256,
            bytes: Buffer.from(job.checkpoint_data, 'base64').length,
            data: job.checkpoint_data,
          }
        : null,
  };
  return signPayload(ctx.secrets.signer, payload);
}

/** Long-poll: tries now, then whenever a job may have appeared, until `waitMs` passes. */
export async function leaseWithWait(
  ctx: CoordinatorContext,
  session: NodeSession,
  waitMs: number,
  aborted: () => boolean,
): Promise<SignedOffer | null> {
  const deadline = ctx.now() + waitMs;
  for (;;) {
    if (aborted()) return null;
    const offer = await tryLease(ctx, session);
    if (offer) return offer;
    const left = deadline - ctx.now();
    if (left <= 0) return null;
    // Other instances cannot wake us, so poll as well; 500 ms bounds the extra latency there.
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        ctx.wake.off('job', done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(left, 500));
      ctx.wake.on('job', done);
    });
  }
}

interface LeaseRow extends Row {
  id: string;
  job_id: string;
  node_id: string;
  leased_at: unknown;
  ended_at: unknown;
}

/** The lease, checked to belong to the caller. A node can never report on another node's job. */
async function ownLease(tx: Queryable, session: NodeSession, leaseId: string): Promise<LeaseRow> {
  const lease = (await tx.query<LeaseRow>('SELECT * FROM leases WHERE id = $1', [leaseId])).rows[0];
  if (!lease) throw notFound(`No lease ${leaseId} on this network.`);
  if (lease.node_id !== session.nodeId)
    throw forbidden('This lease belongs to another node; a node may only report on its own jobs.');
  return lease;
}

/** Records an idempotency key once. False means the report was already taken. */
async function firstReport(
  tx: Queryable,
  session: NodeSession,
  key: string,
  leaseId: string,
  kind: string,
  now: number,
): Promise<boolean> {
  const res = await tx.query(
    'INSERT INTO reports (node_id, idempotency_key, lease_id, kind, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING at',
    [session.nodeId, key, leaseId, kind, now],
  );
  return res.rowCount === 1;
}

async function currentJob(tx: Queryable, lease: LeaseRow): Promise<JobRow> {
  const job = (await tx.query<JobRow>('SELECT * FROM jobs WHERE id = $1 FOR UPDATE', [lease.job_id])).rows[0];
  if (!job) throw notFound('The job for this lease no longer exists.');
  if (job.lease_id !== lease.id || job.status !== 'leased') {
    throw conflict(
      'lease_lost',
      'This lease has ended (expired, released or finished); stop the job and ask for new work.',
    );
  }
  return job;
}

interface ReportAnswer {
  accepted: true;
  duplicate: boolean;
}

/**
 * Applies a node's report on its own live lease, once: a repeat of the idempotency key is
 * answered as a duplicate and changes nothing, and a report on a lease that has ended is refused.
 */
async function applyReport(
  ctx: CoordinatorContext,
  session: NodeSession,
  leaseId: string,
  kind: 'progress' | 'checkpoint' | 'fail' | 'release',
  report: { idempotencyKey: string },
  apply: (tx: Queryable, job: JobRow, now: number) => Promise<void>,
): Promise<ReportAnswer> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const lease = await ownLease(tx, session, leaseId);
    if (!(await firstReport(tx, session, report.idempotencyKey, leaseId, kind, now)))
      return { accepted: true, duplicate: true };
    const job = await currentJob(tx, lease);
    await apply(tx, job, now);
    return { accepted: true, duplicate: false };
  });
}

export async function reportProgress(
  ctx: CoordinatorContext,
  session: NodeSession,
  leaseId: string,
  req: ProgressRequest,
): Promise<ReportAnswer> {
  return applyReport(ctx, session, leaseId, 'progress', req, async (tx, job, now) => {
    await tx.query('UPDATE jobs SET progress = $2, lease_expires_at = $3, updated_at = $4 WHERE id = $1', [
      job.id,
      JSON.stringify({ fraction: req.fraction, message: req.message }),
      now + ctx.config.leaseTtlMs,
      now,
    ]);
  });
}

export async function reportCheckpoint(
  ctx: CoordinatorContext,
  session: NodeSession,
  leaseId: string,
  req: CheckpointRequest,
): Promise<ReportAnswer> {
  const bytes = Buffer.from(req.data, 'base64');
  if (bytes.toString('base64') !== req.data.replace(/\s/g, ''))
    throw badRequest('Checkpoint data must be plain base64.');
  if (bytes.length > ctx.config.maxCheckpointBytes)
    throw badRequest(
      `Checkpoint is ${bytes.length} bytes; this network keeps at most ${ctx.config.maxCheckpointBytes}.`,
    );
  if (crypto.createHash('sha256').update(bytes).digest('hex') !== req.sha256)
    throw badRequest('Checkpoint sha256 does not match its data.');
  return applyReport(ctx, session, leaseId, 'checkpoint', req, async (tx, job, now) => {
    await tx.query(
      'UPDATE jobs SET checkpoint_sha256 = $2, checkpoint_data = $3, lease_expires_at = $4, updated_at = $5 WHERE id = $1',
      [job.id, req.sha256, req.data, now + ctx.config.leaseTtlMs, now],
    );
  });
}

interface AccountingRow extends Row {
  job_id: string;
  lease_id: string;
  gpu_ms: unknown;
  price: unknown;
  fee_bps: number;
  gross: unknown;
  fee: unknown;
  net: unknown;
}

async function receiptFor(
  ctx: CoordinatorContext,
  session: NodeSession,
  row: AccountingRow,
  duplicate: boolean,
): Promise<CompleteResponse> {
  // Signed afresh each time, so a receipt fetched again after an outage is not stale.
  const receipt = await signPayload(ctx.secrets.signer, {
    ...makeStamp(ctx.config.chainId, ctx.now(), randomNonce),
    kind: 'completion_receipt' as const,
    jobId: row.job_id,
    leaseId: row.lease_id,
    nodeId: session.nodeId,
    nodeAddress: session.address,
    gpuMs: int(row.gpu_ms),
    pricePerGpuHour: int(row.price),
    feeBps: row.fee_bps,
    gross: int(row.gross),
    fee: int(row.fee),
    net: int(row.net),
  });
  return { duplicate, receipt };
}

/**
 * The result, once. A repeat with the same key (or after an outage, with any key for the same
 * lease) gets the same accounting back and changes nothing. A result for a lease that expired
 * while the job was still unfinished is accepted: the work was done, and first result wins.
 */
export async function completeJob(
  ctx: CoordinatorContext,
  session: NodeSession,
  leaseId: string,
  req: CompleteRequest,
): Promise<CompleteResponse> {
  const now = ctx.now();
  const out = await ctx.db.transaction(async (tx) => {
    const lease = await ownLease(tx, session, leaseId);
    const prior = (await tx.query<AccountingRow>('SELECT * FROM accounting WHERE job_id = $1', [lease.job_id])).rows[0];
    if (prior) {
      if (prior.lease_id !== leaseId)
        throw conflict('job_closed', 'Another node already delivered this job; its result stands.');
      return { row: prior, duplicate: true };
    }
    await firstReport(tx, session, req.idempotencyKey, leaseId, 'complete', now);
    const job = (await tx.query<JobRow>('SELECT * FROM jobs WHERE id = $1 FOR UPDATE', [lease.job_id])).rows[0];
    if (!job) throw notFound('The job for this lease no longer exists.');
    if (job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled') {
      throw conflict('job_closed', `This job is already ${job.status}.`);
    }
    const ranFor = Math.max(0, now - int(lease.leased_at));
    const billedMs = req.result.status === 'rejected' ? 0 : Math.min(req.result.durationMs, ranFor);
    const charge = computeJobCharge({
      durationMs: billedMs,
      gpuCount: job.gpu_count,
      pricePerGpuHour: int(job.price),
      feeBps: ctx.config.feeBps,
    });
    await tx.query(
      `UPDATE jobs SET status = 'completed', result = $2, node_id = $3, lease_id = $4, lease_expires_at = NULL, updated_at = $5 WHERE id = $1`,
      [job.id, JSON.stringify(req.result), session.nodeId, leaseId, now],
    );
    const row: AccountingRow = {
      job_id: job.id,
      lease_id: leaseId,
      gpu_ms: charge.gpuMs,
      price: int(job.price),
      fee_bps: ctx.config.feeBps,
      gross: charge.gross,
      fee: charge.fee,
      net: charge.net,
    };
    await tx.query(
      `INSERT INTO accounting (job_id, lease_id, node_id, customer_id, gpu_ms, price, fee_bps, gross, fee, net, completed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        job.id,
        leaseId,
        session.nodeId,
        job.customer_id,
        charge.gpuMs,
        row.price,
        row.fee_bps,
        charge.gross,
        charge.fee,
        charge.net,
        now,
      ],
    );
    await tx.query(`UPDATE leases SET ended_at = $2, end_reason = 'completed' WHERE id = $1`, [leaseId, now]);
    return { row, duplicate: false };
  });
  if (!out.duplicate) ctx.log.info({ jobId: out.row.job_id, leaseId, net: int(out.row.net) }, 'job completed');
  return receiptFor(ctx, session, out.row, out.duplicate);
}

/** Puts a leased job back in the queue, keeping its checkpoint, or fails it for good. */
async function endLease(
  tx: Queryable,
  ctx: CoordinatorContext,
  job: JobRow,
  how: { requeue: boolean; reason: string; endReason: string },
  now: number,
) {
  const giveUp = !how.requeue || job.attempts >= ctx.config.maxAttempts;
  await tx.query(
    `UPDATE jobs SET status = $2, failure = $3, node_id = NULL, lease_id = NULL, leased_at = NULL, lease_expires_at = NULL,
       progress = NULL, updated_at = $4 WHERE id = $1`,
    [job.id, giveUp ? 'failed' : 'queued', giveUp ? how.reason : null, now],
  );
  await tx.query('UPDATE leases SET ended_at = $2, end_reason = $3 WHERE id = $1', [job.lease_id, now, how.endReason]);
  return giveUp;
}

export async function failJob(
  ctx: CoordinatorContext,
  session: NodeSession,
  leaseId: string,
  req: FailRequest,
): Promise<ReportAnswer> {
  const res = await applyReport(ctx, session, leaseId, 'fail', req, async (tx, job, now) => {
    await endLease(tx, ctx, job, { requeue: req.retryable, reason: req.reason, endReason: 'failed' }, now);
  });
  if (!res.duplicate && req.retryable) ctx.wake.emit('job');
  return res;
}

export async function releaseLease(
  ctx: CoordinatorContext,
  session: NodeSession,
  leaseId: string,
  req: ReleaseRequest,
): Promise<ReportAnswer> {
  const res = await applyReport(ctx, session, leaseId, 'release', req, async (tx, job, now) => {
    // A hand-back is not the job's fault: it does not use up an attempt.
    await tx.query('UPDATE jobs SET attempts = GREATEST(attempts - 1, 0) WHERE id = $1', [job.id]);
    await endLease(
      tx,
      ctx,
      { ...job, attempts: job.attempts - 1 },
      { requeue: true, reason: req.reason, endReason: 'released' },
      now,
    );
  });
  if (!res.duplicate) ctx.wake.emit('job');
  return res;
}

/** Requeues every job whose lease was not renewed in time. Safe to run on several instances at once. */
export async function sweepExpiredLeases(ctx: CoordinatorContext): Promise<number> {
  const now = ctx.now();
  const ended = await ctx.db.transaction(async (tx) => {
    const expired = await tx.query<JobRow>(
      `SELECT * FROM jobs WHERE status = 'leased' AND lease_expires_at < $1 ORDER BY lease_expires_at LIMIT 500 FOR UPDATE SKIP LOCKED`,
      [now],
    );
    for (const job of expired.rows) {
      const failed = await endLease(
        tx,
        ctx,
        job,
        { requeue: true, reason: `The job lost its node ${job.attempts} times.`, endReason: 'expired' },
        now,
      );
      ctx.log.warn({ jobId: job.id, leaseId: job.lease_id, requeued: !failed }, 'lease expired');
    }
    await tx.query('DELETE FROM request_nonces WHERE expires_at < $1', [now]);
    await tx.query('DELETE FROM login_nonces WHERE expires_at < $1', [now]);
    return expired.rows.length;
  });
  if (ended > 0) ctx.wake.emit('job');
  return ended;
}

/**
 * After this instance was down, nodes could not renew their leases. Give every open lease one
 * full TTL from now, so a restart does not take jobs from nodes that kept working through it.
 */
export async function graceOpenLeases(ctx: CoordinatorContext): Promise<void> {
  await ctx.db.query(`UPDATE jobs SET lease_expires_at = GREATEST(lease_expires_at, $1) WHERE status = 'leased'`, [
    ctx.now() + ctx.config.leaseTtlMs,
  ]);
}
