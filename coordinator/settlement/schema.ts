import type { Queryable } from '../store/db';

/**
 * Settlement keeps its own tables, created idempotently when settlement starts, so the core
 * store's migrations stay untouched. `settled_jobs` makes paying a job twice impossible: its
 * primary key is the job.
 */
export const SETTLEMENT_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS settlements (
     statement_id TEXT PRIMARY KEY,
     node_id TEXT NOT NULL,
     node_address TEXT NOT NULL,
     payout_address TEXT NOT NULL,
     period_from BIGINT NOT NULL,
     period_to BIGINT NOT NULL,
     amount BIGINT NOT NULL,
     jobs JSONB NOT NULL,
     token_address TEXT NOT NULL,
     status TEXT NOT NULL,
     tx_nonce BIGINT,
     tx_hash TEXT,
     tx_hashes JSONB NOT NULL DEFAULT '[]',
     attempts INT NOT NULL DEFAULT 0,
     last_error TEXT,
     envelope JSONB,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS settlements_node ON settlements (node_id, created_at)`,
  `CREATE UNIQUE INDEX IF NOT EXISTS settlements_nonce ON settlements (token_address, tx_nonce) WHERE tx_nonce IS NOT NULL`,
  `CREATE TABLE IF NOT EXISTS settled_jobs (
     job_id TEXT PRIMARY KEY,
     statement_id TEXT NOT NULL REFERENCES settlements (statement_id)
   )`,
];

export async function ensureSettlementSchema(db: Queryable): Promise<void> {
  for (const sql of SETTLEMENT_SCHEMA) await db.query(sql);
}
