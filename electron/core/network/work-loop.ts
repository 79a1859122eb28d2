import type Docker from 'dockerode';
import type { JobResultWire, NodeWorkState } from '../../../shared/protocol/messages';
import type { JobResult } from '../../../shared/jobs/result';
import type { Logger } from '../log/logger';
import type { EarningsStore } from '../payouts/earnings-store';
import { snapshotCheckpoint, unpackCheckpoint } from './checkpoint-archive';
import type { CoordinatorClient, VerifiedOffer } from './client';
import { CoordinatorRefused, CoordinatorUnreachable, UntrustedMessage } from './errors';
import { backoffDelay, type Outbox, type OutboxItem } from './outbox';

/** What the loop needs from the sandboxed runner (electron/core/jobs). */
export interface NodeRunnerPort {
  run(
    spec: unknown,
    options: { jobId: string; gpuUuids: string[]; onContainer: (id: string) => void },
  ): Promise<JobResult>;
  preempt(jobId: string): Promise<unknown>;
  docker(): Docker | null;
}

export type LoopState = 'starting' | 'idle' | 'leased' | 'running' | 'reporting' | 'offline' | 'stopped';

export interface LoopStatus {
  state: LoopState;
  jobId: string | null;
  leaseId: string | null;
  since: number;
  lastError: string | null;
  pendingReports: number;
  completedJobs: number;
}

export interface WorkLoopOptions {
  client: CoordinatorClient;
  networkUrl: string;
  outbox: Outbox;
  earnings: EarningsStore;
  runner: NodeRunnerPort;
  log: Logger;
  gpuUuids: string[];
  heartbeatMs: number;
  maxCheckpointBytes: number;
  leaseWaitMs?: number;
  checkpointIntervalMs?: number;
  /** Why this rig cannot take work right now (Docker down, say), or null when it can. */
  canWork?: () => string | null;
  onStatus?: (status: LoopStatus) => void;
  /** A heartbeat is leaving (before any answer); then its outcome. For the local uptime ledger. */
  onHeartbeatSent?: (beat: { nonce: string; at: number; state: NodeWorkState }) => void;
  onHeartbeat?: (result: { ok: true; envelope: unknown; nonce: string } | { ok: false; error: string }) => void;
  onEarned?: (receipt: { jobId: string; net: number }) => void;
  now?: () => number;
}

/** Resume contract: the last checkpoint's files are inputs under /input/checkpoint. */
export const RESUME_INPUT_DIR = 'checkpoint';

interface CurrentJob {
  offer: VerifiedOffer;
  containerId: string | null;
  lastCheckpointSha: string | null;
  revoked: boolean;
  handingBack: boolean;
  progressSeq: number;
  lastProgress?: string;
}

/**
 * The node's work loop: long-poll for a lease, run the job in the sandbox, report progress and
 * checkpoints, and deliver the result through the outbox. The job keeps running when the
 * network is unreachable; reports wait in the ledger and go out when it returns.
 */
export class WorkLoop {
  private readonly o: Required<Pick<WorkLoopOptions, 'leaseWaitMs' | 'checkpointIntervalMs' | 'now'>> & WorkLoopOptions;
  private current: CurrentJob | null = null;
  private stopping = false;
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private offlineStreak = 0;
  private completed = 0;
  private st: LoopStatus;

  constructor(options: WorkLoopOptions) {
    this.o = { leaseWaitMs: 10_000, checkpointIntervalMs: 5_000, now: Date.now, ...options };
    this.st = {
      state: 'starting',
      jobId: null,
      leaseId: null,
      since: this.o.now(),
      lastError: null,
      pendingReports: 0,
      completedJobs: 0,
    };
  }

  get status(): LoopStatus {
    return { ...this.st, pendingReports: this.o.outbox.pending(this.o.networkUrl), completedJobs: this.completed };
  }

