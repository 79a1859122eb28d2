import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import type { JobLogLine, JobProgress } from '../../../shared/api/methods/jobs';
import type { JobResult, JobStatus, OutputFile } from '../../../shared/jobs/result';
import { checkJobSpec, type JobSpec } from '../../../shared/jobs/spec';
import type { EgressGate, EgressSession } from '../egress/gate';
import type { EngineEvent } from '../engine/engine';
import type { JobLedger } from '../ledger/job-ledger';
import type { Logger } from '../log/logger';
import { buildArchive, collectArchive, drain, OutputRefused } from './archive';
import { ignoreMissing, removeJobObjects } from './cleanup';
import { checkLocalImage, ImageRefused, prepareImage } from './image';
import { InputRefused, resolveInputs } from './inputs';
import { DEFAULT_LOG_CAPS, LogCapture, type LogCaps } from './log-capture';
import { JOB_ID_PATTERN, JOB_LABEL, jobLabels, volumeName } from './names';
import { sandboxOptions } from './sandbox';
import { ensureVolumeInitImage, VOLUME_INIT_IMAGE } from './volume-init';

/** A refusal before anything runs: the job ends `rejected` with this reason. */
class Refused extends Error {}

export interface RunnerDeps {
  docker: () => Docker;
  /** The engine's event stream (for `oom`); ContainerEngine satisfies it. */
  engineEvents: {
    on(e: 'event', l: (ev: EngineEvent) => void): unknown;
    off(e: 'event', l: (ev: EngineEvent) => void): unknown;
  };
  ledger: JobLedger;
  /** Per-job folders (log, outputs, checkpoint) live under here. */
  jobsDir: string;
  log: Logger;
  registryAllowlist: () => readonly string[];
  egress: EgressGate;
  onProgress?: (p: JobProgress) => void;
  onLog?: (l: JobLogLine) => void;
  /** Seconds between SIGTERM and SIGKILL on timeout and pre-emption. */
  graceSeconds?: number;
  logCaps?: LogCaps;
}

export interface RunOptions {
  jobId?: string;
  /** GPU UUIDs from detection, one per requested GPU. */
  gpuUuids?: string[];
  /** When the network's lease ends; without one the job's own maxSeconds is its lease. */
  leaseExpiresAt?: number;
  /** Called once the container exists (tests and the CLI use it to watch a live job). */
  onContainer?: (containerId: string) => void | Promise<void>;
  /**
   * Run an image built on this machine (the self-test's probe image), named by its content id
   * `sha256:…` instead of a registry digest. Never set for jobs from a network.
   */
  localImageId?: string;
}

export interface RunOutcome extends JobResult {
  jobId: string;
}

interface ActiveJob {
  container: Docker.Container;
  spec: JobSpec;
  preempting: boolean;
  done: Promise<RunOutcome>;
}

/**
 * Runs strangers' jobs in the sandbox. Each job: check the spec, prepare the image, create its
 * volumes (and network), create the container, run it under a deadline, collect outputs, record
 * the result, and remove every engine object it created — whichever way it ends.
 */
export class JobRunner {
  private readonly active = new Map<string, ActiveJob>();
  private readonly pendingRemovals = new Map<string, Promise<unknown>>();
  private readonly grace: number;

  constructor(private readonly deps: RunnerDeps) {
    this.grace = deps.graceSeconds ?? 10;
  }

  get running(): string[] {
    return [...this.active.keys()];
  }

  async run(rawSpec: unknown, options: RunOptions = {}): Promise<RunOutcome> {
    const jobId = options.jobId ?? randomUUID();
    if (!JOB_ID_PATTERN.test(jobId)) throw new Error(`Job id "${jobId}" must be 1-64 letters, digits, - or _.`);
    const createdAt = Date.now();
    const check = checkJobSpec(rawSpec);
    const image =
      typeof (rawSpec as { image?: unknown })?.image === 'string'
        ? String((rawSpec as { image: string }).image)
        : '(none)';
    this.deps.ledger.create({
      id: jobId,
      spec: rawSpec,
      image,
      leaseExpiresAt: options.leaseExpiresAt ?? null,
      at: createdAt,
    });
    if (!check.ok) return this.record(jobId, createdAt, { status: 'rejected', reason: check.reason });

    let resolveDone!: (r: RunOutcome) => void;
    const done = new Promise<RunOutcome>((r) => (resolveDone = r));
    const outcome = await this.execute(jobId, check.spec, createdAt, options, done);
    resolveDone(outcome);
    return outcome;
  }

