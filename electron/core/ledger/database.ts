import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations';

export const LEDGER_FILE = 'ledger.sqlite';

export function ledgerPath(dataDir: string): string {
  return path.join(dataDir, LEDGER_FILE);
}

/**
 * Opens the local ledger: WAL so readers never block the writer, and synchronous=FULL because
 * its rows hold job results and money — a commit that returned must survive a power cut.
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
