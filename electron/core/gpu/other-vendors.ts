import si from 'systeminformation';
import { modelKey, vendorFromName } from '../../../shared/gpu/keys';
import type { Gpu, GpuVendor, ToolReport } from '../../../shared/gpu/types';

export interface GraphicsController {
  vendor?: string;
  model?: string;
  vram?: number | null;
  driverVersion?: string;
  busAddress?: string;
}

export type GraphicsReader = () => Promise<{ controllers: GraphicsController[] }>;

/**
 * Intel and Apple GPUs come from systeminformation, read once for the inventory. It runs
 * nvidia-smi synchronously inside, so it is only asked when nvidia-smi is absent (it then returns
 * at once) and never for telemetry.
 */
export async function detectOtherVendors(
  read: GraphicsReader = () => si.graphics(),
  include: (vendor: GpuVendor) => boolean = (v) => v === 'intel' || v === 'apple',
): Promise<{ gpus: Gpu[]; report: ToolReport }> {
  try {
    const { controllers } = await read();
    const gpus: Gpu[] = [];
    for (const c of controllers) {
      const name = [c.vendor, c.model].filter(Boolean).join(' ').trim();
      if (!name) continue;
      const vendor = vendorFromName(name);
      if (!include(vendor)) continue;
      const vramMiB = typeof c.vram === 'number' && c.vram > 0 ? c.vram : null;
      gpus.push({
        index: gpus.length,
        vendor,
        model: c.model?.trim() || name,
        key: modelKey(vendor, c.model ?? name, vramMiB),
        vramMiB,
        driver: c.driverVersion?.trim() || null,
        uuid: null,
        pciBus: c.busAddress?.trim() || null,
        powerLimitW: null,
        computeCapability: null,
        cudaVersion: null,
      });
    }
    return {
      gpus,
      report: { tool: 'systeminformation', state: 'ok', detail: `${gpus.length} other GPU(s)`, fix: null },
    };
  } catch (err) {
    return {
      gpus: [],
      report: {
        tool: 'systeminformation',
        state: 'failed',
        detail: `Graphics inventory failed: ${(err as Error).message}`,
        fix: null,
      },
    };
  }
}
