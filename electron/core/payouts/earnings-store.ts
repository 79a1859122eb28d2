import type Database from 'better-sqlite3';
import type { CompletionReceipt } from '../../../shared/protocol/messages';

export interface EarningRow {
  jobId: string;
  completedAt: number;
  gpuMs: number;
  gross: number;
  fee: number;
  net: number;
}

/**
 * The rig's own record of what each job earned, from the network's signed completion receipt.
 * A receipt is written once per job; a repeat (an outbox redelivery) changes nothing.
 */
export class EarningsStore {
  private readonly insert;
  private readonly byId;
  private readonly range;
  private readonly totals;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO job_earnings (job_id, lease_id, completed_at, gpu_ms, gross, fee, net, receipt_json)
       VALUES (@jobId, @leaseId, @completedAt, @gpuMs, @gross, @fee, @net, @receipt)`,
    );
    this.byId = db.prepare(`SELECT net FROM job_earnings WHERE job_id = ?`).pluck();
    this.range = db.prepare(
      `SELECT job_id AS jobId, completed_at AS completedAt, gpu_ms AS gpuMs, gross, fee, net FROM job_earnings ORDER BY completed_at`,
    );
    this.totals = db.prepare(`SELECT COUNT(*) AS jobs, COALESCE(SUM(net), 0) AS net FROM job_earnings`);
  }

  record(receipt: CompletionReceipt, completedAt = receipt.timestamp): boolean {
    return (
      this.insert.run({
        jobId: receipt.jobId,
        leaseId: receipt.leaseId,
        completedAt,
        gpuMs: receipt.gpuMs,
        gross: receipt.gross,
        fee: receipt.fee,
        net: receipt.net,
        receipt: JSON.stringify(receipt),
      }).changes === 1
    );
  }

  /** Raw rows, for imports and tests that build a large ledger quickly. */
  recordMany(rows: (EarningRow & { leaseId?: string })[]): void {
    this.db.transaction(() => {
      for (const r of rows) this.insert.run({ ...r, leaseId: r.leaseId ?? r.jobId, receipt: '{}' });
    })();
  }

  netFor(jobId: string): number | undefined {
    const v = this.byId.get(jobId) as number | undefined;
    return v ?? undefined;
  }

  all(): EarningRow[] {
    return this.range.all() as EarningRow[];
  }

  summary(): { jobs: number; net: number } {
    return this.totals.get() as { jobs: number; net: number };
  }
}