  /** Pre-empts a running job: SIGTERM, let its checkpoint settle within the grace, then SIGKILL. */
  async preempt(jobId: string): Promise<RunOutcome> {
    const job = this.active.get(jobId);
    if (!job) throw new Error(`Job ${jobId} is not running on this rig.`);
    if (!job.preempting) {
      job.preempting = true;
      this.progress(jobId, 'running', 'pre-empting: asked the job to checkpoint and stop');
      this.deps.ledger.event(jobId, 'preempt_requested');
      void this.stopForCheckpoint(job);
    }
    return job.done;
  }

  private async execute(
    jobId: string,
    spec: JobSpec,
    createdAt: number,
    options: RunOptions,
    done: Promise<RunOutcome>,
  ): Promise<RunOutcome> {
    const docker = this.deps.docker();
    let egress: EgressSession | null = null;
    try {
      const gpuUuids = options.gpuUuids ?? [];
      if (spec.resources.gpus > 0 && gpuUuids.length !== spec.resources.gpus) {
        throw new Refused(
          `The job asks for ${spec.resources.gpus} GPU(s) but ${gpuUuids.length} were assigned on this rig.`,
        );
      }
      if (spec.network === 'egress') {
        const why = await this.deps.egress.unavailableReason();
        if (why) throw new Refused(`This rig cannot run jobs with network egress: ${why}`);
      }
      this.progress(jobId, 'pulling', `preparing image ${spec.image}`);
      this.deps.ledger.event(jobId, 'pulling', { image: spec.image }, 'pulling');
      const imageRef = options.localImageId
        ? (await checkLocalImage(docker, options.localImageId), options.localImageId)
        : (await prepareImage(docker, spec.image, this.deps.registryAllowlist(), (p) =>
            this.deps.onProgress?.({
              jobId,
              status: 'pulling',
              message: p.status,
              pull: { layer: p.layer, current: p.current, total: p.total },
            }),
          ),
          spec.image);
      const runSpec: JobSpec = { ...spec, image: imageRef };
      const inputs = await resolveInputs(spec);

      for (const kind of ['input', 'output', 'checkpoint'] as const) {
        await docker.createVolume({ Name: volumeName(jobId, kind), Labels: jobLabels(jobId) });
      }
      if (spec.network === 'egress') egress = await this.deps.egress.open(docker, jobId);
      const fill = await this.prepareVolumes(docker, jobId, inputs);
      // Inputs are uploaded while the job's container is created; it starts after both.
      const [container] = await Promise.all([
        docker.createContainer(
          sandboxOptions(runSpec, {
            jobId,
            gpuUuids,
            network: egress?.networkName ?? 'none',
            proxyUrl: egress?.proxyUrl ?? null,
            graceSeconds: this.grace,
          }),
        ),
        fill(),
      ]);
      this.deps.ledger.containerCreated(jobId, container.id);
      await options.onContainer?.(container.id);
      const active: ActiveJob = { container, spec, preempting: false, done };
      this.active.set(jobId, active);
      const startedAt = Date.now();
      const lease = options.leaseExpiresAt ?? startedAt + spec.resources.maxSeconds * 1000 + this.grace * 1000;
      const end = await this.supervise(jobId, active, { start: true, startedAt, lease });
      return this.record(jobId, createdAt, end);
    } catch (err) {
      const refused = err instanceof Refused || err instanceof ImageRefused || err instanceof InputRefused;
      const reason = err instanceof Error ? err.message : String(err);
      if (!refused) this.deps.log.warn({ jobId, err: reason }, 'job failed before it could finish');
      return this.record(jobId, createdAt, { status: refused ? 'rejected' : 'failed', reason });
    } finally {
      this.active.delete(jobId);
      await this.pendingRemovals.get(jobId);
      this.pendingRemovals.delete(jobId);
      // Containers go first: a network cannot be removed while a container is attached.
      await removeJobObjects(docker, jobId).catch((err: Error) =>
        this.deps.log.error({ jobId, err: err.message }, 'could not remove the job container or volumes'),
      );
      await egress
        ?.close()
        .catch((err: Error) => this.deps.log.warn({ jobId, err: err.message }, 'closing egress failed'));
    }
  }

