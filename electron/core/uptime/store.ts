import type Database from 'better-sqlite3';
import type { HeartbeatReceipt } from '../../../shared/protocol/messages';
import type { CreditedBeat, LocalBeat } from './compute';
import { checkReceipt, type ReceiptCheck, type ReceiptContext } from './receipts';

/**
 * The local heartbeat ledger and the receipts that back it. A receipt is stored only after it
 * passes every check, and its nonce and heartbeat are unique keys, so a replay cannot be
 * counted twice even by a racing writer.
 */
export class UptimeStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      beat: db.prepare(`INSERT OR REPLACE INTO uptime_heartbeats (nonce, at, state, outcome) VALUES (?, ?, ?, ?)`),
      sentAt: db.prepare(`SELECT at FROM uptime_heartbeats WHERE nonce = ?`).pluck(),
      stateOf: db.prepare(`SELECT state FROM uptime_heartbeats WHERE nonce = ?`).pluck(),
      have: db.prepare(`SELECT 1 FROM uptime_receipts WHERE nonce = ? OR heartbeat_nonce = ?`).pluck(),
      receipt: db.prepare(
        `INSERT OR IGNORE INTO uptime_receipts (nonce, heartbeat_nonce, received_at, paused, envelope_json) VALUES (?, ?, ?, ?, ?)`,
      ),
      reject: db.prepare(`INSERT INTO uptime_rejections (at, reason) VALUES (?, ?)`),
      beats: db.prepare(
        `SELECT received_at AS at, paused FROM uptime_receipts WHERE received_at >= ? ORDER BY received_at`,
      ),
      local: db.prepare(`SELECT at, outcome FROM uptime_heartbeats WHERE at >= ? ORDER BY at`),
      counts: db.prepare(
        `SELECT (SELECT COUNT(*) FROM uptime_receipts) AS accepted, (SELECT COUNT(*) FROM uptime_rejections) AS rejected`,
      ),
      firstCredited: db.prepare(`SELECT MIN(received_at) FROM uptime_receipts`).pluck(),
    };
  }

  /** Records a heartbeat as it is sent; `outcome` is updated when the answer (or silence) comes. */
  recordHeartbeat(nonce: string, at: number, state: string, outcome: LocalBeat['outcome']): void {
    this.stmts.beat.run(nonce, at, state, outcome);
  }

  /** Checks a receipt and keeps it if it is genuine; a rejection is counted, never credited. */
  acceptReceipt(
    envelope: unknown,
    ctx: Omit<ReceiptContext, 'sentAt' | 'alreadyHave'>,
    now = Date.now(),
  ): ReceiptCheck {
    const res = checkReceipt(envelope, {
      ...ctx,
      sentAt: (n) => (this.stmts.sentAt.get(n) as number | undefined) ?? undefined,
      alreadyHave: (n, h) => this.stmts.have.get(n, h) !== undefined,
    });
    if (!res.ok) {
      this.stmts.reject.run(now, res.reason);
      return res;
    }
    const r: HeartbeatReceipt = res.receipt;
    const paused = this.stmts.stateOf.get(r.heartbeatNonce) === 'paused' ? 1 : 0;
    const inserted =
      this.stmts.receipt.run(r.nonce, r.heartbeatNonce, r.receivedAt, paused, JSON.stringify(envelope)).changes === 1;
    if (!inserted) {
      this.stmts.reject.run(now, 'replayed');
      return { ok: false, reason: 'replayed' };
    }
    return res;
  }

  credited(from: number): CreditedBeat[] {
    return (this.stmts.beats.all(from) as { at: number; paused: number }[]).map((b) => ({
      at: b.at,
      paused: b.paused === 1,
    }));
  }

  local(from: number): LocalBeat[] {
    return this.stmts.local.all(from) as LocalBeat[];
  }

  /** When this rig first served the network: its SLA is owed from then, not from the 1st. */
  firstCreditedAt(): number | null {
    return (this.stmts.firstCredited.get() as number | null) ?? null;
  }

  counts(): { accepted: number; rejected: number } {
    return this.stmts.counts.get() as { accepted: number; rejected: number };
  }
}
