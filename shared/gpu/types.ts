import { z } from 'zod';

export const GpuVendor = z.enum(['nvidia', 'amd', 'intel', 'apple', 'other']);
export type GpuVendor = z.infer<typeof GpuVendor>;

/** One GPU as Rigshare knows it. Fields a tool could not report are null, never NaN or a guess. */
export const Gpu = z.object({
  /** Position in the vendor tool's own list; pins a job to this card when no UUID is known. */
  index: z.number().int().min(0),
  vendor: GpuVendor,
  /** The product name exactly as the driver reports it. */
  model: z.string(),
  /** Normalized model key used by rate cards and the TDP table, e.g. "rtx-4090". */
  key: z.string(),
  vramMiB: z.number().nullable(),
  driver: z.string().nullable(),
  uuid: z.string().nullable(),
  pciBus: z.string().nullable(),
  /** The enforced board power limit the driver reports, in watts. */
  powerLimitW: z.number().nullable(),
  computeCapability: z.string().nullable().optional(),
  /** Highest CUDA version the installed driver supports. */
  cudaVersion: z.string().nullable().optional(),
});
export type Gpu = z.infer<typeof Gpu>;

export const GpuTool = z.enum(['nvidia-smi', 'rocm-smi', 'systeminformation']);
export type GpuTool = z.infer<typeof GpuTool>;

/**
 * What happened when a vendor tool was asked. "missing" is normal on a machine without that
 * vendor's card; the others mean something is wrong and carry a fix.
 */
export const ToolState = z.enum(['ok', 'missing', 'failed', 'timeout', 'malformed']);
export type ToolState = z.infer<typeof ToolState>;

export const ToolReport = z.object({
  tool: GpuTool,
  state: ToolState,
  detail: z.string(),
  fix: z.string().nullable(),
});
export type ToolReport = z.infer<typeof ToolReport>;

export const GpuInventory = z.object({
  gpus: z.array(Gpu),
  tools: z.array(ToolReport),
  detectedAt: z.number(),
});
export type GpuInventory = z.infer<typeof GpuInventory>;

/** One reading of one GPU. Null where the card or driver does not report the value. */
export const GpuSample = z.object({
  index: z.number().int(),
  vendor: GpuVendor,
  at: z.number(),
  utilizationPct: z.number().nullable(),
  memoryUsedMiB: z.number().nullable(),
  temperatureC: z.number().nullable(),
  powerW: z.number().nullable(),
  fanPct: z.number().nullable(),
  clockGraphicsMHz: z.number().nullable(),
  clockMemoryMHz: z.number().nullable(),
});
export type GpuSample = z.infer<typeof GpuSample>;

export const TelemetryTick = z.object({
  at: z.number(),
  intervalMs: z.number(),
  samples: z.array(GpuSample),
  /** Set when this tick could not be read; the previous samples stay valid. */
  problem: z.string().nullable(),
});
export type TelemetryTick = z.infer<typeof TelemetryTick>;
