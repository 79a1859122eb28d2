import type { GpuInventory } from '../../../shared/gpu/types';
import { detectAmd } from './amd';
import { defaultRunner, detectNvidia, type Runner } from './nvidia';
import { detectOtherVendors, type GraphicsReader } from './other-vendors';

export interface DetectOptions {
  run?: Runner;
  /** How long a vendor tool may take before it is killed. */
  timeoutMs?: number;
  graphics?: GraphicsReader;
  now?: () => number;
}

export const DEFAULT_TOOL_TIMEOUT_MS = 5000;

/** Every GPU in the machine: NVIDIA and AMD from their own tools (in parallel), the rest from systeminformation. */
export async function detectGpus(options: DetectOptions = {}): Promise<GpuInventory> {
  const run = options.run ?? defaultRunner(options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS);
  const [nvidia, amd] = await Promise.all([detectNvidia(run), detectAmd(run)]);
  const tools = [nvidia.report, amd.report];
  const gpus = [...nvidia.gpus, ...amd.gpus];
  // systeminformation calls nvidia-smi synchronously; a stuck driver would freeze the agent.
  if (nvidia.report.state === 'missing') {
    const other = await detectOtherVendors(
      options.graphics,
      (vendor) => vendor === 'intel' || vendor === 'apple' || (vendor === 'amd' && amd.gpus.length === 0),
    );
    gpus.push(...other.gpus);
    tools.push(other.report);
  }
  return { gpus, tools, detectedAt: (options.now ?? Date.now)() };
}
