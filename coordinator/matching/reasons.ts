import type { PassReason } from '../../shared/protocol/messages';

/** What matching knows about a node. */
export interface NodeProfile {
  gpuCount: number;
  minVramMiB: number;
  gpuKey: string | null;
  tierRank: number;
  priceFloor: number;
  hasBenchmark: boolean;
}

/** What matching knows about a queued job. */
export interface JobNeeds {
  gpuCount: number;
  minVramMiB: number;
  gpuKey: string | null;
  tierRank: number;
  price: number;
}

/**
 * Every reason a node cannot take a job; empty means it matches. The SQL in leasing applies the
 * same predicate; this form exists so diagnostics can say which part failed.
 */
export function passReasons(node: NodeProfile, job: JobNeeds): PassReason[] {
  const reasons: PassReason[] = [];
  if (!node.hasBenchmark) reasons.push('no_benchmark');
  if (job.price < node.priceFloor) reasons.push('floor_above_offer');
  if (job.gpuCount > node.gpuCount) reasons.push('too_few_gpus');
  if (job.minVramMiB > node.minVramMiB) reasons.push('vram_too_small');
  if (job.gpuKey !== null && job.gpuKey !== node.gpuKey) reasons.push('gpu_model_mismatch');
  if (job.tierRank > node.tierRank) reasons.push('tier_too_low');
  return reasons;
}

/** SQL for "this queued job fits node $n": parameters are gpu count, vram, key, tier rank, floor. */
export const MATCH_SQL = `
  gpu_count <= $1 AND min_vram_mib <= $2 AND (gpu_key IS NULL OR gpu_key = $3)
  AND tier_rank <= $4 AND price >= $5`;
