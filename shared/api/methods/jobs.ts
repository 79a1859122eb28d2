import { z } from 'zod';
import { defineEvents, defineMethods } from '../define';
import { JobDetail, JobStatus, JobSummary } from '../../jobs/result';

export const JobPage = z.object({
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  items: z.array(JobSummary),
});
export type JobPage = z.infer<typeof JobPage>;

export const JobLogs = z.object({
  jobId: z.string(),
  /** The end of the job's log file (or its stored tail once the file is gone). */
  text: z.string(),
  truncated: z.boolean(),
});
export type JobLogs = z.infer<typeof JobLogs>;

const JobId = z.object({ id: z.string().min(1).max(64) }).strict();

export const jobsMethods = defineMethods({
  'jobs.list': {
    input: z
      .object({
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
        status: JobStatus.optional(),
      })
      .strict(),
    output: JobPage,
  },
  'jobs.get': { input: JobId, output: JobDetail },
  'jobs.logs': {
    input: z
      .object({
        id: z.string().min(1).max(64),
        maxBytes: z
          .number()
          .int()
          .min(1)
          .max(1024 * 1024)
          .default(64 * 1024),
      })
      .strict(),
    output: JobLogs,
  },
  'jobs.preempt': { input: JobId, output: z.object({ id: z.string(), status: JobStatus }) },
});

export const JobProgress = z.object({
  jobId: z.string(),
  status: JobStatus,
  message: z.string().nullable(),
  pull: z
    .object({ layer: z.string().optional(), current: z.number().optional(), total: z.number().optional() })
    .optional(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobLogLine = z.object({
  jobId: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  line: z.string(),
});
export type JobLogLine = z.infer<typeof JobLogLine>;

export const jobsEvents = defineEvents({
  'job.progress': JobProgress,
  'job.log': JobLogLine,
});