  /**
   * Sets up the job's volumes through a container that is created but never started: the job's
   * root filesystem is read-only, so ownership of the mount points and the inputs go in here.
   */
  private async prepareVolumes(
    docker: Docker,
    jobId: string,
    inputs: { path: string; data: Buffer }[],
  ): Promise<() => Promise<void>> {
    await ensureVolumeInitImage(docker);
    // Creating this container copies the owners and modes of its three directories into the
    // job's empty volumes (the job's root filesystem is read-only, so it cannot happen there).
    const helper = await docker.createContainer({
      Image: VOLUME_INIT_IMAGE,
      Entrypoint: ['/rigshare-never-started'],
      Cmd: [],
      Labels: jobLabels(jobId),
      NetworkDisabled: true,
      HostConfig: {
        NetworkMode: 'none',
        Mounts: (['input', 'output', 'checkpoint'] as const).map((kind) => ({
          Type: 'volume' as const,
          Source: volumeName(jobId, kind),
          Target: `/rigshare/${kind}`,
        })),
      },
    });
    const remove = (): void => {
      // Removed in the background (it never ran); cleanup waits for it before removing volumes.
      this.pendingRemovals.set(
        jobId,
        ignoreMissing(helper.remove({ force: true, v: false })).catch(() => null),
      );
    };
    if (inputs.length === 0) {
      remove();
      return async () => {};
    }
    return async () => {
      try {
        await helper.putArchive(await buildArchive([], inputs), { path: '/rigshare' });
      } finally {
        remove();
      }
    };
  }

