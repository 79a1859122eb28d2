import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../../../shared/api/errors';
import type { Settings } from '../../../shared/settings/schema';
import type { EgressGate } from '../egress/gate';
import { HostEgress } from '../egress/host-egress';
import type { ContainerEngine } from '../engine/engine';
import type { EventBus } from '../events';
import type { PartialHandlers } from '../handlers';
import { ledgerPath, openLedgerDb } from '../ledger/database';
import { JobLedger } from '../ledger/job-ledger';
import type { Logger } from '../log/logger';
import { buildProbeImage } from './probe-image';
import { JobRunner, type RunOptions, type RunOutcome } from './runner';

export interface JobServiceOptions {
  dataDir: string;
  engine: ContainerEngine;
  log: Logger;
  events: EventBus;
  settings: () => Settings;
  egress?: EgressGate;
}

type JobMethods = 'jobs.list' | 'jobs.get' | 'jobs.logs' | 'jobs.preempt';

/** The jobs capability inside the agent: its ledger, its runner, and the API over them. */
export class JobService {
  readonly ledger: JobLedger;
  readonly runner: JobRunner;
  private readonly db: Database.Database;
  private readonly jobsDir: string;

  constructor(private readonly options: JobServiceOptions) {
    this.db = openLedgerDb(ledgerPath(options.dataDir));
    this.ledger = new JobLedger(this.db);
    this.jobsDir = path.join(options.dataDir, 'jobs');
    const egress = options.egress ?? new HostEgress((jobId, r) => this.ledger.event(jobId, 'egress_refused', r));
    this.runner = new JobRunner({
      docker: () => options.engine.requireDocker(),
      engineEvents: options.engine,
      ledger: this.ledger,
      jobsDir: this.jobsDir,
      log: options.log,
      registryAllowlist: () => options.settings().registryAllowlist,
      egress,
      onProgress: (p) => options.events.emit('job.progress', p),
      onLog: (l) => options.events.emit('job.log', l),
    });
  }

  private reconciled = false;
  private stopWatching: (() => void) | null = null;

  /**
   * Reconciles with the engine after a restart. When the engine is not up yet, it happens as soon
   * as the engine answers, so orphans of a crash never outlive their lease unnoticed.
   */
  async start(): Promise<void> {
    const onStatus = (status: { reachable: boolean }): void => {
      if (status.reachable) void this.reconcileOnce();
    };
    this.options.engine.on('status', onStatus);
    this.stopWatching = () => this.options.engine.off('status', onStatus);
    await this.reconcileOnce();
  }

  private async reconcileOnce(): Promise<void> {
    if (this.reconciled || !this.options.engine.docker) return;
    this.reconciled = true;
    try {
      const { reattached, cleaned } = await this.runner.reconcile();
      if (reattached.length + cleaned.length > 0)
        this.options.log.info({ reattached, cleaned }, 'reconciled jobs after a restart');
    } catch (err) {
      this.reconciled = false;
      this.options.log.warn({ err: (err as Error).message }, 'could not reconcile jobs with the engine');
    }
  }

  stop(): void {
    this.stopWatching?.();
    this.db.close();
  }

  /** A trusted image built on this machine from its busybox, for work that needs no registry. */
  buildLocalImage(): Promise<string> {
    return buildProbeImage(this.options.engine.requireDocker());
  }

  run(spec: unknown, options?: RunOptions): Promise<RunOutcome> {
    return this.runner.run(spec, options);
  }

  handlers(): PartialHandlers<JobMethods> {
    return {
      'jobs.list': async ({ offset, limit, status }) => this.ledger.page(offset, limit, status),
      'jobs.get': async ({ id }) => {
        const job = this.ledger.get(id);
        if (!job) throw new AppError('not_found', `No job ${id} in this rig's ledger.`);
        return job;
      },
      'jobs.logs': async ({ id, maxBytes }) => {
        const job = this.ledger.get(id);
        if (!job) throw new AppError('not_found', `No job ${id} in this rig's ledger.`);
        return { jobId: id, ...readTail(path.join(this.jobsDir, id, 'job.log'), maxBytes, job.logTail) };
      },
      'jobs.preempt': async ({ id }) => {
        if (!this.runner.running.includes(id))
          throw new AppError(
            'conflict',
            `Job ${id} is not running in this agent, so there is nothing to pre-empt here. A job started with \`rigshare job run\` stops with Ctrl-C in its terminal.`,
          );
        const out = await this.runner.preempt(id);
        return { id, status: out.status };
      },
    };
  }
}

function readTail(file: string, maxBytes: number, fallback: string): { text: string; truncated: boolean } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return { text: fallback, truncated: false };
  }
  try {
    const size = fs.fstatSync(fd).size;
    const start = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    fs.readSync(fd, buf, 0, buf.length, start);
    return { text: buf.toString('utf8'), truncated: start > 0 };
  } finally {
    fs.closeSync(fd);
  }
}
