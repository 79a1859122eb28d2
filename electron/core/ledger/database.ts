import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations';

export const LEDGER_FILE = 'ledger.sqlite';

export function ledgerPath(dataDir: string): string {
  return path.join(dataDir, LEDGER_FILE);
}

/**
 * Opens the local ledger with WAL, so readers never block the writer, and synchronous=FULL:
 * rows that hold results or money must survive a power cut once their commit returned. Progress
 * rows that may be lost to a power cut (never to a crash of this process) use `lightly`.
 */
export function openLedgerDb(file: string): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/**
 * Runs `write` as one transaction committed with synchronous=NORMAL: no fsync of its own. The
 * next FULL commit (a result) makes it durable along with everything before it.
 */
export function lightly<T>(db: Database.Database, write: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return db.transaction(write)();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