  /** Runs (or re-attaches to) a container until it ends, and works out how it ended. */
  private async supervise(
    jobId: string,
    job: ActiveJob,
    when: { start: boolean; startedAt: number; lease: number },
  ): Promise<EndState> {
    const { container, spec } = job;
    const jobDir = this.jobDir(jobId);
    const capture = new LogCapture(
      path.join(jobDir, 'job.log'),
      (stream, line) => this.deps.onLog?.({ jobId, stream, line }),
      this.deps.logCaps ?? DEFAULT_LOG_CAPS,
    );
    let oomEvent = false;
    const onEvent = (ev: EngineEvent): void => {
      if (ev.Type === 'container' && ev.Action === 'oom' && ev.Actor?.ID === container.id) oomEvent = true;
    };
    this.deps.engineEvents.on('event', onEvent);
    let timedOut = false;
    let timer: NodeJS.Timeout | null = null;
    try {
      const docker = this.deps.docker();
      // A fresh job is attached before it starts, so no output is lost to the engine's own
      // (capped, rotating) log file; after a restart the engine's log is all there is.
      const logs = when.start
        ? ((await container.attach({ stream: true, stdout: true, stderr: true, logs: false })) as NodeJS.ReadableStream)
        : ((await container.logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream);
      if (when.start) {
        await container.start();
        this.deps.ledger.started(jobId, container.id, when.startedAt, when.lease);
      }
      this.progress(jobId, 'running', when.start ? 'started' : 're-attached after a restart');
      docker.modem.demuxStream(logs, capture.writable('stdout'), capture.writable('stderr'));
      const logsEnded = new Promise<void>((resolve) => {
        logs.on('end', resolve);
        logs.on('close', resolve);
        logs.on('error', () => resolve());
      });
      const deadline = Math.min(when.startedAt + spec.resources.maxSeconds * 1000, when.lease);
      timer = setTimeout(
        () => {
          timedOut = true;
          this.deps.ledger.event(jobId, 'timeout', { graceSeconds: this.grace });
          // stop = SIGTERM, then SIGKILL once the grace period is over.
          container.stop({ t: this.grace }).catch(() => {});
        },
        Math.max(0, deadline - Date.now()),
      );
      await container.wait();
      clearTimeout(timer);
      // Outputs are read while the logs drain and the exit is inspected; a job that did not end
      // on its own (pre-empted, timed out) does not need them.
      const outputs = job.preempting || timedOut ? null : this.collectOutputs(jobId, container, spec);
      await Promise.race([logsEnded, delay(2000)]);
      (logs as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      const state = (await container.inspect()).State;
      // The engine's oom event can trail the exit by a moment.
      if (state.ExitCode === 137 && !state.OOMKilled && !oomEvent) await delay(200);
      return await this.settle(jobId, job, {
        exitCode: state.ExitCode,
        oomKilled: state.OOMKilled,
        oomEvent,
        timedOut,
        capture,
        outputs,
      });
    } finally {
      if (timer) clearTimeout(timer);
      this.deps.engineEvents.off('event', onEvent);
      capture.close();
    }
  }

  private async settle(
    jobId: string,
    job: ActiveJob,
    end: {
      exitCode: number;
      oomKilled: boolean;
      oomEvent: boolean;
      timedOut: boolean;
      capture: LogCapture;
      outputs: Promise<OutputFile[] | OutputRefused> | null;
    },
  ): Promise<EndState> {
    const { container, spec } = job;
    const logTail = end.capture.tailText();
    const base = { exitCode: end.exitCode, logTail, logTruncated: end.capture.truncated };
    // A collection started for a job that then turned out not to need it still has to finish.
    const early = end.outputs?.catch((err: Error) => err) ?? null;
    if (job.preempting) {
      await early;
      const checkpoint = await this.collect(
        container,
        spec.checkpointDir,
        spec.resources.outputMiB,
        path.join(this.jobDir(jobId), 'checkpoint'),
      );
      if (checkpoint instanceof Error) {
        return {
          ...base,
          status: 'preempted',
          reason: `Pre-empted; the checkpoint was refused: ${checkpoint.message}`,
          checkpoint: [],
        };
      }
      return {
        ...base,
        status: 'preempted',
        reason: `Pre-empted; saved a checkpoint of ${checkpoint.length} file(s).`,
        checkpoint,
      };
    }
    if (end.timedOut) {
      await early;
      return {
        ...base,
        status: 'timed_out',
        reason: `The job ran past its ${spec.resources.maxSeconds}s limit and was stopped.`,
      };
    }
    if (end.oomKilled || (end.oomEvent && end.exitCode === 137)) {
      await early;
      const signs = [
        end.oomKilled && 'OOMKilled',
        end.exitCode === 137 && 'exit 137',
        end.oomEvent && 'engine oom event',
      ].filter(Boolean);
      return {
        ...base,
        status: 'oom_killed',
        reason: `The job ran out of its ${spec.resources.memoryMiB} MiB of memory (${signs.join(', ')}).`,
      };
    }
    const outputs = early ? await early : await this.collectOutputs(jobId, container, spec);
    if (outputs instanceof Error && !(outputs instanceof OutputRefused)) throw outputs;
    if (outputs instanceof Error) {
      return { ...base, status: 'failed', reason: `Output refused: ${outputs.message}.`, outputs: [] };
    }
    if (end.exitCode === 0) return { ...base, status: 'succeeded', reason: null, outputs };
    return { ...base, status: 'failed', reason: `The job exited with code ${end.exitCode}.`, outputs };
  }

  private collectOutputs(
    jobId: string,
    container: Docker.Container,
    spec: JobSpec,
  ): Promise<OutputFile[] | OutputRefused> {
    return this.collect(container, spec.outputDir, spec.resources.outputMiB, path.join(this.jobDir(jobId), 'outputs'));
  }

  private async collect(
    container: Docker.Container,
    dir: string,
    capMiB: number,
    saveTo: string,
  ): Promise<OutputFile[] | OutputRefused> {
    try {
      const stream = (await container.getArchive({ path: dir })) as unknown as NodeJS.ReadableStream;
      return await collectArchive(stream, { maxBytes: capMiB * 1024 * 1024, saveTo });
    } catch (err) {
      if (err instanceof OutputRefused) return err;
      throw err;
    }
  }

  private async stopForCheckpoint(job: ActiveJob): Promise<void> {
    const { container, spec } = job;
    await ignoreMissing(container.kill({ signal: 'SIGTERM' }));
    const deadline = Date.now() + this.grace * 1000;
    let last = '';
    let steady = 0;
    while (Date.now() < deadline) {
      const state = await ignoreMissing(container.inspect());
      if (!state || !state.State.Running) return;
      const print = await fingerprint(container, spec.checkpointDir);
      steady = print !== '' && print === last ? steady + 1 : 0;
      last = print;
      if (steady >= 2) break;
      await delay(250);
    }
    await ignoreMissing(container.kill({ signal: 'SIGKILL' }));
  }

  /** Writes the result once, tells listeners, and returns it. */
  private record(
    jobId: string,
    createdAt: number,
    end: Partial<EndState> & { status: JobStatus & EndState['status']; reason: string | null },
  ): RunOutcome {
    const result: JobResult = {
      status: end.status,
      exitCode: end.exitCode ?? null,
      reason: end.reason,
      logTail: end.logTail ?? '',
      outputs: end.outputs ?? [],
      durationMs: Math.max(0, Date.now() - createdAt),
      ...(end.checkpoint ? { checkpoint: end.checkpoint } : {}),
    };
    this.deps.ledger.finish(jobId, result);
    this.progress(jobId, result.status, result.reason);
    return { jobId, ...result };
  }

  /**
   * After a restart: containers of jobs still inside their lease are watched again to the end;
   * the rest are stopped, their result recorded, and removed. Jobs that never got a container are
   * closed as failed.
   */
  async reconcile(): Promise<{ reattached: string[]; cleaned: string[] }> {
    const docker = this.deps.docker();
    const containers = await docker.listContainers({ all: true, filters: { label: [JOB_LABEL] } });
    const reattached: string[] = [];
    const cleaned: string[] = [];
    const byJob = new Map<string, Docker.ContainerInfo>();
    for (const c of containers) {
      const id = c.Labels[JOB_LABEL];
      // A volume-preparing helper carries the label too, but only job containers have a name we gave them.
      if (id && c.Names.some((n) => n === `/rigshare-job-${id}`)) byJob.set(id, c);
    }
    const open = new Map(this.deps.ledger.open().map((j) => [j.id, j]));
    const now = Date.now();
    for (const [jobId, info] of byJob) {
      const job = open.get(jobId);
      if (!job || this.active.has(jobId)) {
        // Another agent or `rigshare job run` on another data dir may share this engine: only
        // jobs this ledger knows are ours to clean.
        if (!job && this.deps.ledger.get(jobId)) {
          await removeJobObjects(docker, jobId);
          cleaned.push(jobId);
        }
        continue;
      }
      const spec = checkJobSpec(job.spec);
      const lease = job.leaseExpiresAt ?? 0;
      if (spec.ok && info.State === 'running' && lease > now) {
        reattached.push(jobId);
        void this.reattach(jobId, spec.spec, info.Id, job.startedAt ?? now, lease);
        continue;
      }
      await this.closeOrphan(docker, jobId, info, spec.ok ? spec.spec : null, job.startedAt);
      cleaned.push(jobId);
    }
    for (const job of open.values()) {
      if (byJob.has(job.id) || this.active.has(job.id)) continue;
      this.deps.ledger.finish(job.id, {
        status: 'failed',
        exitCode: null,
        reason: 'The agent stopped before this job could finish, and its container is gone.',
        logTail: '',
        outputs: [],
        durationMs: job.startedAt ? Math.max(0, now - job.startedAt) : 0,
      });
      await removeJobObjects(docker, job.id);
      cleaned.push(job.id);
    }
    await this.deps.egress
      .sweep?.(cleaned)
      .catch((err: Error) => this.deps.log.warn({ err: err.message }, 'could not sweep stale egress rules'));
    return { reattached, cleaned };
  }

  private async reattach(
    jobId: string,
    spec: JobSpec,
    containerId: string,
    startedAt: number,
    lease: number,
  ): Promise<void> {
    const docker = this.deps.docker();
    let egress: EgressSession | null = null;
    let resolveDone!: (r: RunOutcome) => void;
    const done = new Promise<RunOutcome>((r) => (resolveDone = r));
    const active: ActiveJob = { container: docker.getContainer(containerId), spec, preempting: false, done };
    this.active.set(jobId, active);
    this.deps.ledger.event(jobId, 'reattached', { containerId });
    let outcome: RunOutcome;
    try {
      if (spec.network === 'egress') egress = await this.deps.egress.open(docker, jobId);
      const end = await this.supervise(jobId, active, { start: false, startedAt, lease });
      outcome = this.record(jobId, startedAt, end);
    } catch (err) {
      outcome = this.record(jobId, startedAt, {
        status: 'failed',
        reason: `Lost the job after re-attaching: ${(err as Error).message}`,
      });
    } finally {
      this.active.delete(jobId);
      await removeJobObjects(docker, jobId).catch(() => {});
      await egress?.close().catch(() => {});
    }
    resolveDone(outcome);
  }

  /** Waits for a re-attached job to end (tests, and the API's preempt). */
  async whenDone(jobId: string): Promise<RunOutcome | null> {
    return (await this.active.get(jobId)?.done) ?? null;
  }

  private async closeOrphan(
    docker: Docker,
    jobId: string,
    info: Docker.ContainerInfo,
    spec: JobSpec | null,
    startedAt: number | null,
  ): Promise<void> {
    const container = docker.getContainer(info.Id);
    let reason = 'The agent was down past the job\u2019s lease; the job was stopped and removed.';
    let status: JobResult['status'] = 'failed';
    let exitCode: number | null = null;
    let outputs: OutputFile[] = [];
    if (info.State === 'running') {
      await ignoreMissing(container.stop({ t: this.grace }));
    } else {
      const state = (await container.inspect()).State;
      exitCode = state.ExitCode;
      if (exitCode === 0 && spec) {
        const collected = await this.collect(
          container,
          spec.outputDir,
          spec.resources.outputMiB,
          path.join(this.jobDir(jobId), 'outputs'),
        );
        if (!(collected instanceof Error)) {
          outputs = collected;
          status = 'succeeded';
          reason = 'Finished while the agent was down; the result was recorded at restart.';
        }
      } else {
        reason = `Ended with code ${exitCode} while the agent was down.`;
      }
    }
    this.deps.ledger.finish(jobId, {
      status,
      exitCode,
      reason,
      logTail: '',
      outputs,
      durationMs: startedAt ? Math.max(0, Date.now() - startedAt) : 0,
    });
    await removeJobObjects(docker, jobId);
  }

  private jobDir(jobId: string): string {
    const dir = path.join(this.deps.jobsDir, jobId);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  private progress(jobId: string, status: JobStatus, message: string | null): void {
    this.deps.onProgress?.({ jobId, status, message });
  }
}

interface EndState {
  status: 'succeeded' | 'failed' | 'timed_out' | 'oom_killed' | 'preempted' | 'rejected';
  exitCode: number | null;
  reason: string | null;
  logTail: string;
  logTruncated?: boolean;
  outputs?: OutputFile[];
  checkpoint?: OutputFile[];
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Names, sizes and times of what is in a directory, to see when a checkpoint stops changing. */
async function fingerprint(container: Docker.Container, dir: string): Promise<string> {
  try {
    const stream = (await container.getArchive({ path: dir })) as unknown as NodeJS.ReadableStream;
    const extract = tar.extract();
    const parts: string[] = [];
    extract.on('entry', (h, s, next) => {
      if (h.type === 'file') parts.push(`${h.name}:${h.size}:${h.mtime?.getTime()}`);
      s.on('end', next);
      s.resume();
    });
    await drain(stream, extract);
    return parts.join('|');
  } catch {
    return '';
  }
}
