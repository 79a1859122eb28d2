import type Database from 'better-sqlite3';
import { lightly } from '../ledger/database';

export type OutboxKind = 'progress' | 'checkpoint' | 'complete' | 'fail' | 'release';

/** A report as the rig writes it. */
export interface OutboxReport {
  networkUrl: string;
  leaseId: string;
  jobId: string;
  kind: OutboxKind;
  idempotencyKey: string;
  body: Record<string, unknown>;
}

/** A report as the ledger keeps it, with its place in line and how delivery is going. */
export interface OutboxItem extends OutboxReport {
  seq: number;
  attempts: number;
  nextAttemptAt: number;
}

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 60_000, random: Math.random };

/**
 * "Full jitter": a random delay up to an exponentially growing cap, so a thousand rigs that lost
 * the network together do not all come back in the same second.
 */
export function backoffDelay(attempts: number, policy: BackoffPolicy): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempts, 30));
  return Math.floor(policy.random() * cap);
}

/**
 * Reports that must reach the network exactly once, kept in the ledger until they do. The
 * idempotency key is fixed when the report is written, so however many times delivery is tried
 * the coordinator applies it once. Results are committed durably before anything is sent.
 */
export class Outbox {
  private readonly stmts;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
  ) {
    this.stmts = {
      insert: db.prepare(
        `INSERT OR IGNORE INTO network_outbox (network_url, lease_id, job_id, kind, idempotency_key, body_json, created_at, next_attempt_at)
         VALUES (@networkUrl, @leaseId, @jobId, @kind, @idempotencyKey, @body, @now, @now)`,
      ),
      due: db.prepare(
        `SELECT * FROM network_outbox WHERE delivered_at IS NULL AND network_url = ? AND next_attempt_at <= ? ORDER BY seq LIMIT ?`,
      ),
      pending: db
        .prepare(`SELECT COUNT(*) AS n FROM network_outbox WHERE delivered_at IS NULL AND network_url = ?`)
        .pluck(),
      delivered: db.prepare(
        `UPDATE network_outbox SET delivered_at = ?, response_json = ?, last_error = NULL WHERE seq = ?`,
      ),
      retry: db.prepare(
        `UPDATE network_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE seq = ?`,
      ),
      dropped: db.prepare(
        `UPDATE network_outbox SET delivered_at = ?, last_error = ?, attempts = attempts + 1 WHERE seq = ?`,
      ),
      find: db.prepare(`SELECT * FROM network_outbox WHERE idempotency_key = ?`),
      wakeAll: db.prepare(
        `UPDATE network_outbox SET next_attempt_at = ? WHERE delivered_at IS NULL AND network_url = ?`,
      ),
    };
  }

  /** Writes a report. A repeat with the same key is ignored; results are committed with FULL sync. */
  enqueue(item: OutboxReport): void {
    const row = { ...item, body: JSON.stringify(item.body), now: this.now() };
    // Results and failures are committed with the ledger's full sync; progress need not be.
    if (item.kind === 'complete' || item.kind === 'fail') this.stmts.insert.run(row);
    else lightly(this.db, () => this.stmts.insert.run(row));
  }

  due(networkUrl: string, limit = 20): OutboxItem[] {
    return (this.stmts.due.all(networkUrl, this.now(), limit) as Record<string, unknown>[]).map(toItem);
  }

  pending(networkUrl: string): number {
    return this.stmts.pending.get(networkUrl) as number;
  }

  markDelivered(seq: number, response: unknown): void {
    this.stmts.delivered.run(this.now(), JSON.stringify(response ?? null), seq);
  }

  /**
   * Marks an item delivered in the same transaction as what its answer changes locally (the
   * earnings from a completion receipt), so a crash never keeps one without the other.
   */
  deliverWith<T>(seq: number, response: unknown, apply: () => T): T {
    return this.db.transaction(() => {
      const out = apply();
      this.markDelivered(seq, response);
      return out;
    })();
  }

  /** Delivery failed in a way worth retrying: try again after a jittered backoff. */
  markRetry(item: OutboxItem, error: string): number {
    const at = this.now() + backoffDelay(item.attempts, this.policy);
    this.stmts.retry.run(at, error.slice(0, 500), item.seq);
    return at;
  }

  /** The network refused it for good (the lease is gone, the job is closed): stop trying. */
  markDropped(seq: number, error: string): void {
    this.stmts.dropped.run(this.now(), error.slice(0, 500), seq);
  }

  /** The network is back: make everything due now instead of waiting out its backoff. */
  wake(networkUrl: string): void {
    this.stmts.wakeAll.run(this.now(), networkUrl);
  }

  find(idempotencyKey: string): (OutboxItem & { deliveredAt: number | null; lastError: string | null }) | null {
    const row = this.stmts.find.get(idempotencyKey) as Record<string, unknown> | undefined;
    return row
      ? {
          ...toItem(row),
          deliveredAt: (row.delivered_at as number | null) ?? null,
          lastError: (row.last_error as string | null) ?? null,
        }
      : null;
  }
}

function toItem(row: Record<string, unknown>): OutboxItem {
  return {
    seq: row.seq as number,
    networkUrl: row.network_url as string,
    leaseId: row.lease_id as string,
    jobId: row.job_id as string,
    kind: row.kind as OutboxKind,
    idempotencyKey: row.idempotency_key as string,
    body: JSON.parse(row.body_json as string) as Record<string, unknown>,
    attempts: row.attempts as number,
    nextAttemptAt: row.next_attempt_at as number,
  };
}
