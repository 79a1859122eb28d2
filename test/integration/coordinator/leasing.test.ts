import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeJobCharge } from '../../../shared/protocol/money';
import { coordinator, getJob, jobRequest, joinedNode, key, result, submit, testClock } from './helpers';

const clock = testClock();
let c: Awaited<ReturnType<typeof coordinator>>;

beforeAll(async () => {
  c = await coordinator({
    now: clock.now,
    config: { heartbeatIntervalMs: 1000, leaseTtlMs: 3000, uptimeMaxGapMs: 1500 },
  });
});
afterAll(async () => {
  await c?.close();
});

/** Leases until the wanted job comes, then hands back the others it took on the way. */
async function drain(node: Awaited<ReturnType<typeof joinedNode>>, jobId: string) {
  const others: string[] = [];
  let found = null;
  for (let offer = await node.lease(0); offer; offer = await node.lease(0)) {
    if (offer.jobId === jobId) {
      found = offer;
      break;
    }
    others.push(offer.leaseId);
  }
  for (const leaseId of others) await node.report(leaseId, 'release', { idempotencyKey: key(), reason: 'test' });
  return found;
}

describe('leases', () => {
  it('a lease that is not renewed expires; the job resumes elsewhere from its last checkpoint', async () => {
    const first = await joinedNode(c, { now: clock.now });
    const second = await joinedNode(c, { now: clock.now });
    const { body: job } = await submit(c, jobRequest({ idempotencyKey: key() }));
    const offer = await drain(first, job.jobId);
    expect(offer).not.toBeNull();
    expect(offer!.attempt).toBe(1);
    expect(offer!.checkpoint).toBeNull();
    const data = crypto.randomBytes(2048);
    const sha256 = crypto.createHash('sha256').update(data).digest('hex');
    await first.report(offer!.leaseId, 'checkpoint', { idempotencyKey: key(), sha256, data: data.toString('base64') });
    // The first node goes silent past the lease TTL.
    clock.advance(3500);
    await new Promise((r) => setTimeout(r, 500));
    expect((await getJob(c, job.jobId)).body.status).toBe('queued');
    const resumed = await drain(second, job.jobId);
    expect(resumed).toMatchObject({ jobId: job.jobId, attempt: 2, checkpoint: { sha256, bytes: 2048 } });
    expect(Buffer.from(resumed!.checkpoint!.data, 'base64').equals(data)).toBe(true);
    // The silent node's lease is gone: its reports are refused and a heartbeat revokes it.
    await expect(
      first.report(offer!.leaseId, 'progress', { idempotencyKey: key(), fraction: 0.9, message: 'late' }),
    ).rejects.toMatchObject({ status: 409, code: 'lease_lost' });
    expect((await first.heartbeat('running', [offer!.leaseId])).revokedLeaseIds).toEqual([offer!.leaseId]);
  });

  it('heartbeats renew a lease, so a live node keeps its job past the TTL', async () => {
    const node = await joinedNode(c, { now: clock.now });
    const { body: job } = await submit(c, jobRequest({ idempotencyKey: key() }));
    const offer = await drain(node, job.jobId);
    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      const hb = await node.heartbeat('running', [offer!.leaseId]);
      expect(hb.revokedLeaseIds).toEqual([]);
    }
    await new Promise((r) => setTimeout(r, 400));
    expect((await getJob(c, job.jobId)).body.status).toBe('leased');
  });

  it('a checkpoint whose hash does not match its data is refused', async () => {
    const node = await joinedNode(c, { now: clock.now });
    const { body: job } = await submit(c, jobRequest({ idempotencyKey: key() }));
    const offer = await drain(node, job.jobId);
    await expect(
      node.report(offer!.leaseId, 'checkpoint', { idempotencyKey: key(), sha256: 'e'.repeat(64), data: 'aGVsbG8=' }),
    ).rejects.toMatchObject({ status: 400 });
    expect((await getJob(c, job.jobId)).body.checkpoint).toBeNull();
  });

  it('complete is exactly once: a repeat returns the same accounting, and the job is charged once', async () => {
    const node = await joinedNode(c, { now: clock.now });
    const { body: job } = await submit(c, jobRequest({ idempotencyKey: key(), maxPricePerGpuHour: 720_000 }));
    const offer = await drain(node, job.jobId);
    clock.advance(5000);
    await node.heartbeat('running', [offer!.leaseId]);
    const k = key();
    const done = await node.complete(offer!.leaseId, { idempotencyKey: k, result: result(4321) });
    const again = await node.complete(offer!.leaseId, { idempotencyKey: k, result: result(4321) });
    const otherKey = await node.complete(offer!.leaseId, { idempotencyKey: key(), result: result(9999) });
    const expected = computeJobCharge({ durationMs: 4321, gpuCount: 1, pricePerGpuHour: 720_000, feeBps: 1000 });
    expect(done).toMatchObject({
      duplicate: false,
      receipt: { gross: expected.gross, fee: expected.fee, net: expected.net, gpuMs: 4321 },
    });
    expect(again).toMatchObject({ duplicate: true, receipt: { net: expected.net } });
    expect(otherKey).toMatchObject({ duplicate: true, receipt: { net: expected.net } });
    const rows = await c.ctx.db.query('SELECT net FROM accounting WHERE job_id = $1', [job.jobId]);
    expect(rows.rows.map((r) => Number(r.net))).toEqual([expected.net]);
    const view = (await getJob(c, job.jobId)).body;
    expect(view).toMatchObject({
      status: 'completed',
      node: node.address,
      cost: { net: expected.net },
      result: { outputs: [{ sha256: 'c'.repeat(64) }] },
    });
    const earnings = await node.earnings();
    expect(earnings.totals.net).toBe(expected.net);
  });

  it('a node cannot bill for longer than it held the lease', async () => {
    const node = await joinedNode(c, { now: clock.now });
    const { body: job } = await submit(c, jobRequest({ idempotencyKey: key() }));
    const offer = await drain(node, job.jobId);
    const done = await node.complete(offer!.leaseId, { idempotencyKey: key(), result: result(10 * 3_600_000) });
    expect(done.receipt.gpuMs).toBeLessThan(60_000);
  });

  it('leave hands the lease back without using up an attempt', async () => {
    const node = await joinedNode(c, { now: clock.now });
    const { body: job } = await submit(c, jobRequest({ idempotencyKey: key() }));
    const offer = await drain(node, job.jobId);
    await node.report(offer!.leaseId, 'release', { idempotencyKey: key(), reason: 'operator left the network' });
    expect((await getJob(c, job.jobId)).body).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('a non-retryable failure fails the job with its reason; a retryable one requeues it', async () => {
    const node = await joinedNode(c, { now: clock.now });
    const { body: bad } = await submit(c, jobRequest({ idempotencyKey: key() }));
    const o1 = await drain(node, bad.jobId);
    await node.report(o1!.leaseId, 'fail', {
      idempotencyKey: key(),
      reason: 'spec refused: image not pinned',
      retryable: false,
    });
    expect((await getJob(c, bad.jobId)).body).toMatchObject({
      status: 'failed',
      failure: 'spec refused: image not pinned',
    });
    const { body: flaky } = await submit(c, jobRequest({ idempotencyKey: key() }));
    const o2 = await drain(node, flaky.jobId);
    await node.report(o2!.leaseId, 'fail', { idempotencyKey: key(), reason: 'registry unreachable', retryable: true });
    expect((await getJob(c, flaky.jobId)).body.status).toBe('queued');
  });
});

describe('uptime', () => {
  it('credits gaps up to the interval and nothing for a longer gap', async () => {
    const node = await joinedNode(c, { now: clock.now });
    const { uptime } = await import('../../../coordinator/services/nodes');
    const nodeId = node.nodeId!;
    const base = clock.now();
    // Heartbeats at 0, 1000, 2000 (credited: 2000), then a 10 s outage, then 12000, 13000 (credited: 1000).
    const rows = [0, 1000, 2000, 12_000, 13_000].map((t) => base + t);
    for (const at of rows) await c.ctx.db.query('INSERT INTO heartbeats (node_id, at) VALUES ($1, $2)', [nodeId, at]);
    clock.advance(13_000);
    const u = await uptime(c.ctx, nodeId, clock.now() - base + 1);
    expect(u.creditedMs).toBe(3000);
  });
});

describe('customers', () => {
  it('the same idempotency key submits one job', async () => {
    const k = key();
    const a = await submit(c, jobRequest({ idempotencyKey: k }));
    const b = await submit(c, jobRequest({ idempotencyKey: k }));
    expect(a.body.jobId).toBe(b.body.jobId);
  });
});
