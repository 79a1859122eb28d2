import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../../coordinator/server';
import { sweepExpiredLeases } from '../../../coordinator/services/leasing';
import { jobRequest, joinedNode, submit, tempDir, testClock } from '../coordinator/helpers';
import { freshDatabase, type TestDatabase } from './database';

const TTL = 60_000;
const JOBS = 30;
const clock = testClock();
let db: TestDatabase;
let a: RunningCoordinator;
let b: RunningCoordinator;

async function instance(): Promise<RunningCoordinator> {
  return startCoordinator({
    dataDir: tempDir('race'),
    databaseUrl: db.url,
    port: 0,
    now: clock.now,
    // The test drives the sweeps itself, so both instances race on the same expired leases.
    config: { leaseTtlMs: TTL, sweepIntervalMs: 3_600_000 },
    log: pino({ level: 'silent' }),
  });
}

beforeAll(async () => {
  db = await freshDatabase();
  [a, b] = [await instance(), await instance()];
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await db?.drop();
});

describe('lease expiry with two instances on one PostgreSQL', () => {
  it('requeues each expired job once, however the sweeps of both instances interleave with new leases', async () => {
    for (let i = 0; i < JOBS; i++) expect((await submit(a, jobRequest())).status).toBe(201);
    const holders = [await joinedNode(a, { now: clock.now }), await joinedNode(b, { now: clock.now })];
    const first = new Map<string, string>();
    for (let i = 0; first.size < JOBS; i++) {
      const offer = await holders[i % 2]!.lease(0);
      expect(offer).not.toBeNull();
      first.set(offer!.jobId, offer!.leaseId);
    }
    // Both holders go silent; their leases are now past the TTL on both instances' clock.
    clock.advance(TTL + 1);

    // A live node keeps leasing from instance B while both instances sweep at once.
    const taker = await joinedNode(b, { now: clock.now });
    const relet: Array<{ jobId: string; leaseId: string }> = [];
    let sweeping = true;
    const takeOne = async () => {
      const offer = await taker.lease(0);
      if (offer) relet.push({ jobId: offer.jobId, leaseId: offer.leaseId });
      return offer;
    };
    const taking = (async () => {
      while (sweeping) await takeOne();
    })();
    const sweeps = await Promise.all(Array.from({ length: 16 }, (_, i) => sweepExpiredLeases((i % 2 ? a : b).ctx)));
    sweeping = false;
    await taking;
    // Then whatever the sweeps requeued after the taker's last look.
    while (await takeOne());

    // Every expired lease was ended by exactly one sweep, on one instance or the other.
    expect(sweeps.reduce((s, n) => s + n, 0)).toBe(JOBS);
    const leases = (
      await a.ctx.db.query<{ id: string; job_id: string; ended_at: unknown; end_reason: string | null }>(
        'SELECT id, job_id, ended_at, end_reason FROM leases',
      )
    ).rows;
    for (const [jobId, leaseId] of first) {
      const mine = leases.filter((l) => l.job_id === jobId);
      expect(mine.filter((l) => l.end_reason === 'expired').map((l) => l.id)).toEqual([leaseId]);
    }
    // Each job went back to the queue once and was leased again once: attempt 2, never 3.
    expect(new Set(relet.map((r) => r.jobId)).size).toBe(relet.length);
    expect(relet).toHaveLength(JOBS);
    const jobs = (
      await a.ctx.db.query<{ id: string; status: string; attempts: number; lease_id: string }>(
        'SELECT id, status, attempts, lease_id FROM jobs',
      )
    ).rows;
    for (const j of jobs) {
      expect(j.status).toBe('leased');
      expect(Number(j.attempts)).toBe(2);
      expect(j.lease_id).toBe(relet.find((r) => r.jobId === j.id)!.leaseId);
    }
    // A sweep that started before the new leases existed did not take them back.
    expect(leases.filter((l) => relet.some((r) => r.leaseId === l.id) && l.ended_at !== null)).toEqual([]);
    // And a further round of sweeps on both instances finds nothing to do.
    expect(await Promise.all([sweepExpiredLeases(a.ctx), sweepExpiredLeases(b.ctx)])).toEqual([0, 0]);
  });
});
