import { tierRank } from '../../shared/protocol/constants';
import type { HeartbeatRequest, HeartbeatResponse, RegisterRequest } from '../../shared/protocol/messages';
import { signPayload } from '../../shared/protocol/signing';
import { makeStamp } from '../../shared/protocol/stamp';
import type { CoordinatorContext } from '../context';
import { randomNonce } from '../ids';
import { int } from '../store/db';
import type { NodeSession } from './auth';

export async function registerNode(
  ctx: CoordinatorContext,
  session: NodeSession,
  req: RegisterRequest,
): Promise<{ nodeId: string; registeredAt: number }> {
  const now = ctx.now();
  const gpus = [...req.gpus].sort((a, b) => a.index - b.index);
  // A multi-GPU job needs the memory on each card, so the node's figure is its smallest card.
  const minVram = gpus.length ? Math.min(...gpus.map((g) => g.vramMiB)) : 0;
  await ctx.db.query(
    `UPDATE nodes SET registered_at = $2, gpus = $3, gpu_count = $4, min_vram_mib = $5, gpu_key = $6, benchmark = $7,
       price_floor = $8, sla_tier = $9, tier_rank = $10, payout_address = $11, agent_version = $12, state = 'idle'
     WHERE id = $1`,
    [
      session.nodeId,
      now,
      JSON.stringify(gpus),
      gpus.length,
      minVram,
      gpus[0]?.key ?? null,
      req.benchmark ? JSON.stringify(req.benchmark) : null,
      req.priceFloorPerGpuHour,
      req.slaTier,
      tierRank(req.slaTier),
      req.payoutAddress,
      req.agentVersion,
    ],
  );
  ctx.wake.emit('job');
  return { nodeId: session.nodeId, registeredAt: now };
}

/**
 * Renews the leases the node still holds, tells it which it no longer holds, and returns a signed
 * receipt it can keep as proof of uptime. The sample and the node's state were already written,
 * with the request nonce, by the batching writer (coordinator/heartbeats).
 */
export async function heartbeat(
  ctx: CoordinatorContext,
  session: NodeSession,
  req: HeartbeatRequest,
): Promise<HeartbeatResponse> {
  const now = ctx.now();
  let held: string[] = [];
  if (req.leaseIds.length) {
    const rows = await ctx.db.query<{ lease_id: string }>(
      `UPDATE jobs SET lease_expires_at = $3 WHERE node_id = $1 AND status = 'leased' AND lease_id = ANY($2::text[]) RETURNING lease_id`,
      [session.nodeId, req.leaseIds, now + ctx.config.leaseTtlMs],
    );
    held = rows.rows.map((r) => r.lease_id);
  }
  const receipt = await signPayload(ctx.secrets.signer, {
    ...makeStamp(ctx.config.chainId, now, randomNonce),
    kind: 'heartbeat_receipt' as const,
    nodeId: session.nodeId,
    nodeAddress: session.address,
    heartbeatNonce: req.nonce,
    receivedAt: now,
  });
  return { receipt, revokedLeaseIds: req.leaseIds.filter((id) => !held.includes(id)) };
}

/**
 * Uptime credited over a window by the gap rule: time between consecutive heartbeats counts only
 * when the gap is no longer than the allowed interval. Computed in SQL so it scales with rows.
 */
export async function uptime(
  ctx: CoordinatorContext,
  nodeId: string,
  windowMs: number,
): Promise<{ windowMs: number; creditedMs: number; ratio: number }> {
  const now = ctx.now();
  const from = now - windowMs;
  const row = (
    await ctx.db.query<{ credited: unknown }>(
      `SELECT COALESCE(SUM(CASE WHEN gap <= $3 THEN gap ELSE 0 END), 0) AS credited
       FROM (SELECT at - LAG(at) OVER (ORDER BY at) AS gap FROM heartbeats WHERE node_id = $1 AND at >= $2) g
       WHERE gap IS NOT NULL`,
      [nodeId, from, ctx.config.uptimeMaxGapMs],
    )
  ).rows[0];
  const creditedMs = int(row?.credited);
  return { windowMs, creditedMs, ratio: windowMs > 0 ? Math.min(1, creditedMs / windowMs) : 0 };
}
