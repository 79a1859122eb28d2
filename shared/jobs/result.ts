import { z } from 'zod';

/** Where a job is; the last six are terminal and written once. */
export const JobStatus = z.enum([
  'queued',
  'pulling',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'oom_killed',
  'preempted',
  'rejected',
]);
export type JobStatus = z.infer<typeof JobStatus>;

export const TerminalStatus = z.enum(['succeeded', 'failed', 'timed_out', 'oom_killed', 'preempted', 'rejected']);
export type TerminalStatus = z.infer<typeof TerminalStatus>;

export function isTerminal(status: JobStatus): status is TerminalStatus {
  return TerminalStatus.safeParse(status).success;
}

export const OutputFile = z.object({
  /** Relative to the job's output (or checkpoint) directory. */
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
});
export type OutputFile = z.infer<typeof OutputFile>;

/** What `rigshare job run` prints and what the ledger keeps for a finished job. */
export const JobResult = z.object({
  status: TerminalStatus,
  exitCode: z.number().int().nullable(),
  reason: z.string().nullable(),
  logTail: z.string(),
  outputs: z.array(OutputFile),
  durationMs: z.number().int().nonnegative(),
  /** Files saved from the checkpoint directory when the job was pre-empted. */
  checkpoint: z.array(OutputFile).optional(),
});
export type JobResult = z.infer<typeof JobResult>;

export const JobSummary = z.object({
  id: z.string(),
  status: JobStatus,
  image: z.string(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
  exitCode: z.number().int().nullable(),
  reason: z.string().nullable(),
});
export type JobSummary = z.infer<typeof JobSummary>;

export const JobEventRecord = z.object({
  seq: z.number().int(),
  at: z.number(),
  type: z.string(),
  data: z.unknown(),
});
export type JobEventRecord = z.infer<typeof JobEventRecord>;

export const JobDetail = JobSummary.extend({
  spec: z.unknown(),
  logTail: z.string(),
  outputs: z.array(OutputFile),
  checkpoint: z.array(OutputFile),
  leaseExpiresAt: z.number().nullable(),
  events: z.array(JobEventRecord),
});
export type JobDetail = z.infer<typeof JobDetail>;
