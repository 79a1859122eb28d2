import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { quarantineFile, type QuarantineResult } from '../files/quarantine';
import { migrate } from './migrations';

export const LEDGER_FILE = 'ledger.sqlite';

export function ledgerPath(dataDir: string): string {
  return path.join(dataDir, LEDGER_FILE);
}

const quarantined = new Map<string, QuarantineResult>();

/** Set when this process found the ledger damaged and moved it aside; shown to the user. */
export function ledgerQuarantine(file: string): QuarantineResult | null {
  return quarantined.get(path.resolve(file)) ?? null;
}

function damage(db: Database.Database): string | null {
  try {
    const result = db.pragma('quick_check', { simple: true });
    return result === 'ok' ? null : `integrity check failed (${String(result)})`;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * A ledger that is not a database, or fails its integrity check, is never written over: it is
 * moved aside with its WAL and shared-memory files, so its rows can still be recovered, and a
 * fresh ledger takes its place.
 */
function openIntact(file: string): Database.Database {
  const db = new Database(file);
  const reason = damage(db);
  if (reason === null) return db;
  db.close();
  const moved = quarantineFile(file, `ledger ${reason}`);
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, moved.movedTo + suffix);
  }
  quarantined.set(path.resolve(file), moved);
  return new Database(file);
}

/**
 * Opens the local ledger with WAL, so readers never block the writer, and synchronous=FULL:
 * rows that hold results or money must survive a power cut once their commit returned. Progress
 * rows that may be lost to a power cut (never to a crash of this process) use `lightly`.
 */
export function openLedgerDb(file: string): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = openIntact(file);
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
