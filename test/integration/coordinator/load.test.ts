import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinator, jobRequest, joinedNode, key, result, submit } from './helpers';

const JOBS = 200;
const NODES = 20;
let c: Awaited<ReturnType<typeof coordinator>>;

beforeAll(async () => {
  c = await coordinator();
});
afterAll(async () => {
  await c?.close();
});

describe('200 queued jobs and 20 nodes on one coordinator', () => {
  it('leases no job twice and loses none', async () => {
    const submitted = new Set<string>();
    for (let i = 0; i < JOBS; i++) {
      const { status, body } = await submit(
        c,
        jobRequest({ idempotencyKey: `load-${i}-${key()}`, maxPricePerGpuHour: 100_000 + (i % 7) * 1000 }),
      );
      expect(status).toBe(201);
      submitted.add(body.jobId);
    }
    expect(submitted.size).toBe(JOBS);
    const nodes = await Promise.all(Array.from({ length: NODES }, () => joinedNode(c)));
    const leasedBy = new Map<string, string[]>();
    const completedBy = new Map<string, string>();
    await Promise.all(
      nodes.map(async (node) => {
        for (;;) {
          const offer = await node.lease(100);
          if (!offer) {
            if (completedBy.size >= JOBS) return;
            continue;
          }
          leasedBy.set(offer.jobId, [...(leasedBy.get(offer.jobId) ?? []), node.address]);
          const done = await node.complete(offer.leaseId, { idempotencyKey: key(), result: result(1000) });
          expect(done.duplicate).toBe(false);
          completedBy.set(offer.jobId, node.address);
        }
      }),
    );
    expect([...leasedBy.values()].filter((holders) => holders.length > 1)).toEqual([]);
    expect(new Set(leasedBy.keys())).toEqual(submitted);
    expect(completedBy.size).toBe(JOBS);
    const db = c.ctx.db;
    const counts = (
      await db.query(`SELECT
        (SELECT COUNT(*) FROM jobs WHERE status = 'completed') AS completed,
        (SELECT COUNT(*) FROM leases) AS leases,
        (SELECT COUNT(DISTINCT job_id) FROM leases) AS leased_jobs,
        (SELECT COUNT(*) FROM accounting) AS accounted`)
    ).rows[0]!;
    expect(Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)]))).toEqual({
      completed: JOBS,
      leases: JOBS,
      leased_jobs: JOBS,
      accounted: JOBS,
    });
    // Work was spread, not funnelled to one node.
    expect(new Set(completedBy.values()).size).toBeGreaterThan(NODES / 2);
  });
});
