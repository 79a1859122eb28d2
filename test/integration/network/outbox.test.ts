import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateNodeKey, NODE_KEY_FILE } from '../../../electron/core/identity/node-key';
import { ledgerPath, openLedgerDb } from '../../../electron/core/ledger/database';
import { backoffDelay, Outbox } from '../../../electron/core/network/outbox';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-outbox-'));

function outboxAt(dir: string, clock: { t: number }, random = () => 1) {
  const db = openLedgerDb(ledgerPath(dir));
  return { db, outbox: new Outbox(db, () => clock.t, { baseMs: 1000, maxMs: 60_000, random }) };
}

const item = (key: string, kind: 'progress' | 'complete' = 'complete') => ({
  networkUrl: 'http://net',
  leaseId: 'lease_1',
  jobId: 'job_1',
  kind,
  idempotencyKey: key,
  body: { idempotencyKey: key, n: key },
});

describe('outbox', () => {
  it('keeps a report across a restart until it is delivered, in order', () => {
    const dir = tmp();
    const clock = { t: 1000 };
    const first = outboxAt(dir, clock);
    first.outbox.enqueue(item('lease_1:progress:1', 'progress'));
    first.outbox.enqueue(item('lease_1:complete'));
    first.db.close();
    const again = outboxAt(dir, clock);
    expect(again.outbox.due('http://net').map((i) => i.idempotencyKey)).toEqual([
      'lease_1:progress:1',
      'lease_1:complete',
    ]);
    again.outbox.markDelivered(again.outbox.due('http://net')[0]!.seq, { ok: true });
    expect(again.outbox.pending('http://net')).toBe(1);
    again.db.close();
  });

  it('writes a report once per idempotency key', () => {
    const { db, outbox } = outboxAt(tmp(), { t: 0 });
    outbox.enqueue(item('lease_1:complete'));
    outbox.enqueue({ ...item('lease_1:complete'), body: { changed: true } });
    expect(outbox.due('http://net')).toHaveLength(1);
    expect(outbox.due('http://net')[0]!.body).toEqual({ idempotencyKey: 'lease_1:complete', n: 'lease_1:complete' });
    db.close();
  });

  it('backs off exponentially with full jitter, capped, and wakes everything when the network returns', () => {
    const clock = { t: 0 };
    const { db, outbox } = outboxAt(tmp(), clock);
    outbox.enqueue(item('k-00000001'));
    let it = outbox.due('http://net')[0]!;
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const at = outbox.markRetry(it, 'unreachable');
      waits.push(at - clock.t);
      expect(outbox.due('http://net')).toHaveLength(0);
      clock.t = at;
      it = outbox.due('http://net')[0]!;
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    outbox.markRetry(it, 'unreachable');
    outbox.wake('http://net');
    expect(outbox.due('http://net')).toHaveLength(1);
    db.close();
  });

  it('jitter spreads retries: the delay is random below the cap', () => {
    const policy = { baseMs: 1000, maxMs: 60_000, random: () => 0.25 };
    expect(backoffDelay(3, policy)).toBe(2000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(4, { ...policy, random: Math.random })));
    expect(spread.size).toBeGreaterThan(40);
    for (const d of spread) expect(d).toBeLessThan(16_000);
  });

  it('a dropped report is not retried', () => {
    const { db, outbox } = outboxAt(tmp(), { t: 0 });
    outbox.enqueue(item('k-00000002'));
    outbox.markDropped(outbox.due('http://net')[0]!.seq, 'lease_lost');
    expect(outbox.due('http://net')).toEqual([]);
    expect(outbox.find('k-00000002')).toMatchObject({ lastError: 'lease_lost' });
    db.close();
  });
});

describe('node identity key', () => {
  it('is created once, owner-only, and loaded unchanged afterwards', () => {
    const dir = tmp();
    const a = loadOrCreateNodeKey(dir);
    expect(a.created).toBe(true);
    expect(fs.statSync(path.join(dir, NODE_KEY_FILE)).mode & 0o777).toBe(0o600);
    const b = loadOrCreateNodeKey(dir);
    expect(b.created).toBe(false);
    expect(b.address).toBe(a.address);
  });

  it('tightens permissions that were opened up, and refuses a damaged key with what to do', () => {
    const dir = tmp();
    const a = loadOrCreateNodeKey(dir);
    fs.chmodSync(a.file, 0o644);
    expect(loadOrCreateNodeKey(dir).address).toBe(a.address);
    expect(fs.statSync(a.file).mode & 0o777).toBe(0o600);
    fs.writeFileSync(a.file, 'garbage');
    expect(() => loadOrCreateNodeKey(dir)).toThrow(/damaged.*Move it aside and Join again/);
  });
});
