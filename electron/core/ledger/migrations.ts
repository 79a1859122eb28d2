import type Database from 'better-sqlite3';

export interface Migration {
  /** Becomes PRAGMA user_version once applied; versions are consecutive from 1. */
  version: number;
  name: string;
  up(db: Database.Database): void;
}

/**
 * The ledger schema, in order. Capabilities append new entries at the end; an applied migration
 * is never edited, because user machines already carry its result.
 */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'jobs and their append-only event history',
    up(db) {
      db.exec(`
        CREATE TABLE jobs (
          id              TEXT PRIMARY KEY,
          created_at      INTEGER NOT NULL,
          started_at      INTEGER,
          finished_at     INTEGER,
          status          TEXT NOT NULL,
          image           TEXT NOT NULL,
          spec_json       TEXT NOT NULL,
          container_id    TEXT,
          lease_expires_at INTEGER,
          exit_code       INTEGER,
          reason          TEXT,
          duration_ms     INTEGER,
          log_tail        TEXT NOT NULL DEFAULT '',
          outputs_json    TEXT NOT NULL DEFAULT '[]',
          checkpoint_json TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX jobs_by_created ON jobs (created_at DESC, id DESC);
        CREATE INDEX jobs_open ON jobs (status) WHERE finished_at IS NULL;

        CREATE TABLE job_events (
          seq     INTEGER PRIMARY KEY AUTOINCREMENT,
          job_id  TEXT NOT NULL REFERENCES jobs (id),
          at      INTEGER NOT NULL,
          type    TEXT NOT NULL,
          data_json TEXT NOT NULL DEFAULT 'null'
        );
        CREATE INDEX job_events_by_job ON job_events (job_id, seq);
        CREATE TRIGGER job_events_no_update BEFORE UPDATE ON job_events
          BEGIN SELECT RAISE(ABORT, 'job_events is append-only'); END;
        CREATE TRIGGER job_events_no_delete BEFORE DELETE ON job_events
          BEGIN SELECT RAISE(ABORT, 'job_events is append-only'); END;
      `);
    },
  },
  {
    version: 2,
    name: 'earnings per job, payout statements and their checks, heartbeats and uptime receipts',
    up(db) {
      db.exec(`
        -- What the network's signed completion receipt said this rig earned for a job.
        CREATE TABLE job_earnings (
          job_id       TEXT PRIMARY KEY,
          lease_id     TEXT NOT NULL,
          completed_at INTEGER NOT NULL,
          gpu_ms       INTEGER NOT NULL,
          gross        INTEGER NOT NULL,
          fee          INTEGER NOT NULL,
          net          INTEGER NOT NULL,
          receipt_json TEXT NOT NULL
        );
        CREATE INDEX job_earnings_by_time ON job_earnings (completed_at);

        -- Signed settlement statements as received, and where each stands after the last check.
        CREATE TABLE payout_statements (
          statement_id    TEXT PRIMARY KEY,
          received_at     INTEGER NOT NULL,
          period_from     INTEGER NOT NULL,
          period_to       INTEGER NOT NULL,
          amount          INTEGER NOT NULL,
          token_address   TEXT NOT NULL,
          token_symbol    TEXT NOT NULL,
          token_decimals  INTEGER NOT NULL,
          tx_hash         TEXT NOT NULL,
          envelope_json   TEXT NOT NULL,
          status          TEXT NOT NULL DEFAULT 'missing',
          reasons_json    TEXT NOT NULL DEFAULT '[]',
          chain_amount    INTEGER,
          ledger_amount   INTEGER NOT NULL DEFAULT 0,
          confirmations   INTEGER NOT NULL DEFAULT 0,
          block_number    INTEGER,
          block_hash      TEXT,
          seen_block_hash TEXT,
          checked_at      INTEGER
        );
        CREATE INDEX payout_statements_by_period ON payout_statements (period_to DESC);

        -- Every heartbeat this rig tried to send, answered or not: the local half of uptime.
        CREATE TABLE uptime_heartbeats (
          nonce    TEXT PRIMARY KEY,
          at       INTEGER NOT NULL,
          state    TEXT NOT NULL,
          outcome  TEXT NOT NULL
        );
        CREATE INDEX uptime_heartbeats_by_time ON uptime_heartbeats (at);

        -- The network's signed receipts: the half of uptime a third party can check.
        CREATE TABLE uptime_receipts (
          nonce           TEXT PRIMARY KEY,
          heartbeat_nonce TEXT NOT NULL UNIQUE,
          received_at     INTEGER NOT NULL,
          paused          INTEGER NOT NULL,
          envelope_json   TEXT NOT NULL
        );
        CREATE INDEX uptime_receipts_by_time ON uptime_receipts (received_at);
        CREATE TABLE uptime_rejections (
          seq    INTEGER PRIMARY KEY AUTOINCREMENT,
          at     INTEGER NOT NULL,
          reason TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 3,
    name: 'network outbox: reports that wait for the coordinator',
    up(db) {
      db.exec(`
        -- Reports to the network (progress, checkpoints, results) that must arrive exactly once.
        -- The idempotency key goes with every attempt; the row is kept once delivered.
        CREATE TABLE network_outbox (
          seq             INTEGER PRIMARY KEY AUTOINCREMENT,
          network_url     TEXT NOT NULL,
          lease_id        TEXT NOT NULL,
          job_id          TEXT NOT NULL,
          kind            TEXT NOT NULL,
          idempotency_key TEXT NOT NULL UNIQUE,
          body_json       TEXT NOT NULL,
          created_at      INTEGER NOT NULL,
          attempts        INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL,
          last_error      TEXT,
          delivered_at    INTEGER,
          response_json   TEXT
        );
        CREATE INDEX network_outbox_pending ON network_outbox (next_attempt_at) WHERE delivered_at IS NULL;
      `);
    },
  },
];

/** Runs every migration newer than the file, each in its own transaction with its version bump. */
export function migrate(db: Database.Database, list: Migration[] = migrations): number {
  list.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Ledger migration "${m.name}" has version ${m.version}, expected ${i + 1}`);
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = list.length;
  if (current > latest) {
    throw new Error(
      `The ledger was written by a newer Rigshare (schema ${current}, this one knows ${latest}). Update Rigshare; your ledger is unchanged.`,
    );
  }
  for (const m of list.slice(current)) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return latest;
}
