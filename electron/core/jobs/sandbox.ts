import type Docker from 'dockerode';
import { INPUT_DIR, type JobSpec } from '../../../shared/jobs/spec';
import { containerName, jobLabels, volumeName } from './names';

/** The unprivileged user every job runs as ("nobody" on most distributions). */
export const JOB_USER = '65534:65534';
export const TMPFS_MIB = 64;
/** Docker keeps its own copy of the logs; cap it so a flood cannot fill the host disk. */
export const ENGINE_LOG_MAX = '10m';

export interface SandboxContext {
  jobId: string;
  /** GPU UUIDs assigned to this job by detection; empty for CPU jobs. */
  gpuUuids: string[];
  /** Docker network name: 'none', or the job's internal egress network. */
  network: string;
  /** Set for egress jobs: the filtering proxy the job must go through. */
  proxyUrl: string | null;
  graceSeconds: number;
}

/**
 * The container a job runs in. Every setting here is a line of the sandbox rules: a job gets an
 * unprivileged user, no capabilities, a read-only root, its own volumes and no network, unless
 * the spec earns more within what the rules allow.
 */
export function sandboxOptions(spec: JobSpec, ctx: SandboxContext): Docker.ContainerCreateOptions {
  const env = Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`);
  if (ctx.proxyUrl) {
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) env.push(`${name}=${ctx.proxyUrl}`);
  }
  if (spec.resources.gpus > 0) env.push('NVIDIA_DRIVER_CAPABILITIES=compute,utility');
  const memoryBytes = spec.resources.memoryMiB * 1024 * 1024;
  const outputBytes = spec.resources.outputMiB * 1024 * 1024;
  return {
    name: containerName(ctx.jobId),
    Image: spec.image,
    Cmd: spec.command,
    Env: env,
    WorkingDir: spec.workdir ?? '',
    User: JOB_USER,
    Labels: jobLabels(ctx.jobId),
    StopSignal: 'SIGTERM',
    StopTimeout: ctx.graceSeconds,
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    HostConfig: {
      Privileged: false,
      CapDrop: ['ALL'],
      CapAdd: [],
      // The default seccomp profile applies as long as nothing asks for seccomp=unconfined.
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': `rw,noexec,nosuid,nodev,size=${TMPFS_MIB}m` },
      Binds: [],
      Devices: [],
      Mounts: [
        { Type: 'volume', Source: volumeName(ctx.jobId, 'input'), Target: INPUT_DIR, ReadOnly: false },
        { Type: 'volume', Source: volumeName(ctx.jobId, 'output'), Target: spec.outputDir, ReadOnly: false },
        { Type: 'volume', Source: volumeName(ctx.jobId, 'checkpoint'), Target: spec.checkpointDir, ReadOnly: false },
      ],
      NetworkMode: ctx.network,
      PidsLimit: spec.resources.pids,
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      NanoCpus: Math.round(spec.resources.cpus * 1e9),
      Ulimits: [
        { Name: 'nofile', Soft: 1024, Hard: 1024 },
        { Name: 'core', Soft: 0, Hard: 0 },
        // No single file may outgrow the whole output budget (or the tmpfs).
        {
          Name: 'fsize',
          Soft: Math.max(outputBytes, TMPFS_MIB * 1024 * 1024),
          Hard: Math.max(outputBytes, TMPFS_MIB * 1024 * 1024),
        },
      ],
      IpcMode: 'private',
      ShmSize: 64 * 1024 * 1024,
      RestartPolicy: { Name: 'no' },
      AutoRemove: false,
      LogConfig: { Type: 'json-file', Config: { 'max-size': ENGINE_LOG_MAX, 'max-file': '1' } },
      DeviceRequests:
        spec.resources.gpus > 0
          ? [
              {
                Driver: 'nvidia',
                Count: 0,
                DeviceIDs: ctx.gpuUuids,
                Capabilities: [['compute', 'utility']],
                Options: {},
              },
            ]
          : [],
    },
  };
}
