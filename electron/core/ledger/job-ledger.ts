import type Database from 'better-sqlite3';
import { lightly } from './database';
import type { JobSpec } from '../../../shared/jobs/spec';
import {
  isTerminal,
  type JobDetail,
  type JobEventRecord,
  type JobResult,
  type JobStatus,
  type JobSummary,
} from '../../../shared/jobs/result';

interface JobRow {
  id: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  status: JobStatus;
  image: string;
  spec_json: string;
  container_id: string | null;
  lease_expires_at: number | null;
  exit_code: number | null;
  reason: string | null;
  duration_ms: number | null;
  log_tail: string;
  outputs_json: string;
  checkpoint_json: string;
}

export interface OpenJob {
  id: string;
  status: JobStatus;
  containerId: string | null;
  leaseExpiresAt: number | null;
  startedAt: number | null;
  spec: JobSpec;
}

export interface JobPage {
  total: number;
  offset: number;
  items: JobSummary[];
}

/**
 * Jobs and their history. The jobs row is the current view; job_events is the append-only record
 * of how it got there. Every change writes both in one transaction, so they never disagree.
 */
export class JobLedger {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      insertJob: db.prepare(
        `INSERT INTO jobs (id, created_at, status, image, spec_json, lease_expires_at)
         VALUES (@id, @createdAt, 'queued', @image, @specJson, @leaseExpiresAt)`,
      ),
      insertEvent: db.prepare(`INSERT INTO job_events (job_id, at, type, data_json) VALUES (?, ?, ?, ?)`),
      setStatus: db.prepare(`UPDATE jobs SET status = ? WHERE id = ? AND finished_at IS NULL`),
      setStarted: db.prepare(
        `UPDATE jobs SET status = 'running', started_at = ?, container_id = ?,
           lease_expires_at = COALESCE(lease_expires_at, ?) WHERE id = ? AND finished_at IS NULL`,
      ),
      setContainer: db.prepare(`UPDATE jobs SET container_id = ? WHERE id = ? AND finished_at IS NULL`),
      finish: db.prepare(
        `UPDATE jobs SET status = @status, finished_at = @finishedAt, exit_code = @exitCode, reason = @reason,
           duration_ms = @durationMs, log_tail = @logTail, outputs_json = @outputs, checkpoint_json = @checkpoint
         WHERE id = @id AND finished_at IS NULL`,
      ),
      get: db.prepare(`SELECT * FROM jobs WHERE id = ?`),
      events: db.prepare(`SELECT seq, at, type, data_json FROM job_events WHERE job_id = ? ORDER BY seq`),
      open: db.prepare(`SELECT * FROM jobs WHERE finished_at IS NULL`),
      count: db.prepare(`SELECT COUNT(*) AS n FROM jobs`),
      countByStatus: db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE status = ?`),
      page: db.prepare(
        `SELECT id, status, image, created_at, started_at, finished_at, duration_ms, exit_code, reason
         FROM jobs ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
      ),
      pageByStatus: db.prepare(
        `SELECT id, status, image, created_at, started_at, finished_at, duration_ms, exit_code, reason
         FROM jobs WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
      ),
    };
  }

  create(input: { id: string; spec: unknown; image: string; leaseExpiresAt?: number | null; at?: number }): void {
    const at = input.at ?? Date.now();
    lightly(this.db, () => {
      this.stmts.insertJob.run({
        id: input.id,
        createdAt: at,
        image: input.image,
        specJson: JSON.stringify(input.spec ?? null),
        leaseExpiresAt: input.leaseExpiresAt ?? null,
      });
      this.stmts.insertEvent.run(input.id, at, 'created', 'null');
    });
  }

  /** Records a step in the job's history; `status` moves the current view along with it. */
  event(id: string, type: string, data: unknown = null, status?: JobStatus): void {
    lightly(this.db, () => {
      this.stmts.insertEvent.run(id, Date.now(), type, JSON.stringify(data ?? null));
      if (status) this.stmts.setStatus.run(status, id);
    });
  }

  containerCreated(id: string, containerId: string): void {
    lightly(this.db, () => {
      this.stmts.setContainer.run(containerId, id);
      this.stmts.insertEvent.run(id, Date.now(), 'container_created', JSON.stringify({ containerId }));
    });
  }

  /** Marks the job running; a job without a lease from a network gets `leaseExpiresAt`. */
  started(id: string, containerId: string, at = Date.now(), leaseExpiresAt: number | null = null): void {
    lightly(this.db, () => {
      this.stmts.setStarted.run(at, containerId, leaseExpiresAt, id);
      this.stmts.insertEvent.run(id, at, 'started', JSON.stringify({ containerId }));
    });
  }

  /**
   * Writes the job's result once. A second call (a recovery racing a finish) changes nothing and
   * returns false, so a result is never duplicated or overwritten.
   */
  finish(id: string, result: JobResult, at = Date.now()): boolean {
    return this.db.transaction(() => {
      const changed = this.stmts.finish.run({
        id,
        status: result.status,
        finishedAt: at,
        exitCode: result.exitCode,
        reason: result.reason,
        durationMs: result.durationMs,
        logTail: result.logTail,
        outputs: JSON.stringify(result.outputs),
        checkpoint: JSON.stringify(result.checkpoint ?? []),
      }).changes;
      if (changed === 0) return false;
      this.stmts.insertEvent.run(
        id,
        at,
        'finished',
        JSON.stringify({ status: result.status, exitCode: result.exitCode, reason: result.reason }),
      );
      return true;
    })();
  }

  get(id: string): JobDetail | null {
    const row = this.stmts.get.get(id) as JobRow | undefined;
    if (!row) return null;
    return {
      ...toSummary(row),
      spec: JSON.parse(row.spec_json) as unknown,
      logTail: row.log_tail,
      outputs: JSON.parse(row.outputs_json) as JobDetail['outputs'],
      checkpoint: JSON.parse(row.checkpoint_json) as JobDetail['checkpoint'],
      leaseExpiresAt: row.lease_expires_at,
      events: this.events(id),
    };
  }

  events(id: string): JobEventRecord[] {
    return (this.stmts.events.all(id) as { seq: number; at: number; type: string; data_json: string }[]).map((e) => ({
      seq: e.seq,
      at: e.at,
      type: e.type,
      data: JSON.parse(e.data_json) as unknown,
    }));
  }

  /** Jobs without a result: what recovery has to account for after a crash. */
  open(): OpenJob[] {
    return (this.stmts.open.all() as JobRow[]).map((row) => ({
      id: row.id,
      status: row.status,
      containerId: row.container_id,
      leaseExpiresAt: row.lease_expires_at,
      startedAt: row.started_at,
      spec: JSON.parse(row.spec_json) as JobSpec,
    }));
  }

  /** Newest first, paged on the server so a 100k-row ledger costs one page per request. */
  page(offset: number, limit: number, status?: JobStatus): JobPage {
    const rows = (
      status ? this.stmts.pageByStatus.all(status, limit, offset) : this.stmts.page.all(limit, offset)
    ) as JobRow[];
    const total = ((status ? this.stmts.countByStatus.get(status) : this.stmts.count.get()) as { n: number }).n;
    return { total, offset, items: rows.map(toSummary) };
  }
}

function toSummary(
  row: Pick<
    JobRow,
    'id' | 'status' | 'image' | 'created_at' | 'started_at' | 'finished_at' | 'duration_ms' | 'exit_code' | 'reason'
  >,
): JobSummary {
  return {
    id: row.id,
    status: row.status,
    image: row.image,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    exitCode: row.exit_code,
    reason: row.reason,
  };
}

export { isTerminal };
