import { z } from 'zod';

export const CheckName = z.enum(['docker', 'nvidia-toolkit', 'gpu-driver', 'disk', 'memory', 'virtualization']);
export type CheckName = z.infer<typeof CheckName>;

/** One line of the readiness checklist: did it pass, what was seen, and what to do if not. */
export const ReadinessCheck = z.object({
  check: CheckName,
  ok: z.boolean(),
  detail: z.string(),
  fix: z.string().nullable(),
});
export type ReadinessCheck = z.infer<typeof ReadinessCheck>;

/** Container escape in the toolkit's createContainer hook is fixed from this version on. */
export const MIN_SAFE_TOOLKIT = '1.17.8';
export const TOOLKIT_CVE = 'CVE-2025-23266';
/** First driver branch with CUDA 12.2; most current AI images need it. */
export const MIN_NVIDIA_DRIVER = '535';
export const MIN_FREE_DISK_BYTES = 50 * 1024 ** 3;
export const MIN_MEMORY_BYTES = 8 * 1024 ** 3;
