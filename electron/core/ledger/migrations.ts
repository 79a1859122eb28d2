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
];

/** Runs every migration newer than the file, each in its own transaction with its version bump. */
export function migrate(db: Database.Database, list: Migration[] = migrations): number {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Ledger migration "${m.name}" has version ${m.version}, expected ${i + 1}`);
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
