import { formatUnits } from '../../shared/protocol/money';
import type { PassReason } from '../../shared/protocol/messages';
import { SLA_TIERS } from '../../shared/protocol/constants';
import type { JobNeeds, NodeProfile } from './reasons';

export interface AdviceContext {
  node: NodeProfile;
  jobs: JobNeeds[];
  token: { symbol: string; decimals: number };
}

/** Says, for one reason, what the operator could change and what it would gain. */
export function adviceFor(reason: PassReason, ctx: AdviceContext): string {
  const price = (u: number) => `${formatUnits(u, ctx.token.decimals)} ${ctx.token.symbol}`;
  switch (reason) {
    case 'no_benchmark':
      return 'This node has no benchmark result, and networks only lease to benchmarked nodes. Leave and Join again so the benchmark job runs.';
    case 'floor_above_offer': {
      const best = Math.max(...ctx.jobs.map((j) => j.price));
      return `Your price floor is ${price(ctx.node.priceFloor)} per GPU-hour, above what these jobs offer (best: ${price(best)}). Lower your floor to ${price(best)} or less to take them.`;
    }
    case 'vram_too_small': {
      const need = Math.min(...ctx.jobs.map((j) => j.minVramMiB));
      return `These jobs need at least ${need} MiB of GPU memory; this node reports ${ctx.node.minVramMiB} MiB. Only a GPU with more memory can take them.`;
    }
    case 'too_few_gpus': {
      const need = Math.min(...ctx.jobs.map((j) => j.gpuCount));
      return `These jobs need ${need} or more GPUs; this node offers ${ctx.node.gpuCount}.`;
    }
    case 'gpu_model_mismatch':
      return 'These jobs ask for a specific GPU model that this node does not have.';
    case 'tier_too_low': {
      const need = Math.min(...ctx.jobs.map((j) => j.tierRank));
      return `These jobs need the ${SLA_TIERS[need] ?? 'higher'} service tier; this node offers ${SLA_TIERS[ctx.node.tierRank]}. Keep the rig online longer to qualify for a higher tier, then raise it.`;
    }
  }
}
