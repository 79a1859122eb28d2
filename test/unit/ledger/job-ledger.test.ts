import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { lightly, openLedgerDb } from '../../../electron/core/ledger/database';
import { JobLedger } from '../../../electron/core/ledger/job-ledger';
import { migrate, migrations as shipped, type Migration } from '../../../electron/core/ledger/migrations';
import type { JobResult } from '../../../shared/jobs/result';

const dirs: string[] = [];
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-ledger-'));
  dirs.push(dir);
  return path.join(dir, 'ledger.sqlite');
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const migrationsShipped = (): number => shipped.length;
const ok: JobResult = { status: 'succeeded', exitCode: 0, reason: null, logTail: 'hi', outputs: [], durationMs: 5 };

describe('ledger database', () => {
  it('opens in WAL with synchronous=FULL and the latest schema version; progress rows may commit lightly', () => {
    const db = openLedgerDb(tempFile());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    let during = -1;
    lightly(db, () => {
      during = db.pragma('synchronous', { simple: true }) as number;
    });
    expect(during).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('user_version', { simple: true })).toBe(migrationsShipped());
  });

  it('applies appended migrations in order and refuses a ledger from a newer version', () => {
    const file = tempFile();
    openLedgerDb(file).close();
    const db = new Database(file);
    const next = shipped.length + 1;
    const extra: Migration = { version: next, name: 'test', up: (d) => d.exec('CREATE TABLE extra (x INTEGER)') };
    expect(migrate(db, [...shipped, extra])).toBe(next);
    expect(db.pragma('user_version', { simple: true })).toBe(next);
    db.close();
    expect(() => openLedgerDb(file)).toThrow(/newer Rigshare/);
  });

  it('keeps job events append-only', () => {
    const ledger = new JobLedger(openLedgerDb(tempFile()));
    ledger.create({ id: 'a', spec: {}, image: 'i' });
    const db = (ledger as unknown as { db: Database.Database }).db;
    expect(() => db.prepare('UPDATE job_events SET type = ?').run('x')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM job_events').run()).toThrow(/append-only/);
  });
});

describe('job ledger', () => {
  it('writes a result once: a second finish neither overwrites nor duplicates it', () => {
    const ledger = new JobLedger(openLedgerDb(tempFile()));
    ledger.create({ id: 'j1', spec: { a: 1 }, image: 'img' });
    ledger.started('j1', 'c1');
    expect(ledger.finish('j1', ok)).toBe(true);
    expect(ledger.finish('j1', { ...ok, status: 'failed', exitCode: 1 })).toBe(false);
    const job = ledger.get('j1')!;
    expect(job.status).toBe('succeeded');
    expect(job.exitCode).toBe(0);
    expect(job.events.map((e) => e.type)).toEqual(['created', 'started', 'finished']);
    expect(ledger.open()).toEqual([]);
  });

  it('pages newest first with a total, and filters by status', () => {
    const ledger = new JobLedger(openLedgerDb(tempFile()));
    for (let i = 0; i < 25; i++) {
      ledger.create({ id: `j${String(i).padStart(2, '0')}`, spec: {}, image: 'img', at: 1000 + i });
      if (i % 5 === 0) ledger.finish(`j${String(i).padStart(2, '0')}`, ok);
    }
    const first = ledger.page(0, 10);
    expect(first.total).toBe(25);
    expect(first.items.map((j) => j.id).slice(0, 3)).toEqual(['j24', 'j23', 'j22']);
    const last = ledger.page(20, 10);
    expect(last.items.map((j) => j.id)).toEqual(['j04', 'j03', 'j02', 'j01', 'j00']);
    const done = ledger.page(0, 100, 'succeeded');
    expect(done.total).toBe(5);
    expect(done.items.every((j) => j.status === 'succeeded')).toBe(true);
  });

  it('loses no finished job and duplicates nothing when the writer is killed -9', async () => {
    const file = tempFile();
    const writer = path.join(import.meta.dirname, 'crash-writer.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', writer, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const reported: string[] = [];
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => reject(new Error('writer exited before it was killed')));
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        reported.push(...lines);
        // Kill at an arbitrary point well into the run, mid-transaction more often than not.
        if (reported.length >= 150) resolve();
      });
    });
    child.removeAllListeners('exit');
    const exited = new Promise((r) => child.on('exit', r));
    process.kill(child.pid!, 'SIGKILL');
    await exited;

    const db = openLedgerDb(file);
    const ledger = new JobLedger(db);
    for (const id of reported) expect(ledger.get(id)?.status).toBe('succeeded');
    const dupes = db
      .prepare(`SELECT job_id, COUNT(*) AS n FROM job_events WHERE type = 'finished' GROUP BY job_id HAVING n > 1`)
      .all();
    expect(dupes).toEqual([]);
    const orphanEvents = db
      .prepare(`SELECT COUNT(*) AS n FROM job_events e LEFT JOIN jobs j ON j.id = e.job_id WHERE j.id IS NULL`)
      .get() as { n: number };
    expect(orphanEvents.n).toBe(0);
    // A job row and its result are all-or-nothing: any finished row has its finished event.
    const mismatched = db
      .prepare(
        `SELECT COUNT(*) AS n FROM jobs j WHERE j.finished_at IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM job_events e WHERE e.job_id = j.id AND e.type = 'finished')`,
      )
      .get() as { n: number };
    expect(mismatched.n).toBe(0);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
