import { z } from 'zod';
import { defineEvents, defineMethods } from '../define';
import { ReadinessCheck } from '../../gpu/readiness';
import { GpuInventory, TelemetryTick } from '../../gpu/types';

export const TelemetryHistory = z.object({
  /** The current polling interval: 1 s while a dashboard watches, 15 s otherwise. */
  intervalMs: z.number(),
  ticks: z.array(TelemetryTick),
});
export type TelemetryHistory = z.infer<typeof TelemetryHistory>;

export const ReadinessReport = z.object({ checks: z.array(ReadinessCheck), at: z.number() });
export type ReadinessReport = z.infer<typeof ReadinessReport>;

export const gpuMethods = defineMethods({
  /** The GPUs found at start; `refresh` asks the vendor tools again. */
  'gpu.list': { input: z.object({ refresh: z.boolean().optional() }).strict(), output: GpuInventory },
  /** Telemetry from the last hour (ring buffer), newer than `sinceMs` when given. */
  'gpu.telemetry': { input: z.object({ sinceMs: z.number().optional() }).strict(), output: TelemetryHistory },
  'readiness.check': { input: z.object({}).strict(), output: ReadinessReport },
});

export const gpuEvents = defineEvents({
  'gpu.telemetry': TelemetryTick,
});
