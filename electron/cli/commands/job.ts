import fs from 'node:fs';
import type { Command } from 'commander';
import type { JobResult } from '../../../shared/jobs/result';
import { hostDiscoveryEnv } from '../../core/engine/discovery-env';
import { ContainerEngine } from '../../core/engine/engine';
import { EventBus } from '../../core/events';
import { detectGpus } from '../../core/gpu/detect';
import { JobService } from '../../core/jobs/service';
import { createLogger, logDir } from '../../core/log/logger';
import { createConfBackend } from '../../core/settings/backend';
import { SettingsService, settingsFilePath } from '../../core/settings/service';
import { addDataDirOption, resolveDataDir } from '../options';

export interface JobContext {
  engine: ContainerEngine;
  jobs: JobService;
  events: EventBus;
  close(): void;
}

/**
 * The pieces a one-off job needs, without the agent's server or its recovery pass: a running
 * agent on the same data dir keeps its own jobs, and this command never touches them.
 */
export async function openJobContext(dataDir: string, extraRegistries: string[] = []): Promise<JobContext> {
  const log = createLogger({ dir: logDir(dataDir), name: 'cli', stdout: false });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const settings = new SettingsService(settingsFilePath(dataDir), () => createConfBackend(dataDir), log);
  const engine = new ContainerEngine(hostDiscoveryEnv(), log);
  await engine.start();
  if (!engine.docker) throw new Error(engine.current().error ?? 'The Docker engine is not reachable.');
  const events = new EventBus();
  const jobs = new JobService({
    dataDir,
    engine,
    log,
    events,
    settings: () => {
      const current = settings.get();
      return { ...current, registryAllowlist: [...current.registryAllowlist, ...extraRegistries] };
    },
  });
  return {
    engine,
    jobs,
    events,
    close: () => {
      engine.stop();
      jobs.stop();
      log.flush();
    },
  };
}

/** For a spec that wants GPUs and no --gpu: the first NVIDIA cards detection finds. */
async function detectedGpuUuids(raw: unknown): Promise<string[]> {
  const wanted = (raw as { resources?: { gpus?: unknown } })?.resources?.gpus;
  if (typeof wanted !== 'number' || wanted <= 0) return [];
  const inventory = await detectGpus();
  const uuids = inventory.gpus.filter((g) => g.vendor === 'nvidia' && g.uuid).map((g) => g.uuid!);
  return uuids.slice(0, wanted);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function formatResult(r: JobResult): string {
  const lines = [
    `status: ${r.status}${r.exitCode === null ? '' : ` (exit ${r.exitCode})`} in ${(r.durationMs / 1000).toFixed(1)} s`,
  ];
  if (r.reason) lines.push(`reason: ${r.reason}`);
  for (const o of r.outputs) lines.push(`output: ${o.path}  ${o.bytes} bytes  sha256 ${o.sha256}`);
  for (const o of r.checkpoint ?? []) lines.push(`checkpoint: ${o.path}  ${o.bytes} bytes  sha256 ${o.sha256}`);
  return lines.join('\n');
}

/** Exit status of the command: 0 only for success, 2 when the job was refused outright. */
export function exitCodeFor(r: JobResult): number {
  if (r.status === 'succeeded') return 0;
  return r.status === 'rejected' ? 2 : 1;
}

export function registerJobCommand(program: Command): void {
  const job = program.command('job').description('run and inspect sandboxed jobs on this rig');
  addDataDirOption(
    job
      .command('run')
      .description('run one job spec through the sandbox, with no network involved')
      .requiredOption(
        '--spec <file>',
        'the job spec (JSON), e.g. {"image": "…@sha256:…", "command": […], "resources": {…}}',
      )
      .option('--json', 'print {status, exitCode, reason, logTail, outputs, durationMs} as JSON')
      .option(
        '--gpu <uuid>',
        'assign this GPU (by UUID) to the job; repeat for more (default: the detected NVIDIA GPUs)',
        collect,
        [],
      )
      .option(
        '--allow-registry <host>',
        'also allow images from this registry for this run; repeat for more',
        collect,
        [],
      ),
  ).action(async (opts: { spec: string; json?: boolean; gpu: string[]; allowRegistry: string[]; dataDir?: string }) => {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(opts.spec, 'utf8'));
    } catch (err) {
      const reason = `Cannot read the spec file ${opts.spec}: ${(err as Error).message}`;
      const result: JobResult = { status: 'rejected', exitCode: null, reason, logTail: '', outputs: [], durationMs: 0 };
      process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${formatResult(result)}\n`);
      process.exitCode = 2;
      return;
    }
    let ctx: JobContext;
    try {
      ctx = await openJobContext(resolveDataDir(opts.dataDir), opts.allowRegistry);
    } catch (err) {
      const reason = (err as Error).message;
      const result: JobResult = { status: 'failed', exitCode: null, reason, logTail: '', outputs: [], durationMs: 0 };
      process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${formatResult(result)}\n`);
      process.exitCode = 1;
      return;
    }
    if (!opts.json) {
      ctx.events.on('job.log', (l) => (l.stream === 'stderr' ? process.stderr : process.stdout).write(`${l.line}\n`));
    }
    // Ctrl-C asks the job to checkpoint and stop, the same way a gamer's pre-emption does.
    const onSignal = (): void => {
      for (const id of ctx.jobs.runner.running) void ctx.jobs.runner.preempt(id).catch(() => {});
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const gpuUuids = opts.gpu.length > 0 ? opts.gpu : await detectedGpuUuids(raw);
      const { jobId, ...result } = await ctx.jobs.run(raw, { gpuUuids });
      process.stdout.write(
        opts.json ? `${JSON.stringify({ jobId, ...result })}\n` : `${formatResult(result)}\njob id: ${jobId}\n`,
      );
      process.exitCode = exitCodeFor(result);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      ctx.close();
    }
  });
}
