/** Every engine object a job owns carries these labels, so recovery can find it after a crash. */
export const JOB_LABEL = 'org.rigshare.job-id';
export const MANAGED_LABEL = 'org.rigshare.managed';

export const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function jobLabels(jobId: string): Record<string, string> {
  return { [JOB_LABEL]: jobId, [MANAGED_LABEL]: 'true' };
}

export function containerName(jobId: string): string {
  return `rigshare-job-${jobId}`;
}

export function volumeName(jobId: string, kind: 'input' | 'output' | 'checkpoint'): string {
  return `rigshare-job-${jobId}-${kind}`;
}

export function networkName(jobId: string): string {
  return `rigshare-job-${jobId}`;
}