  start(): void {
    if (this.loop) return;
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.o.heartbeatMs);
    this.flushTimer = setInterval(() => void this.flush(), 1000);
    void this.heartbeat();
    void this.flush();
    this.loop = this.leaseLoop();
  }

  /** Stops leasing. With `handBack`, a running job is pre-empted and its lease handed back. */
  async stop(handBack: boolean): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.current && handBack) {
      this.current.handingBack = true;
      await this.o.runner.preempt(this.current.offer.leaseId).catch(() => undefined);
    }
    await this.loop;
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.flush();
    this.set({ state: 'stopped', jobId: null, leaseId: null });
  }

  private set(patch: Partial<LoopStatus>): void {
    const changed = Object.entries(patch).some(([k, v]) => this.st[k as keyof LoopStatus] !== v);
    this.st = {
      ...this.st,
      ...patch,
      ...(patch.state && patch.state !== this.st.state ? { since: this.o.now() } : {}),
    };
    if (changed) this.o.onStatus?.(this.status);
  }

  private workState(): NodeWorkState {
    const s = this.st.state;
    return s === 'leased' || s === 'running' || s === 'reporting' ? s : 'idle';
  }

  private async leaseLoop(): Promise<void> {
    while (!this.stopping) {
      // Leasing a job the rig cannot run would only use up the job's attempts elsewhere.
      const blocked = this.o.canWork?.() ?? null;
      if (blocked) {
        this.set({ state: 'offline', lastError: blocked });
        await this.sleep(3000);
        continue;
      }
      if (this.st.lastError && this.st.state === 'offline' && this.offlineStreak === 0)
        this.set({ state: 'idle', lastError: null });
      try {
        const offer = await this.o.client.lease(this.o.leaseWaitMs, this.abort.signal);
        this.online();
        if (!offer) continue;
        if (this.stopping) {
          // Left while the long-poll was answering: give the job straight back.
          this.enqueue(offer, 'release', `${offer.leaseId}:release`, { reason: 'node left the network' });
          break;
        }
        await this.runOffer(offer);
      } catch (err) {
        if (this.stopping) break;
        await this.onLoopError(err);
      }
    }
  }

  private async onLoopError(err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof CoordinatorUnreachable || (err instanceof CoordinatorRefused && err.retryable)) {
      this.offlineStreak += 1;
      this.set({ state: 'offline', lastError: message });
      await this.sleep(backoffDelay(this.offlineStreak, { baseMs: 500, maxMs: 30_000, random: Math.random }) + 250);
      return;
    }
    this.o.log.warn({ err: message }, 'work loop error');
    this.set({ state: 'idle', lastError: message });
    await this.sleep(err instanceof UntrustedMessage ? 1000 : 3000);
  }

  private online(): void {
    if (this.offlineStreak > 0 || this.st.state === 'offline' || this.st.state === 'starting') {
      this.offlineStreak = 0;
      this.o.outbox.wake(this.o.networkUrl);
      void this.flush();
      if (!this.current) this.set({ state: 'idle', lastError: null });
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.abort.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  }

  private async runOffer(offer: VerifiedOffer): Promise<void> {
    const job: CurrentJob = {
      offer,
      containerId: null,
      lastCheckpointSha: offer.checkpoint?.sha256 ?? null,
      revoked: false,
      handingBack: false,
      progressSeq: 0,
    };
    this.current = job;
    this.set({ state: 'leased', jobId: offer.jobId, leaseId: offer.leaseId, lastError: null });
    this.o.log.info(
      { jobId: offer.jobId, leaseId: offer.leaseId, attempt: offer.attempt, resume: !!offer.checkpoint },
      'job leased',
    );
    let outcome: JobResult;
    const poll = setInterval(() => void this.pollCheckpoint(job), this.o.checkpointIntervalMs);
    try {
      const spec = await this.withResume(offer);
      this.set({ state: 'running' });
      const gpus = Number((offer.spec.resources as { gpus?: number }).gpus ?? 0);
      outcome = await this.o.runner.run(spec, {
        // The lease id is unique per attempt, so a job that comes back to this rig gets a fresh ledger row.
        jobId: offer.leaseId,
        gpuUuids: this.o.gpuUuids.slice(0, gpus),
        onContainer: (id) => {
          job.containerId = id;
          // Reported once the container exists, so the report never delays the start.
          const resumed = offer.checkpoint
            ? `resumed from checkpoint ${offer.checkpoint.sha256.slice(0, 12)}`
            : 'started';
          this.progress(job, null, resumed);
        },
      });
    } catch (err) {
      outcome = {
        status: 'failed',
        exitCode: null,
        reason: err instanceof Error ? err.message : String(err),
        logTail: '',
        outputs: [],
        durationMs: 0,
      };
    } finally {
      clearInterval(poll);
    }
    this.set({ state: 'reporting' });
    if (job.revoked) {
      this.o.log.warn({ jobId: offer.jobId }, 'the network took this lease back; the result is not reported');
    } else if (job.handingBack) {
      this.enqueue(offer, 'release', `${offer.leaseId}:release`, { reason: 'node left the network' });
    } else if (outcome.status === 'failed' && outcome.exitCode === null) {
      // The rig failed, not the job (engine error, pull failure): another node may succeed.
      this.enqueue(offer, 'fail', `${offer.leaseId}:fail`, {
        reason: outcome.reason ?? 'the node could not run the job',
        retryable: true,
      });
    } else {
      this.enqueue(offer, 'complete', `${offer.leaseId}:complete`, { result: toWire(outcome) });
    }
    this.current = null;
    await this.flush();
    if (outcome.status !== 'rejected') this.o.log.info({ jobId: offer.jobId, status: outcome.status }, 'job finished');
    this.set({ state: this.offlineStreak > 0 ? 'offline' : 'idle', jobId: null, leaseId: null });
  }

  /** Adds the last checkpoint's files as inputs, so the job can pick up where it stopped. */
  private async withResume(offer: VerifiedOffer): Promise<Record<string, unknown>> {
    const spec = { ...(offer.spec as Record<string, unknown>) };
    if (!offer.checkpoint) return spec;
    const files = await unpackCheckpoint(Buffer.from(offer.checkpoint.data, 'base64'), this.o.maxCheckpointBytes);
    const crypto = await import('node:crypto');
    const inputs = Array.isArray(spec.inputs) ? [...(spec.inputs as unknown[])] : [];
    for (const f of files) {
      inputs.push({
        path: `${RESUME_INPUT_DIR}/${f.path}`,
        base64: f.data.toString('base64'),
        sha256: crypto.createHash('sha256').update(f.data).digest('hex'),
      });
    }
    const env = {
      ...((spec.env as Record<string, string> | undefined) ?? {}),
      RIGSHARE_RESUME: '1',
      RIGSHARE_RESUME_DIR: `/input/${RESUME_INPUT_DIR}`,
    };
    return { ...spec, inputs, env };
  }

  private async pollCheckpoint(job: CurrentJob): Promise<void> {
    const docker = this.o.runner.docker();
    if (!docker || !job.containerId || this.current !== job) return;
    const dir = String((job.offer.spec as { checkpointDir?: string }).checkpointDir ?? '/checkpoint');
    try {
      const snap = await snapshotCheckpoint(docker, job.containerId, dir, this.o.maxCheckpointBytes);
      if (!snap || snap.sha256 === job.lastCheckpointSha || this.current !== job) return;
      job.lastCheckpointSha = snap.sha256;
      this.enqueue(job.offer, 'checkpoint', `${job.offer.leaseId}:ckpt:${snap.sha256.slice(0, 24)}`, {
        sha256: snap.sha256,
        data: snap.data.toString('base64'),
      });
      await this.flush();
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'could not read the job checkpoint');
    }
  }

  /**
   * The runner's own progress (pulling, running, pre-empting) for the current job, passed on to
   * the network. Pull progress ticks are skipped: only a change of phase is worth a report.
   */
  runnerProgress(p: { jobId: string; status: string; message: string | null; pull?: unknown }): void {
    const job = this.current;
    if (!job || p.jobId !== job.offer.leaseId || p.pull) return;
    const message = `${p.status}${p.message ? `: ${p.message}` : ''}`.slice(0, 500);
    if (message === job.lastProgress) return;
    job.lastProgress = message;
    this.progress(job, null, message);
  }

  private progress(job: CurrentJob, fraction: number | null, message: string): void {
    job.progressSeq += 1;
    this.enqueue(job.offer, 'progress', `${job.offer.leaseId}:progress:${job.progressSeq}`, { fraction, message });
    void this.flush();
  }

  private enqueue(
    offer: VerifiedOffer,
    kind: OutboxItem['kind'],
    idempotencyKey: string,
    body: Record<string, unknown>,
  ): void {
    this.o.outbox.enqueue({
      networkUrl: this.o.networkUrl,
      leaseId: offer.leaseId,
      jobId: offer.jobId,
      kind,
      idempotencyKey,
      body: { idempotencyKey, ...body },
    });
  }

  private async heartbeat(): Promise<void> {
    if (this.stopping) return;
    const leaseIds = this.current ? [this.current.offer.leaseId] : [];
    try {
      const state = this.workState();
      const res = await this.o.client.heartbeat(state, leaseIds, (stamp) =>
        this.o.onHeartbeatSent?.({ nonce: stamp.nonce, at: stamp.timestamp, state }),
      );
      this.o.onHeartbeat?.({ ok: true, envelope: res.envelope, nonce: res.receipt.heartbeatNonce });
      this.online();
      const job = this.current;
      if (job && res.revokedLeaseIds.includes(job.offer.leaseId) && !job.revoked) {
        job.revoked = true;
        await this.o.runner.preempt(job.offer.leaseId).catch(() => undefined);
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.o.onHeartbeat?.({ ok: false, error: message });
      if (err instanceof CoordinatorUnreachable) {
        this.offlineStreak = Math.max(1, this.offlineStreak);
        if (!this.current) this.set({ state: 'offline', lastError: message });
        else this.set({ lastError: message });
      }
    }
  }

  /** Delivers due outbox items in order. Stops at the first that must wait, so order is kept. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      for (const item of this.o.outbox.due(this.o.networkUrl)) {
        try {
          if (item.kind === 'complete') {
            const res = await this.o.client.complete(
              item.leaseId,
              item.body as { idempotencyKey: string; result: JobResultWire },
            );
            // One transaction for the earnings and the outbox row; INSERT OR IGNORE on the job id
            // keeps a redelivery (after an outage, with the same receipt amounts) from counting twice.
            const fresh = this.o.outbox.deliverWith(item.seq, res, () => this.o.earnings.record(res.receipt));
            if (fresh) {
              this.completed += 1;
              this.o.onEarned?.({ jobId: res.receipt.jobId, net: res.receipt.net });
            }
          } else {
            const ack = await this.o.client.report(item.leaseId, item.kind, item.body as { idempotencyKey: string });
            this.o.outbox.markDelivered(item.seq, ack);
          }
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          if (err instanceof CoordinatorRefused && !err.retryable) {
            this.o.log.warn(
              { kind: item.kind, leaseId: item.leaseId, err: message },
              'the network refused a report; dropped',
            );
            this.o.outbox.markDropped(item.seq, message);
            continue;
          }
          this.o.outbox.markRetry(item, message);
          break;
        }
      }
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }
}

const LOG_TAIL_MAX = 16_384;

export function toWire(r: JobResult): JobResultWire {
  return {
    status: r.status,
    exitCode: r.exitCode,
    reason: r.reason ? r.reason.slice(0, 2000) : null,
    logTail: r.logTail.length > LOG_TAIL_MAX ? r.logTail.slice(-LOG_TAIL_MAX) : r.logTail,
    outputs: r.outputs.slice(0, 1000).map((o) => ({ path: o.path, bytes: o.bytes, sha256: o.sha256 })),
    durationMs: r.durationMs,
  };
}
