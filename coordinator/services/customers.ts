import { tierRank, type SlaTierName } from '../../shared/protocol/constants';
import { SubmitJobRequest, type JobView } from '../../shared/protocol/messages';
import type { CoordinatorContext } from '../context';
import { unauthorized, notFound } from '../http/errors';
import { newId } from '../ids';
import { sha256Hex } from '../secrets';
import { int, intOrNull, type Row } from '../store/db';

export async function ensureCustomer(ctx: CoordinatorContext, token: string): Promise<string> {
  const hash = sha256Hex(token);
  await ctx.db.query(
    'INSERT INTO customers (id, token_sha256, created_at) VALUES ($1, $2, $3) ON CONFLICT (token_sha256) DO NOTHING',
    [newId('cust'), hash, ctx.now()],
  );
  const row = (await ctx.db.query<{ id: string }>('SELECT id FROM customers WHERE token_sha256 = $1', [hash])).rows[0];
  return row!.id;
}

export async function authenticateCustomer(
  ctx: CoordinatorContext,
  authorization: string | undefined,
): Promise<string> {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token)
    throw unauthorized(
      'no_token',
      'This call needs a customer token: --token, RIGSHARE_TOKEN, or Authorization: Bearer.',
    );
  const row = (
    await ctx.db.query<{ id: string }>('SELECT id FROM customers WHERE token_sha256 = $1', [sha256Hex(token)])
  ).rows[0];
  if (!row)
    throw unauthorized('invalid_token', 'Unknown customer token. `rigshare coordinator token` prints the right one.');
  return row.id;
}

export async function submitJob(
  ctx: CoordinatorContext,
  customerId: string,
  input: ReturnType<typeof SubmitJobRequest.parse>,
): Promise<JobView> {
  const now = ctx.now();
  const id = newId('job');
  const tier: SlaTierName = input.requirements.slaTier ?? 'bronze';
  const res = await ctx.db.query<{ id: string }>(
    `INSERT INTO jobs (id, customer_id, idempotency_key, spec, gpu_count, min_vram_mib, gpu_key, sla_tier, tier_rank, price, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued', $11, $11)
     ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING id`,
    [
      id,
      customerId,
      input.idempotencyKey ?? null,
      JSON.stringify(input.spec),
      input.spec.resources.gpus,
      input.requirements.minVramMiB ?? 0,
      input.requirements.gpuKey ?? null,
      tier,
      tierRank(tier),
      input.maxPricePerGpuHour,
      now,
    ],
  );
  let jobId = res.rows[0]?.id;
  if (!jobId) {
    jobId = (
      await ctx.db.query<{ id: string }>('SELECT id FROM jobs WHERE customer_id = $1 AND idempotency_key = $2', [
        customerId,
        input.idempotencyKey,
      ])
    ).rows[0]!.id;
  } else {
    ctx.wake.emit('job');
  }
  return viewJob(ctx, customerId, jobId);
}

export async function viewJob(ctx: CoordinatorContext, customerId: string, jobId: string): Promise<JobView> {
  const row = (
    await ctx.db.query<Row>(
      `SELECT j.*, n.address AS node_address, a.gpu_ms, a.gross, a.fee, a.net
       FROM jobs j LEFT JOIN nodes n ON n.id = j.node_id LEFT JOIN accounting a ON a.job_id = j.id
       WHERE j.id = $1 AND j.customer_id = $2`,
      [jobId, customerId],
    )
  ).rows[0];
  // Another customer's job looks exactly like a missing one.
  if (!row) throw notFound(`No job ${jobId} for this customer.`);
  const ckptSha = row.checkpoint_sha256 as string | null;
  return {
    jobId: row.id as string,
    status: row.status as JobView['status'],
    createdAt: int(row.created_at),
    updatedAt: int(row.updated_at),
    attempts: Number(row.attempts),
    pricePerGpuHour: int(row.price),
    requirements: {
      gpuCount: Number(row.gpu_count),
      minVramMiB: Number(row.min_vram_mib),
      gpuKey: (row.gpu_key as string | null) ?? null,
      slaTier: row.sla_tier as SlaTierName,
    },
    node: (row.node_address as string | null) ?? null,
    progress: (row.progress as JobView['progress']) ?? null,
    checkpoint: ckptSha
      ? { sha256: ckptSha, bytes: Buffer.from(String(row.checkpoint_data ?? ''), 'base64').length }
      : null,
    result: (row.result as JobView['result']) ?? null,
    failure: (row.failure as string | null) ?? null,
    cost:
      intOrNull(row.gross) === null
        ? null
        : { gpuMs: int(row.gpu_ms), gross: int(row.gross), fee: int(row.fee), net: int(row.net) },
  };
}
