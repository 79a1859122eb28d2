import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../electron/core/agent';
import { ledgerPath, ledgerQuarantine, openLedgerDb } from '../../../electron/core/ledger/database';
import { createLogger } from '../../../electron/core/log/logger';

describe('a damaged ledger file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-ledger-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is moved aside byte for byte, and a fresh, migrated ledger takes its place', () => {
    const file = ledgerPath(dir);
    const garbage = Buffer.from('this is not an SQLite database, it was cut short by a power failure '.repeat(80));
    fs.writeFileSync(file, garbage);
    const db = openLedgerDb(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThan(0);
      expect(db.pragma('quick_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    const notice = ledgerQuarantine(file);
    expect(notice?.movedTo).toMatch(/ledger\.sqlite\.corrupt-/);
    expect(notice?.reason).toMatch(/not a database/);
    expect(fs.readFileSync(notice!.movedTo).equals(garbage)).toBe(true);
  });

  it('leaves a healthy ledger, and its rows, where they are', () => {
    const file = ledgerPath(dir);
    const first = openLedgerDb(file);
    first.exec('CREATE TABLE keepsake (v TEXT)');
    first.prepare('INSERT INTO keepsake VALUES (?)').run('earned');
    first.close();
    const again = openLedgerDb(file);
    try {
      expect(again.prepare('SELECT v FROM keepsake').pluck().get()).toBe('earned');
    } finally {
      again.close();
    }
    expect(ledgerQuarantine(file)).toBeNull();
    expect(fs.readdirSync(dir).some((f) => f.includes('corrupt'))).toBe(false);
  });

  it('is reported in the agent status with where the old file is kept', async () => {
    fs.writeFileSync(ledgerPath(dir), 'garbage'.repeat(500));
    const agent = new Agent({ dataDir: dir, log: createLogger({ name: 'test', stdout: false }) });
    try {
      const status = agent.status();
      expect(status.problems.join(' ')).toMatch(/ledger file was damaged .* kept at .*ledger\.sqlite\.corrupt-/);
    } finally {
      await agent.stop();
    }
  });
});
