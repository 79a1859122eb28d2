import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import pino from 'pino';
import { testImage } from '../../helpers/test-env';
import type { JobLogLine, JobProgress } from '../../../shared/api/methods/jobs';
import type { JobSpecInput } from '../../../shared/jobs/spec';
import type { EgressGate } from '../../../electron/core/egress/gate';
import { hostDiscoveryEnv } from '../../../electron/core/engine/discovery-env';
import { ContainerEngine } from '../../../electron/core/engine/engine';
import { openLedgerDb } from '../../../electron/core/ledger/database';
import { JobLedger } from '../../../electron/core/ledger/job-ledger';
import { JobRunner, type RunOptions, type RunOutcome } from '../../../electron/core/jobs/runner';
import { JOB_LABEL } from '../../../electron/core/jobs/names';

export { testImage };

export const TEST_REGISTRY = '127.0.0.1:5000';

export const noEgress: EgressGate = {
  unavailableReason: async () => 'egress is not set up in this test',
  open: async () => {
    throw new Error('egress is not set up in this test');
  },
};

export interface Rig {
  runner: JobRunner;
  ledger: JobLedger;
  engine: ContainerEngine;
  docker: Docker;
  dataDir: string;
  progress: JobProgress[];
  logs: JobLogLine[];
  run(spec: unknown, options?: RunOptions): Promise<RunOutcome>;
  /** Whether a job id belongs to this rig's ledger. */
  owns(jobId: string): boolean;
  close(): Promise<void>;
}

export async function startRig(
  options: { egress?: EgressGate; graceSeconds?: number; dataDir?: string } = {},
): Promise<Rig> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-jobs-'));
  const log = pino({ level: 'silent' });
  const engine = new ContainerEngine(hostDiscoveryEnv(), log);
  await engine.start();
  const docker = engine.requireDocker();
  const db = openLedgerDb(path.join(dataDir, 'ledger.sqlite'));
  const ledger = new JobLedger(db);
  const progress: JobProgress[] = [];
  const logs: JobLogLine[] = [];
  const runner = new JobRunner({
    docker: () => engine.requireDocker(),
    engineEvents: engine,
    ledger,
    jobsDir: path.join(dataDir, 'jobs'),
    log,
    registryAllowlist: () => [TEST_REGISTRY],
    egress: options.egress ?? noEgress,
    onProgress: (p) => progress.push(p),
    onLog: (l) => logs.push(l),
    graceSeconds: options.graceSeconds ?? 2,
  });
  return {
    runner,
    ledger,
    engine,
    docker,
    dataDir,
    progress,
    logs,
    run: (spec, runOptions) => runner.run(spec, runOptions),
    owns: (jobId) => ledger.get(jobId) !== null,
    close: async () => {
      engine.stop();
      db.close();
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A spec for the busybox test image running `sh -c script`. */
export function shJob(
  script: string,
  overrides: Omit<Partial<JobSpecInput>, 'resources'> & { resources?: Partial<JobSpecInput['resources']> } = {},
): JobSpecInput {
  const { resources, ...rest } = overrides;
  return {
    image: testImage('busybox'),
    command: ['/bin/sh', '-c', script],
    ...rest,
    resources: { gpus: 0, memoryMiB: 64, cpus: 1, maxSeconds: 30, ...resources },
  };
}

/**
 * Engine objects left behind by jobs (there should be none). With `owns`, only jobs of that
 * ledger count, so other work on the same engine cannot disturb the check.
 */
export async function leftovers(
  docker: Docker,
  owns: (jobId: string) => boolean = () => true,
): Promise<{ containers: number; volumes: number; networks: number }> {
  const filters = { label: [JOB_LABEL] };
  const mine = (labels: Record<string, string> | null | undefined): boolean => owns(labels?.[JOB_LABEL] ?? '');
  const containers = (await docker.listContainers({ all: true, filters })).filter((c) => mine(c.Labels));
  const { Volumes } = await docker.listVolumes({ filters });
  const networks = (await docker.listNetworks({ filters })).filter((n) => mine(n.Labels));
  return {
    containers: containers.length,
    volumes: (Volumes ?? []).filter((v) => mine(v.Labels)).length,
    networks: networks.length,
  };
}
